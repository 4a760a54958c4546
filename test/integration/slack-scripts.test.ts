import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAudit } from '../../src/store/audit.js';
import { isGone, printedPid } from '../scripts/script-fixtures.js';
import { blockActionsPayload } from '../support/slack-requests.js';
import { CHANNEL, startTestOpsbot, TEAM, type TestOpsbot } from '../support/test-opsbot.js';
import { tempDir } from '../support/tools-engine.js';

// Runbook scripts over the real Bolt app and a fake Slack: a long one cancelled with its Cancel button,
// one flooding output, one printing secrets.
const SCRIPTS: Record<string, string> = {
  'validation/validate_architecture.sh': `#!/usr/bin/env bash
case "$1" in
  hang) echo "pid $$"; for i in 1 2 3; do echo "step $i"; done; sleep 60; echo "never printed" ;;
  flood) for i in $(seq 1 3000); do echo "line $i of the validation report"; done ;;
esac
`,
  'maintenance/backup_database.sh': `#!/usr/bin/env bash
echo "connecting to $DATABASE_URL"
echo "export SLACK_TOKEN=xoxb-123456789012-abcdefghijkl"
echo "the password is Sup3r-s3cret-pw"
echo "Backup of $1 done: backup_20261123_010000 (1 bytes) in /backups"
`,
};
const PASSWORD = 'Sup3r-s3cret-pw';

let t: TestOpsbot;
let remove: () => void;

beforeAll(async () => {
  const tmp = tempDir('opsbot-slack-scripts-');
  remove = tmp.remove;
  const scriptsDir = path.join(tmp.dir, 'scripts');
  for (const [file, body] of Object.entries(SCRIPTS)) {
    mkdirSync(path.dirname(path.join(scriptsDir, file)), { recursive: true });
    writeFileSync(path.join(scriptsDir, file), body);
    chmodSync(path.join(scriptsDir, file), 0o755);
  }
  t = await startTestOpsbot({
    env: { SCRIPTS_DIR: scriptsDir, DEV_DATABASE_URL: `postgres://app:${PASSWORD}@db.internal:5432/app` },
  });
});
afterAll(async () => {
  await t?.close();
  remove?.();
});

const hasCancel = (blocks: unknown) => JSON.stringify(blocks ?? []).includes('"action_id":"ops_cancel_run"');

describe('runbook scripts in Slack', () => {
  it('shows a Cancel button while a script runs; only the requester or an operator may use it; the run then says who cancelled it', async () => {
    await t.command('run validate-architecture dev hang');
    const header = await t.slack.waitFor('chat.postMessage', (c) => String(c.args.text).includes('Running:'), 8_000);
    const headerTs = (header.response as { ts: string }).ts;
    await t.slack.waitFor('chat.update', (c) => String(c.args.text).includes('step 3'), 8_000);
    const progress = t.slack.messagesIn(CHANNEL, headerTs).find((m) => hasCancel(m.blocks));
    expect(progress).toBeDefined();
    const click = (userId: string) =>
      blockActionsPayload({
        userId,
        teamId: TEAM,
        triggerId: t.slack.triggerId(),
        responseUrl: t.slack.responseUrl(),
        actionId: 'ops_cancel_run',
        message: progress as never,
      });
    const answer = async (payload: Record<string, unknown>) => {
      expect((await t.interact(payload)).status).toBe(200);
      const id = new URL(String(payload.response_url)).pathname.replace(/^\/response\//, '');
      return (await t.slack.waitForResponse((r) => r.id === id, 8_000)).body as { text: string };
    };

    // Carol holds only viewer: refused, and the script keeps running.
    expect((await answer(click('U0CAROL'))).text).toMatch(
      /^Only <@U0ALICE> or someone with the operator role can cancel run in dev \(run r-\w+\)\.$/,
    );
    expect((await answer(click('U0BOB'))).text).toMatch(/^Cancelling run in dev \(run r-\w+\)…$/);

    const final = await t.slack.waitFor(
      'chat.update',
      (c) => c.args.ts === headerTs && String(c.args.text).includes('cancelled'),
      10_000,
    );
    expect(String(final.args.text)).toMatch(/validate-architecture for dev cancelled by <@U0BOB> after \d+\.\ds/);
    const pid = printedPid(JSON.stringify(final.args.blocks).replaceAll('\\n', '\n'), 'pid');
    expect(await isGone(pid)).toBe(true);
    // The progress message keeps its last lines and loses the button.
    await expect
      .poll(() => hasCancel(t.slack.messagesIn(CHANNEL, headerTs).find((m) => m.ts === progress?.ts)?.blocks))
      .toBe(false);

    const runId = /run (r-\w+)/.exec(String(JSON.stringify(final.args.blocks)))?.[1];
    const trail = await listAudit(t.testDb.db, { requestId: runId, limit: 10 });
    expect(trail.map((e) => `${e.kind} ${e.actor}`).sort()).toEqual([
      'command.cancel_requested U0BOB',
      'command.failed U0ALICE',
      'command.started U0ALICE',
    ]);
    expect(t.slack.violations).toEqual([]);
  });

  it('uploads a long output as a file instead of flooding the channel', async () => {
    await t.command('run validate-architecture dev flood');
    const upload = await t.slack.waitFor('files.completeUploadExternal', () => true, 10_000);
    const header = await t.slack.waitFor(
      'chat.update',
      (c) => String(c.args.text).includes('full output uploaded'),
      10_000,
    );
    expect(String(header.args.text)).toMatch(
      /^\[SANDBOX\] validate-architecture for dev succeeded: line 3000 of the validation report \(full output uploaded as run-r-\w+\.txt\)/,
    );
    const file = [...t.slack.files.values()].find((f) => f.filename.startsWith('run-r-'));
    expect(file?.content?.toString('utf8').trimEnd().split('\n')).toHaveLength(3000);
    expect(upload).toBeDefined();
    const posted = t.slack.calls.filter((c) => c.method === 'chat.postMessage' || c.method === 'chat.update');
    expect(posted.some((c) => JSON.stringify(c.args).includes('line 1500 of'))).toBe(false);
    expect(t.slack.violations).toEqual([]);
  });

  it('redacts the database password and tokens a script prints, everywhere it is posted or logged', async () => {
    const sent = await t.command('backup dev');
    const id = new URL(sent.responseUrl).pathname.replace(/^\/response\//, '');
    const reply = (await t.slack.waitForResponse((r) => r.id === id, 8_000)).body as { text: string; blocks: unknown };
    expect(reply.text).toBe('[SANDBOX] Backup of dev done: backup_20261123_010000 (1 bytes) in /backups');
    const shown = JSON.stringify(reply.blocks);
    expect(shown).toContain('connecting to [redacted]\\n');
    expect(shown).toContain('the password is [redacted]\\n');
    expect(shown).toContain('export SLACK_TOKEN=[redacted slack token]\\n');
    const everything = JSON.stringify(t.slack.calls) + JSON.stringify(t.slack.responses) + t.logs.text();
    expect(everything).not.toContain(PASSWORD);
    expect(everything).not.toContain('xoxb-123456789012-abcdefghijkl');
  });
});
