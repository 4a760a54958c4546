/**
 * The sweeper, when nobody clicks: reminders at half the time to live (once, across two sweeping replicas),
 * expiry with the card redrawn, and a request whose requester's account is gone cancelled.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApprovalRequest } from '../../src/approvals/create-request.js';
import type { ApprovalNotifier } from '../../src/runs/approval-notifier.js';
import { sweepApprovals } from '../../src/runs/approval-sweeper.js';
import { type ApprovalRequest, getApprovalRequest } from '../../src/store/approvals.js';
import { collectLogs } from '../support/collect-logs.js';
import { fullMemberDirectory } from '../support/engine-fixtures.js';
import { createTestDb, type TestDb } from '../support/test-db.js';

const gone = new Set<string>();
const directory = fullMemberDirectory({ workspace: true, gone });
const events: string[] = [];
const notifier: ApprovalNotifier = {
  opened: async () => {},
  changed: async (r) => void events.push(`changed ${r.id} ${r.state}`),
  breakGlass: async () => {},
  reminder: async (r) => void events.push(`reminder ${r.id}`),
  reviewOverdue: async (r) => void events.push(`overdue ${r.id}`),
  repliesFor: () => ({ send: async () => {}, progress: async () => {} }),
};

let testDb: TestDb;
const logger = collectLogs().logger;
const sweep = () => sweepApprovals({ db: testDb.db, directory, notifier, logger });

async function request(service: string, requester: string): Promise<ApprovalRequest> {
  const created = await createApprovalRequest(testDb.db, {
    command: 'rollback',
    service,
    env: 'prod',
    args: { service, env: 'prod' },
    plan: { summary: `roll back ${service}`, changes: [{ what: 'revision', from: '4', to: '3' }] },
    requester: { userId: requester, teamId: 'T1' },
    requesterPerson: `slack:${requester}`,
    quorum: 1,
    policy: 'production-changes',
  });
  return created.request;
}

/** Moves a request's expiry; created_at is immutable (the guard trigger), expires_at is the sweeper's input. */
const expiresIn = (id: string, seconds: number) =>
  testDb.db.query(`update approval_requests set expires_at = now() + make_interval(secs => $2) where id = $1`, [
    id,
    seconds,
  ]);

beforeAll(async () => {
  testDb = await createTestDb();
});
afterAll(async () => testDb?.close());

describe('the approval sweeper', () => {
  it('reminds approvers once at half the time to live, even when two replicas sweep at once', async () => {
    const r = await request('backend', 'U0ALICE');
    await sweep();
    expect(events).not.toContain(`reminder ${r.id}`);
    // Created a moment ago and now expiring 3 s from now: 2 s later, more than half its time is gone.
    await expiresIn(r.id, 3);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    await Promise.all([sweep(), sweep()]);
    expect(events.filter((e) => e === `reminder ${r.id}`)).toHaveLength(1);
    await sweep();
    expect(events.filter((e) => e === `reminder ${r.id}`)).toHaveLength(1);
  });

  it('expires a request nobody decided and redraws its card', async () => {
    const r = await request('frontend', 'U0BOB');
    await expiresIn(r.id, -1);
    await sweep();
    expect((await getApprovalRequest(testDb.db, r.id))?.state).toBe('expired');
    expect(events).toContain(`changed ${r.id} expired`);
  });

  it('cancels a pending request whose requester’s account is gone (case 39)', async () => {
    const r = await request('worker', 'U0LEAVER');
    gone.add('U0LEAVER');
    await sweep();
    expect((await getApprovalRequest(testDb.db, r.id))?.state).toBe('cancelled');
    expect(events).toContain(`changed ${r.id} cancelled`);
  });
});
