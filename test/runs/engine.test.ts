import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import freeze from '../../commands/freeze.js';
import freezeList from '../../commands/freeze-list.js';
import unfreeze from '../../commands/unfreeze.js';
import { loadCatalog } from '../../src/catalog.js';
import { arg, defineCommand } from '../../src/define.js';
import { createKubeCluster } from '../../src/kubernetes/kube-cluster.js';
import { type Sandbox, sandboxEnvironments, startSandbox } from '../../src/kubernetes/sandbox.js';
import { createRegistry } from '../../src/registry/registry.js';
import { createEngine, type Engine } from '../../src/runs/engine.js';
import type { Outcome } from '../../src/runs/outcome.js';
import { listAudit } from '../../src/store/audit.js';
import { getRequest } from '../../src/store/requests.js';
import { collectLogs } from '../support/collect-logs.js';
import { bumpCommand, fullMemberDirectory } from '../support/engine-fixtures.js';
import { createTestDb, type TestDb } from '../support/test-db.js';

// A mutating command that only records that it ran: the engine's gates are what is under test.
const ran: string[] = [];
const bump = bumpCommand(ran);
const crash = defineCommand({
  name: 'crash',
  summary: 'Fails unexpectedly.',
  usage: ['crash'],
  args: z.object({}),
  mutates: false,
  requiredRole: 'viewer',
  run: async () => {
    throw new Error('socket hang up at 10.0.0.7 with token xoxb-123');
  },
});

const leak = defineCommand({
  name: 'leak',
  summary: 'Prints what a careless script prints.',
  usage: ['leak'],
  args: z.object({}),
  mutates: false,
  requiredRole: 'viewer',
  run: async () => ({
    summary: 'connected to postgres://app:hunter22@db:5432/app',
    details: 'TOKEN=xoxb-1234567890-abcdefghij',
  }),
});

let releaseSlow: () => void = () => {};
const slow = defineCommand({
  name: 'slow',
  summary: 'A change that takes until the test lets it finish.',
  usage: ['slow worker dev'],
  args: z.object({ service: arg.service(), env: arg.env() }),
  mutates: true,
  requiredRole: 'operator',
  plan: async () => ({ summary: 'slow change', changes: [] }),
  run: () => new Promise((resolve) => (releaseSlow = () => resolve({ summary: 'slow change done' }))),
});

const directory = fullMemberDirectory();

let testDb: TestDb;
let sandbox: Sandbox;
let engine: Engine;
const logs = collectLogs();

async function run(text: string, userId = 'U0ALICE'): Promise<Outcome> {
  const sent: Outcome[] = [];
  await engine.run(
    { text, actor: { userId, teamId: 'T1' }, source: 'console' },
    { send: async (o) => void sent.push(o), progress: async () => {} },
  );
  return sent[0] as Outcome;
}

beforeAll(async () => {
  testDb = await createTestDb();
  const catalog = loadCatalog('catalog.yaml');
  sandbox = await startSandbox(sandboxEnvironments(catalog));
  engine = createEngine({
    registry: createRegistry([bump, crash, slow, leak, freeze, unfreeze, freezeList], [], []),
    catalog,
    db: testDb.db,
    cluster: createKubeCluster({ kubeConfig: sandbox.kubeConfig, sandbox: true }),
    directory,
    logger: logs.logger,
  });
});
afterAll(async () => {
  await sandbox?.close();
  await testDb?.close();
});

describe('the run pipeline', () => {
  it('runs a change outside production and audits its start and end', async () => {
    const outcome = await run('bump api-gateway dev');
    expect(outcome).toMatchObject({ kind: 'result', audience: 'channel', result: { summary: 'bumped api-gateway' } });
    expect(ran).toContain('api-gateway/dev/U0ALICE');
    const trail = await listAudit(testDb.db, { requestId: outcome.runId, limit: 10 });
    expect(trail.map((e) => e.kind).sort()).toEqual(['command.started', 'command.succeeded']);
    expect(await getRequest(testDb.db, outcome.runId)).toMatchObject({
      command: 'bump',
      environment: 'dev',
      target: 'api-gateway',
      requester: 'U0ALICE',
      outcome: 'succeeded',
      summary: 'bumped api-gateway',
    });
  });

  it('refuses a change in production and never runs it', async () => {
    ran.length = 0;
    const outcome = await run('bump api-gateway prod');
    expect(outcome).toMatchObject({ kind: 'error', code: 'refused' });
    expect(outcome.kind === 'error' && outcome.message).toContain('needs a second person');
    expect(ran).toEqual([]);
    const [audit] = await listAudit(testDb.db, { requestId: outcome.runId, limit: 10 });
    expect(audit?.kind).toBe('command.refused');
    expect(await getRequest(testDb.db, outcome.runId)).toMatchObject({ outcome: 'refused' });
  });

  it('shows the plan for --dry-run and changes nothing, even in production', async () => {
    ran.length = 0;
    const outcome = await run('bump api-gateway prod --dry-run');
    expect(outcome).toMatchObject({ kind: 'plan', plan: { changes: [{ what: 'counter', from: '1', to: '2' }] } });
    expect(ran).toEqual([]);
  });

  it('refuses someone without the role, naming the role and how to get it', async () => {
    const outcome = await run('bump api-gateway dev', 'U0CAROL');
    expect(outcome).toMatchObject({ kind: 'error', code: 'forbidden' });
    expect(outcome.kind === 'error' && outcome.message).toBe('You need the operator role to run bump in dev.');
    expect(outcome.kind === 'error' && outcome.hint).toContain('roles.operator');
  });

  it('lets one change at a time touch a target, telling the second who holds it', async () => {
    const first = run('slow worker dev', 'U0ALICE');
    await expect
      .poll(() => listAudit(testDb.db, { kind: 'command.started', command: 'slow', limit: 1 }))
      .toHaveLength(1);
    const second = await run('bump worker dev', 'U0BOB');
    expect(second).toMatchObject({ kind: 'error', code: 'target_locked' });
    expect(second.kind === 'error' && second.message).toMatch(
      /^worker in dev is busy: <@U0ALICE> is running slow \(run r-\w+\) since \d\d:\d\d UTC\.$/,
    );
    const other = await run('bump backend dev', 'U0BOB');
    expect(other.kind).toBe('result');
    releaseSlow();
    expect(await first).toMatchObject({ kind: 'result', result: { summary: 'slow change done' } });
    expect(await run('bump worker dev', 'U0BOB')).toMatchObject({ kind: 'result' });
  });

  it('redacts secrets from what it posts and audits, whatever the command returned', async () => {
    const outcome = await run('leak');
    expect(JSON.stringify(outcome)).not.toMatch(/hunter22|xoxb-1234567890/);
    expect(outcome.kind === 'result' && outcome.result.summary).toBe(
      'connected to postgres://app:[redacted]@db:5432/app',
    );
    const [audit] = await listAudit(testDb.db, { requestId: outcome.runId, limit: 1 });
    expect(JSON.stringify(audit)).not.toContain('hunter22');
  });

  it('a freeze refuses changes in its environment until it is lifted, and says until when and why', async () => {
    expect(await run('freeze dev 2h')).toMatchObject({ kind: 'error', message: expect.stringContaining('Say why') });
    const frozen = await run('freeze dev 2h --reason "load test"');
    expect(frozen.kind === 'result' && frozen.result.summary).toMatch(
      /^dev is frozen until .* UTC \(load test\)\. \/ops unfreeze dev lifts it\.$/,
    );
    ran.length = 0;
    const refused = await run('bump worker dev', 'U0BOB');
    expect(refused.kind === 'error' && refused.message).toMatch(
      /^Nothing was changed: dev is frozen until .* \(load test\), so bump cannot run there\.$/,
    );
    expect(ran).toEqual([]);
    expect(await run('bump worker staging')).toMatchObject({ kind: 'result' });
    const list = await run('freeze list');
    expect(list.kind === 'result' && list.result.details).toMatch(/dev .* <@U0ALICE> .* load test/);
    expect(await run('unfreeze dev')).toMatchObject({ kind: 'result', result: { summary: 'Lifted 1 freeze in dev.' } });
    expect(await run('bump worker dev')).toMatchObject({ kind: 'result' });
  });

  it('turns an unexpected error into a generic message with the run id, and logs the cause', async () => {
    const outcome = await run('crash');
    expect(outcome).toMatchObject({ kind: 'error', code: 'internal' });
    expect(outcome.kind === 'error' && outcome.message).toContain(outcome.runId);
    expect(outcome.kind === 'error' && outcome.message).not.toContain('10.0.0.7');
    const line = logs.lines.find((l) => l.runId === outcome.runId && l.msg === 'run failed unexpectedly');
    expect(line).toBeDefined();
    const [audit] = await listAudit(testDb.db, { requestId: outcome.runId, limit: 1 });
    expect(audit?.kind).toBe('command.failed');
  });
});
