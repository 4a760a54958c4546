/**
 * The two-person rule in the console quickstart: Alice's production rollback waits; Bob finds it with
 * /ops approvals and approves it by id; the change runs once; audit and policy explain what happened.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { startOpsbot } from '../../src/start-opsbot.js';
import { collectLogs } from '../support/collect-logs.js';

it('asks for approval in production, lets another approver decide by id, and shows it in audit and policy', async () => {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'opsbot-approvals-'));
  const config = loadConfig({ OPSBOT_DATA_DIR: dataDir, OPSBOT_CATALOG: 'catalog.yaml' });
  const input = new PassThrough();
  const output = new PassThrough();
  let text = '';
  output.on('data', (chunk) => {
    text += chunk.toString();
  });
  const opsbot = await startOpsbot({ ...config, port: 0 }, { input, output, logger: collectLogs().logger });
  const type = async (line: string, until: RegExp) => {
    const from = text.length;
    input.write(`${line}\n`);
    await expect.poll(() => until.test(text.slice(from)), { timeout: 10_000 }).toBe(true);
    return text.slice(from);
  };
  try {
    const asked = await type('/ops rollback backend prod --reason "errors since 4.2"', /Waiting for approval/);
    const id = /\((r-\w+)\)/.exec(asked)?.[1] as string;
    expect(asked).toContain(`[approval ${id}] rollback backend prod by U0ALICE waits for 1 approver(s)`);
    expect(await type(`/ops approvals approve ${id}`, /cannot approve/)).toContain('You requested this change');

    await type(':as bob', /You are now bob/);
    const listed = await type('/ops approvals', /you may decide/);
    expect(listed).toContain(id);
    expect(listed).toContain('rollback backend prod');
    const approved = await type(`/ops approvals approve ${id}`, /has run|rollout complete|✓/);
    expect(approved).toMatch(/Rolled back|rolled back|rollout complete/i);

    const audit = await type('/ops audit backend prod --since 1d', /Audit trail for backend in prod/);
    expect(audit).toContain('approval.executed');
    expect(audit).toContain('approval.approved');

    const policy = await type('/ops policy rollback prod --service api-gateway', /policy critical-services/);
    expect(policy).toContain('needs 2 approvers other than the requester');
    expect(await type('/ops policy rollback staging', /runs without approval/)).toContain('staging is not production');

    expect(await type('/ops audit --csv', /for admins/)).toContain('Exporting the audit trail is for admins');
    await type(':as alice', /You are now alice/);
    const csv = await type('/ops audit --since 1d --csv', /exported as CSV[\s\S]*run r-/);
    expect(csv).toContain('at_utc,actor,kind,command,environment,service,request,gist');
    expect(csv).toMatch(new RegExp(`,approval\\.executed,rollback,prod,backend,${id},`));
    input.write(':quit\n');
    await opsbot.consoleDone;
  } finally {
    await opsbot.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}, 60_000);
