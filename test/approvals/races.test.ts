/**
 * Exactly-once across replicas (cases 24, 25, 28, 30, 40): two pools on one PostgreSQL schema, as two opsbot
 * replicas would have, act on the same requests at the same moment. Real PostgreSQL only: PGlite is one session.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cancel } from '../../src/approvals/cancel.js';
import { claimExecution } from '../../src/approvals/claim-execution.js';
import { createApprovalRequest } from '../../src/approvals/create-request.js';
import { decide } from '../../src/approvals/decide.js';
import { expireDue } from '../../src/approvals/expire-due.js';
import { personOf } from '../../src/approvals/person.js';
import { reconcileStale } from '../../src/approvals/reconcile-stale.js';
import type { ApprovalRequest } from '../../src/store/approvals.js';
import type { Db } from '../../src/store/db.js';
import { createTestDb, type TestDb } from '../support/test-db.js';
import {
  A1,
  A2,
  approveBy,
  auditKinds,
  catalog,
  countRows,
  openRequest,
  plan,
  shiftToPast,
  stateOf,
  TEAM,
} from './support.js';

const TRIALS = 100;
const IN_FLIGHT = 10;

/** Runs `trial(i)` for i in [0, n), at most `width` at a time. */
async function inBatches(n: number, width: number, trial: (i: number) => Promise<void>): Promise<void> {
  for (let start = 0; start < n; start += width) {
    await Promise.all(Array.from({ length: Math.min(width, n - start) }, (_, k) => trial(start + k)));
  }
}

describe('races between replicas on postgres', () => {
  let t: TestDb;
  let one: Db;
  let two: Db;
  beforeAll(async () => {
    t = await createTestDb();
    one = t.db;
    two = await t.openAnother();
  });
  afterAll(async () => t?.close());

  it(`cases 24, 25: two approvers on two replicas at once, ${TRIALS} times: one approval, one execution`, async () => {
    const deployCalls = new Map<string, number>();
    const winners = { 'replica-a': 0, 'replica-b': 0 };
    // A replica's click handler: decide, then (like the executor) try to claim, and deploy only if it claimed.
    const replica = async (db: Db, name: string, approver: typeof A1, request: ApprovalRequest) => {
      const decision = await decide(db, approveBy(approver, request));
      const claim = await claimExecution(db, request.id, name);
      if (claim.kind === 'claimed') {
        deployCalls.set(request.id, (deployCalls.get(request.id) ?? 0) + 1);
        await new Promise((resolve) => setTimeout(resolve, 5)); // the deploy API, slow
      }
      return { decision, claim };
    };
    await inBatches(TRIALS, IN_FLIGHT, async () => {
      const request = await openRequest(one);
      const results = await Promise.all([
        replica(one, 'replica-a', A1, request),
        replica(two, 'replica-b', A2, request),
      ]);
      const decisions = results.map((r) => r.decision.kind).sort();
      expect(decisions).toEqual(['approved', 'refused']);
      expect(results.map((r) => r.claim.kind).sort()).toEqual(['claimed', 'not_claimed']);
      const winner = results.find((r) => r.decision.kind === 'approved');
      winners[winner === results[0] ? 'replica-a' : 'replica-b']++;
      expect(deployCalls.get(request.id)).toBe(1);
      expect(await countRows(one, 'executions', request.id)).toBe(1);
      const kinds = await auditKinds(one, request.id);
      expect(kinds.filter((k) => k === 'approval.approved')).toHaveLength(1);
      expect(kinds.filter((k) => k === 'approval.executing')).toHaveLength(1);
    });
    expect(deployCalls.size).toBe(TRIALS);
    // Each replica won some: the decisions really raced.
    expect(winners['replica-a']).toBeGreaterThan(0);
    expect(winners['replica-b']).toBeGreaterThan(0);
  });

  it('case 25: many executors claiming one approved request: exactly one claims', async () => {
    const others = await Promise.all([t.openAnother(), t.openAnother()]);
    const pools = [one, two, ...others];
    await inBatches(20, 5, async () => {
      const request = await openRequest(one);
      await decide(one, approveBy(A1, request));
      const claims = await Promise.all(
        pools.flatMap((db, i) => [0, 1].map((j) => claimExecution(db, request.id, `replica-${i}-${j}`))),
      );
      expect(claims.filter((c) => c.kind === 'claimed')).toHaveLength(1);
      expect(await countRows(one, 'executions', request.id)).toBe(1);
    });
  });

  it('case 28: the same command on two replicas at once leaves one pending request; both point to it', async () => {
    // Two trials at a time: each leaves a request pending until it cancels it, and a person may have 3 (case 40).
    await inBatches(20, 2, async (i) => {
      const service = `dup-${i}`;
      const command = (db: Db, requester: typeof A1) =>
        createApprovalRequest(db, {
          command: 'rollback',
          service,
          env: 'prod',
          args: { service, env: 'prod' },
          plan,
          requester,
          requesterPerson: personOf(catalog, requester.userId),
          quorum: 1,
          policy: 'production-two-person',
        });
      const [a, b] = await Promise.all([command(one, A1), command(two, A2)]);
      expect([a.kind, b.kind].sort()).toEqual(['created', 'existing']);
      expect(a.request.id).toBe(b.request.id);
      const { rows } = await one.query<{ n: number }>(
        `select count(*)::int as n from approval_requests where service = $1 and state = 'pending'`,
        [service],
      );
      expect(rows[0]?.n).toBe(1);
      // Leave no pending request of A1/A2 behind, or the cap of 3 would bite the next trials.
      const created = a.kind === 'created' ? a.request : b.request;
      await cancel(one, {
        requestId: created.id,
        actor: { userId: created.requester, teamId: TEAM },
        person: created.requesterPerson,
        isApprover: false,
      });
    });
  });

  it('case 30: cancel races approve: the row lock orders them and the outcome matches that order', async () => {
    const orders = { approveFirst: 0, cancelFirst: 0 };
    await inBatches(50, IN_FLIGHT, async () => {
      const request = await openRequest(one);
      const requester = { userId: request.requester, teamId: TEAM };
      const [cancelled, approval] = await Promise.all([
        cancel(one, { requestId: request.id, actor: requester, person: request.requesterPerson, isApprover: false }),
        decide(two, approveBy(A1, request)),
      ]);
      // Cancel is allowed while pending or approved, so it always wins in the end; the approval either came
      // first (and was then cancelled) or came after (and was refused, recording nothing).
      expect(cancelled.kind).toBe('cancelled');
      expect(await stateOf(one, request.id)).toBe('cancelled');
      const kinds = (await auditKinds(one, request.id)).filter((k) => k !== 'approval.refused');
      if (approval.kind === 'approved') {
        orders.approveFirst++;
        expect(kinds).toEqual(['approval.requested', 'approval.approved', 'approval.cancelled']);
        expect(await countRows(one, 'approval_decisions', request.id)).toBe(1);
      } else {
        orders.cancelFirst++;
        expect(approval).toMatchObject({ kind: 'refused', reason: 'not_pending', request: { state: 'cancelled' } });
        expect(kinds).toEqual(['approval.requested', 'approval.cancelled']);
        expect(await countRows(one, 'approval_decisions', request.id)).toBe(0);
      }
      expect(await countRows(one, 'executions', request.id)).toBe(0);
    });
    // Both orders happened: the two transactions really overlapped.
    expect(orders.approveFirst).toBeGreaterThan(0);
    expect(orders.cancelFirst).toBeGreaterThan(0);
  });

  it('case 30: cancel races the claim: either it is cancelled and never runs, or it runs and cancel is refused', async () => {
    await inBatches(50, IN_FLIGHT, async () => {
      const request = await openRequest(one);
      await decide(one, approveBy(A1, request));
      const [cancelled, claim] = await Promise.all([
        cancel(one, { requestId: request.id, actor: A2, person: 'slack:U0BOB', isApprover: true }),
        claimExecution(two, request.id, 'replica-b'),
      ]);
      expect([cancelled.kind, claim.kind].sort()).toEqual(
        claim.kind === 'claimed' ? ['claimed', 'refused'] : ['cancelled', 'not_claimed'],
      );
      expect(await countRows(one, 'executions', request.id)).toBe(claim.kind === 'claimed' ? 1 : 0);
    });
  });

  it('case 40: six requests of one person at once on two replicas: exactly three are accepted', async () => {
    const requester = { userId: 'U0FLOODRACE', teamId: TEAM };
    const results = await Promise.allSettled(
      Array.from({ length: 6 }, (_, i) => openRequest(i % 2 ? one : two, { requester, service: `flood-${i}` })),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
    for (const r of results) if (r.status === 'rejected') expect(String(r.reason)).toMatch(/already have 3/);
  });

  it('sweepers on two replicas expire each request once; stale executions are reported once', async () => {
    const due = await Promise.all(Array.from({ length: 10 }, () => openRequest(one)));
    for (const r of due) await shiftToPast(one, r.id, 'expires_at', 1);
    const [a, b] = await Promise.all([expireDue(one), expireDue(two)]);
    const ids = [...a, ...b].map((r) => r.id).filter((id) => due.some((r) => r.id === id));
    expect(ids.sort()).toEqual(due.map((r) => r.id).sort());
    for (const r of due) expect((await auditKinds(one, r.id)).filter((k) => k === 'approval.expired')).toHaveLength(1);

    const running = await openRequest(one);
    await decide(one, approveBy(A1, running));
    await claimExecution(one, running.id, 'replica-dead');
    await one.query(`update executions set heartbeat_at = now() - interval '1 minute' where request_id = $1`, [
      running.id,
    ]);
    const [x, y] = await Promise.all([
      reconcileStale(one, { heartbeatTimeoutSeconds: 30 }),
      reconcileStale(two, { heartbeatTimeoutSeconds: 30 }),
    ]);
    expect([...x, ...y].filter((r) => r.id === running.id)).toHaveLength(1);
  });
});
