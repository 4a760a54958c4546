/**
 * The engine's approval gate with policies as data: which policy governs a production change, schedules that
 * are preapproved or must ask like a person, the boot check for gaps, and break-glass argument rules.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { policyFor, uncoveredProductionChanges } from '../../src/approvals/policy-for.js';
import { loadCatalog } from '../../src/catalog.js';
import { defineCommand, definePolicy } from '../../src/define.js';
import { createKubeCluster } from '../../src/kubernetes/kube-cluster.js';
import { type Sandbox, sandboxEnvironments, startSandbox } from '../../src/kubernetes/sandbox.js';
import { createRegistry } from '../../src/registry/registry.js';
import type { ApprovalNotifier } from '../../src/runs/approval-notifier.js';
import { createEngine, type Engine } from '../../src/runs/engine.js';
import { driftBetween } from '../../src/runs/execute-approved.js';
import type { Outcome } from '../../src/runs/outcome.js';
import type { ApprovalRequest } from '../../src/store/approvals.js';
import { collectLogs } from '../support/collect-logs.js';
import { bumpCommand, fullMemberDirectory } from '../support/engine-fixtures.js';
import { createTestDb, type TestDb } from '../support/test-db.js';

const ran: string[] = [];
const bump = bumpCommand(ran);
const purge = defineCommand({ ...bump, name: 'purge', usage: ['purge backend prod'] });
const standard = definePolicy({
  name: 'production-changes',
  appliesTo: { production: true, mutates: true },
  require: { approvals: 1, fromRoles: ['approver'] },
  schedules: 'preapproved',
});
const purges = definePolicy({
  name: 'purges-need-people',
  appliesTo: { commands: ['purge'] },
  require: { approvals: 1, fromRoles: ['approver'] },
  schedules: 'require-approval',
});

const directory = fullMemberDirectory({ workspace: true });
const opened: ApprovalRequest[] = [];
const notifier: ApprovalNotifier = {
  opened: async (r) => void opened.push(r),
  changed: async () => {},
  breakGlass: async () => {},
  reminder: async () => {},
  reviewOverdue: async () => {},
  repliesFor: () => ({ send: async () => {}, progress: async () => {} }),
};

let testDb: TestDb;
let sandbox: Sandbox;
let engine: Engine;
const catalog = loadCatalog('catalog.yaml');

async function run(text: string, actor: { userId: string; teamId: string; kind?: 'user' | 'schedule' }) {
  const sent: Outcome[] = [];
  await engine.run(
    { text, actor, source: actor.kind === 'schedule' ? 'schedule' : 'console' },
    { send: async (o) => void sent.push(o), progress: async () => {} },
  );
  return sent[0] as Outcome;
}

beforeAll(async () => {
  testDb = await createTestDb();
  sandbox = await startSandbox(sandboxEnvironments(catalog));
  engine = createEngine({
    registry: createRegistry([bump, purge], [], [standard, purges]),
    catalog,
    db: testDb.db,
    cluster: createKubeCluster({ kubeConfig: sandbox.kubeConfig, sandbox: true }),
    directory,
    logger: collectLogs().logger,
    approvals: { notifier, replica: 'test' },
  });
});
afterAll(async () => {
  await sandbox?.close();
  await testDb?.close();
});

describe('policies', () => {
  it('the most specific policy wins, and a gap in production coverage is named at boot', () => {
    const subject = { env: 'prod', production: true, tier: 'standard' as const };
    expect(policyFor([standard, purges], { ...subject, command: purge })?.policy.name).toBe('purges-need-people');
    expect(policyFor([standard, purges], { ...subject, command: bump })?.policy.name).toBe('production-changes');
    expect(uncoveredProductionChanges([bump, purge], [standard], catalog)).toEqual([]);
    expect(uncoveredProductionChanges([bump], [purges], catalog)).toEqual([
      expect.stringContaining('No approval policy covers bump in prod (production) for standard services'),
      expect.stringContaining('for critical services'),
    ]);
  });

  it('a preapproved schedule runs its production change; one whose policy says otherwise asks like a person', async () => {
    const schedule = { userId: 'schedule:nightly', teamId: 'schedule', kind: 'schedule' as const };
    expect(await run('bump backend prod', schedule)).toMatchObject({
      kind: 'result',
      result: { summary: 'bumped backend' },
    });
    expect(ran).toContain('backend/prod/schedule:nightly');
    const runsBefore = ran.length;
    const asked = await run('purge backend prod', schedule);
    expect(asked).toMatchObject({
      kind: 'approval',
      existing: false,
      request: { requester: 'schedule:nightly', policy: 'purges-need-people', state: 'pending' },
    });
    expect(opened.map((r) => r.id)).toContain(asked.runId);
    expect(ran.length).toBe(runsBefore);
  });

  it('break-glass is only for changes that need approval, and needs the role and an incident id', async () => {
    expect(await run('bump backend dev --break-glass INC-1 "why"', { userId: 'U0ALICE', teamId: 'T1' })).toMatchObject({
      kind: 'error',
      code: 'usage',
      message: expect.stringContaining('--break-glass is for production changes that need approval'),
    });
    expect(
      await run('bump worker prod --break-glass INC-1 "site down"', { userId: 'U0BOB', teamId: 'T1' }),
    ).toMatchObject({
      kind: 'error',
      code: 'forbidden',
      message: expect.stringContaining('not in the break-glass role'),
    });
    expect(
      await run('bump worker prod --break-glass now "site down"', { userId: 'U0ALICE', teamId: 'T1' }),
    ).toMatchObject({
      kind: 'error',
      message: expect.stringContaining('needs an incident id and a reason'),
    });
    const before = ran.length;
    expect(
      await run('bump worker prod --break-glass INC-7 "site down, approvers asleep"', {
        userId: 'U0ALICE',
        teamId: 'T1',
      }),
    ).toMatchObject({
      kind: 'result',
      result: { summary: 'bumped worker' },
    });
    expect(ran.slice(before)).toEqual(['worker/prod/U0ALICE']);
  });
});

describe('target drift (case 20)', () => {
  const plan = (from: string, volatile?: boolean) => ({
    summary: 's',
    changes: [{ what: 'revision', from, to: '3', ...(volatile ? { volatile } : {}) }],
  });
  it('names what moved, and ignores states marked volatile', () => {
    expect(driftBetween(plan('4'), plan('4'))).toBeUndefined();
    expect(driftBetween(plan('4'), plan('5'))).toBe('revision was 4, now 5');
    expect(driftBetween(plan('2/3 ready', true), plan('3/3 ready', true))).toBeUndefined();
    expect(driftBetween(plan('4'), { summary: 's', changes: [] })).toBe('approved revision: 4 → 3; now nothing');
  });
});
