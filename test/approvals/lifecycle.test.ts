/** Creating, cancelling, claiming, finishing and sweeping requests (APPROVALS.md §1–2), on both lanes. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  isApprovalMessage,
  listApprovalMessages,
  recordApprovalMessage,
} from '../../src/approvals/approval-messages.js';
import { cancel } from '../../src/approvals/cancel.js';
import { claimExecution } from '../../src/approvals/claim-execution.js';
import { createApprovalRequest } from '../../src/approvals/create-request.js';
import { decide } from '../../src/approvals/decide.js';
import { expireDue } from '../../src/approvals/expire-due.js';
import { finishExecution } from '../../src/approvals/finish-execution.js';
import { heartbeat } from '../../src/approvals/heartbeat.js';
import { listPendingFor, listPendingOf } from '../../src/approvals/list-pending.js';
import { paramsHash } from '../../src/approvals/params-hash.js';
import { personOf } from '../../src/approvals/person.js';
import { reconcileStale } from '../../src/approvals/reconcile-stale.js';
import { isOpsError } from '../../src/errors.js';
import { type ApprovalRequest, getExecution } from '../../src/store/approvals.js';
import { listAudit, verifyAuditChain } from '../../src/store/audit.js';
import { type TestDb, testDbLanes } from '../support/test-db.js';
import {
  A1,
  A2,
  approveBy,
  auditKinds,
  catalog,
  countRows,
  E,
  openRequest,
  plan,
  R,
  shiftToPast,
  stateOf,
  TEAM,
} from './support.js';

describe.each(testDbLanes)('approval lifecycle on $name', ({ create }) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await create();
  });
  afterAll(async () => t?.close());

  async function approved(overrides: Parameters<typeof openRequest>[1] = {}): Promise<ApprovalRequest> {
    const request = await openRequest(t.db, overrides);
    const result = await decide(t.db, approveBy(A1, request));
    if (result.kind !== 'approved') throw new Error(`not approved: ${result.message}`);
    return result.request;
  }

  describe('creating', () => {
    it('stores the canonical request with its hash, a 15 minute TTL by the database clock, and audits it', async () => {
      const request = await openRequest(t.db, { reason: '  checkout errors since v42  ' });
      expect(request).toMatchObject({
        state: 'pending',
        quorum: 1,
        reason: 'checkout errors since v42',
        breakGlass: false,
      });
      expect(request.id).toMatch(/^a-[a-z0-9]{6}$/);
      expect(request.paramsHash).toBe(paramsHash(request));
      expect(request.expiresAt.getTime() - request.createdAt.getTime()).toBe(15 * 60_000);
      const [event] = await listAudit(t.db, { requestId: request.id, limit: 5 });
      expect(event).toMatchObject({ kind: 'approval.requested', command: 'rollback', environment: 'prod' });
      expect(event?.payload).toMatchObject({ plan, paramsHash: request.paramsHash, quorum: 1 });
    });

    it('accepts the run id as its id and a TTL from 5 to 60 minutes only', async () => {
      const request = await openRequest(t.db, { id: 'r-run123', ttlMinutes: 5 });
      expect(request.id).toBe('r-run123');
      expect(request.expiresAt.getTime() - request.createdAt.getTime()).toBe(5 * 60_000);
      await expect(openRequest(t.db, { ttlMinutes: 4 })).rejects.toThrow(/from 5 to 60 minutes/);
      await expect(openRequest(t.db, { ttlMinutes: 61 })).rejects.toThrow(/from 5 to 60 minutes/);
      await expect(openRequest(t.db, { quorum: 4 })).rejects.toThrow(/quorum is 1 to 3/);
      await expect(openRequest(t.db, { reason: 'x'.repeat(501) })).rejects.toThrow(/at most 500/);
    });

    it('case 28: a second request for the same service and environment points to the pending one', async () => {
      const first = await openRequest(t.db, { service: 'api-gateway' });
      const again = await createApprovalRequest(t.db, {
        command: 'rollback',
        service: 'api-gateway',
        env: 'prod',
        args: { service: 'api-gateway', env: 'prod' },
        plan,
        requester: A2,
        requesterPerson: personOf(catalog, A2.userId),
        quorum: 1,
        policy: 'production-two-person',
      });
      expect(again).toEqual({ kind: 'existing', request: first });
      // Once it is no longer pending, a new one may be opened; an expired one does not block either.
      await shiftToPast(t.db, first.id, 'expires_at', 1);
      const next = await openRequest(t.db, { service: 'api-gateway' });
      expect(next.id).not.toBe(first.id);
      expect(await stateOf(t.db, first.id)).toBe('expired');
      expect(await auditKinds(t.db, first.id)).toEqual(['approval.requested', 'approval.expired']);
    });

    it('case 40: a 4th pending request of one person is refused; the 3 before are kept', async () => {
      const requester = { userId: 'U0FLOOD', teamId: TEAM };
      const three = [];
      for (let i = 0; i < 3; i++) three.push(await openRequest(t.db, { requester }));
      const fourth = await openRequest(t.db, { requester }).catch((error: unknown) => error);
      expect(isOpsError(fourth) && fourth.code).toBe('refused');
      expect((fourth as Error).message).toMatch(/already have 3 approval requests waiting/);
      expect((await listPendingOf(t.db, personOf(catalog, 'U0FLOOD'))).map((r) => r.id)).toEqual(
        three.map((r) => r.id),
      );
      // A decided one frees a slot.
      await decide(t.db, approveBy(A1, three[0] as ApprovalRequest));
      await expect(openRequest(t.db, { requester })).resolves.toMatchObject({ state: 'pending' });
    });

    it('case 40: the cap counts persons: a second account adds no slots', async () => {
      for (let i = 0; i < 3; i++) await openRequest(t.db, { requester: R });
      await expect(openRequest(t.db, { requester: { userId: 'U0RITA2', teamId: TEAM } })).rejects.toThrow(
        /already have 3/,
      );
      for (const r of await listPendingOf(t.db, 'person:rita')) {
        await cancel(t.db, { requestId: r.id, actor: R, person: 'person:rita', isApprover: false });
      }
    });

    it('cases 34, 35: break-glass needs an incident and a reason, starts approved, and is limited to 3 a day', async () => {
      const requester = { userId: 'U0GLASS', teamId: TEAM };
      await expect(openRequest(t.db, { requester, breakGlass: true, reason: 'down' })).rejects.toThrow(/incident id/);
      await expect(openRequest(t.db, { requester, breakGlass: true, incidentId: 'INC-1' })).rejects.toThrow(/reason/);
      const first = await openRequest(t.db, {
        requester,
        breakGlass: true,
        incidentId: 'INC-42',
        reason: 'checkout down',
      });
      expect(first).toMatchObject({ state: 'approved', quorum: 0, breakGlass: true, incidentId: 'INC-42' });
      const [event] = await listAudit(t.db, { requestId: first.id, limit: 5 });
      expect(event).toMatchObject({ kind: 'approval.break_glass', payload: { breakGlass: true } });
      expect(await claimExecution(t.db, first.id, 'replica-a')).toMatchObject({ kind: 'claimed' });
      await openRequest(t.db, { requester, breakGlass: true, incidentId: 'INC-42', reason: 'again' });
      await openRequest(t.db, { requester, breakGlass: true, incidentId: 'INC-42', reason: 'and again' });
      await expect(
        openRequest(t.db, { requester, breakGlass: true, incidentId: 'INC-42', reason: 'a 4th time' }),
      ).rejects.toThrow(/Break-glass was used 3 times/);
    });
  });

  describe('cancelling', () => {
    it('case 33: an unrelated user cannot cancel; the requester (any of their accounts) can, and it is audited', async () => {
      const request = await openRequest(t.db, { requester: R });
      const byE = await cancel(t.db, {
        requestId: request.id,
        actor: E,
        person: personOf(catalog, E.userId),
        isApprover: false,
      });
      expect(byE).toMatchObject({ kind: 'refused', reason: 'not_allowed' });
      expect(await stateOf(t.db, request.id)).toBe('pending');
      const bySecondAccount = await cancel(t.db, {
        requestId: request.id,
        actor: { userId: 'U0RITA2', teamId: TEAM },
        person: 'person:rita',
        isApprover: false,
      });
      expect(bySecondAccount).toMatchObject({ kind: 'cancelled', request: { state: 'cancelled' } });
      expect(await auditKinds(t.db, request.id)).toEqual([
        'approval.requested',
        'approval.refused',
        'approval.cancelled',
      ]);
    });

    it('case 33: an approver may cancel an approved request; nobody can once it is executing', async () => {
      const request = await approved();
      const byApprover = await cancel(t.db, {
        requestId: request.id,
        actor: A2,
        person: 'slack:U0BOB',
        isApprover: true,
      });
      expect(byApprover).toMatchObject({ kind: 'cancelled' });
      expect(await claimExecution(t.db, request.id, 'replica-a')).toMatchObject({
        kind: 'not_claimed',
        reason: 'not_approved',
      });

      const running = await approved();
      expect(await claimExecution(t.db, running.id, 'replica-a')).toMatchObject({ kind: 'claimed' });
      const late = await cancel(t.db, {
        requestId: running.id,
        actor: { userId: running.requester, teamId: TEAM },
        person: running.requesterPerson,
        isApprover: true,
      });
      expect(late).toMatchObject({ kind: 'refused', reason: 'not_cancellable' });
      expect(late.message).toMatch(/can no longer be cancelled/);
      expect(await stateOf(t.db, running.id)).toBe('executing');
    });
  });

  describe('claiming and executing', () => {
    it('cases 25, 29: claims once, with one execution row keyed by the request id; heartbeats; finishes once', async () => {
      const request = await approved();
      const claim = await claimExecution(t.db, request.id, 'replica-a');
      expect(claim).toMatchObject({ kind: 'claimed', request: { state: 'executing' } });
      if (claim.kind !== 'claimed') return;
      expect(claim.request.claimedAt).toBeInstanceOf(Date);
      expect(claim.execution).toMatchObject({
        requestId: request.id,
        idempotencyKey: request.id,
        replica: 'replica-a',
      });
      expect(await claimExecution(t.db, request.id, 'replica-b')).toMatchObject({
        kind: 'not_claimed',
        reason: 'not_approved',
      });
      expect(await heartbeat(t.db, request.id)).toBe(true);
      const done = await finishExecution(t.db, request.id, 'succeeded', 'Rolled back to v41', { output: 'ok\n' });
      expect(done).toMatchObject({ state: 'executed', outcome: 'succeeded', summary: 'Rolled back to v41' });
      expect(await finishExecution(t.db, request.id, 'failed', 'again')).toBeNull();
      expect(await heartbeat(t.db, request.id)).toBe(false);
      expect(await getExecution(t.db, request.id)).toMatchObject({ outcome: 'succeeded', outputExcerpt: 'ok\n' });
      expect(await countRows(t.db, 'executions', request.id)).toBe(1);
    });

    it('case 20: a drifted target is finished as aborted (failed), and nothing else', async () => {
      const request = await approved();
      await claimExecution(t.db, request.id, 'replica-a');
      const aborted = await finishExecution(t.db, request.id, 'aborted', 'Target changed since approval (v42 → v43)');
      expect(aborted).toMatchObject({ state: 'failed', outcome: 'aborted' });
    });

    it('case 16: a claim re-counts eligible approvers and returns the request to pending when one left', async () => {
      const request = await approved();
      const claim = await claimExecution(t.db, request.id, 'replica-a', { eligible: async () => false });
      expect(claim).toMatchObject({
        kind: 'not_claimed',
        reason: 'quorum_lost',
        request: { state: 'pending', approvedAt: null },
      });
      expect(await countRows(t.db, 'executions', request.id)).toBe(0);
      // Another approver can now approve it again.
      expect(await decide(t.db, approveBy(A2, request))).toMatchObject({ kind: 'approved' });
      expect(await claimExecution(t.db, request.id, 'replica-a', { eligible: async () => true })).toMatchObject({
        kind: 'claimed',
      });
      expect(await auditKinds(t.db, request.id)).toEqual([
        'approval.requested',
        'approval.approved',
        'approval.reopened',
        'approval.approved',
        'approval.executing',
      ]);
    });

    it('case 21: a freeze blocks an approved request at claim time, by the database time; break-glass passes', async () => {
      let askedAt: Date | undefined;
      const frozen = (at: Date) => {
        askedAt = at;
        return 'Black Friday';
      };
      const request = await approved();
      const claim = await claimExecution(t.db, request.id, 'replica-a', { frozen });
      expect(claim).toMatchObject({ kind: 'not_claimed', reason: 'frozen', request: { state: 'blocked_freeze' } });
      expect(claim.kind === 'not_claimed' && claim.message).toMatch(/Black Friday/);
      expect(askedAt).toBeInstanceOf(Date);
      const glass = await openRequest(t.db, { breakGlass: true, incidentId: 'INC-7', reason: 'outage' });
      expect(await claimExecution(t.db, glass.id, 'replica-a', { frozen })).toMatchObject({ kind: 'claimed' });
    });

    it('case 19: the executor recomputes the hash from the stored request; an altered row never runs', async () => {
      const request = await approved();
      // Tamper behind the immutability trigger's back (as only a database owner could), to show the second line.
      await t.db.transaction(async (tx) => {
        await tx.query('alter table approval_requests disable trigger approval_requests_guard');
        await tx.query(`update approval_requests set args = args || '{"revision": 1}'::jsonb where id = $1`, [
          request.id,
        ]);
        await tx.query('alter table approval_requests enable trigger approval_requests_guard');
      });
      const claim = await claimExecution(t.db, request.id, 'replica-a');
      expect(claim).toMatchObject({ kind: 'not_claimed', reason: 'params_mismatch', request: { state: 'cancelled' } });
      expect(await countRows(t.db, 'executions', request.id)).toBe(0);
    });

    it('case 23: approved but not started within 5 minutes: expired_unexecuted, never run', async () => {
      const request = await approved();
      // Simulated elapsed time: approved_at moved to 5 min 1 s before the database's now().
      await shiftToPast(t.db, request.id, 'approved_at', 301);
      const claim = await claimExecution(t.db, request.id, 'replica-a');
      expect(claim).toMatchObject({ kind: 'not_claimed', reason: 'expired', request: { state: 'expired_unexecuted' } });
      expect(await countRows(t.db, 'executions', request.id)).toBe(0);
      // Still fresh at 4 min 59 s.
      const fresh = await approved();
      await shiftToPast(t.db, fresh.id, 'approved_at', 299);
      expect(await claimExecution(t.db, fresh.id, 'replica-a')).toMatchObject({ kind: 'claimed' });
    });

    it('case 29: an execution whose heartbeat lapsed needs reconciliation and is never claimed again', async () => {
      const request = await approved();
      await claimExecution(t.db, request.id, 'replica-dead');
      const alive = await approved();
      await claimExecution(t.db, alive.id, 'replica-alive');
      await t.db.query(`update executions set heartbeat_at = now() - interval '61 seconds' where request_id = $1`, [
        request.id,
      ]);
      const stale = await reconcileStale(t.db, { heartbeatTimeoutSeconds: 60 });
      expect(stale.map((r) => r.id)).toEqual([request.id]);
      expect(stale[0]?.summary).toMatch(/replica-dead stopped reporting.*will not run it again/);
      expect(await reconcileStale(t.db, { heartbeatTimeoutSeconds: 60 })).toEqual([]);
      expect(await claimExecution(t.db, request.id, 'replica-b')).toMatchObject({ kind: 'not_claimed' });
      expect(await heartbeat(t.db, request.id)).toBe(false);
      expect(await stateOf(t.db, alive.id)).toBe('executing');
      // The slow replica may still report what really happened.
      expect(await finishExecution(t.db, request.id, 'succeeded', 'done after all')).toMatchObject({
        state: 'executed',
      });
      expect(await auditKinds(t.db, request.id)).toEqual([
        'approval.requested',
        'approval.approved',
        'approval.executing',
        'approval.needs_reconciliation',
        'approval.executed',
      ]);
    });
  });

  describe('sweeping and listing', () => {
    it('expireDue expires pending past TTL and approved past the window, once each, and returns them', async () => {
      const pending = await openRequest(t.db);
      const lapsed = await approved();
      const fresh = await openRequest(t.db);
      await shiftToPast(t.db, pending.id, 'expires_at', 1);
      await shiftToPast(t.db, lapsed.id, 'approved_at', 301);
      const changed = await expireDue(t.db);
      expect(changed.map((r) => [r.id, r.state])).toEqual(
        expect.arrayContaining([
          [pending.id, 'expired'],
          [lapsed.id, 'expired_unexecuted'],
        ]),
      );
      expect(changed.map((r) => r.id)).not.toContain(fresh.id);
      expect(await expireDue(t.db)).toEqual([]);
      expect(await auditKinds(t.db, lapsed.id)).toEqual([
        'approval.requested',
        'approval.approved',
        'approval.expired_unexecuted',
      ]);
    });

    it('lists pending requests someone may still decide: not their own, not decided, not expired', async () => {
      const mine = await openRequest(t.db, { requester: R });
      const decided = await openRequest(t.db, { quorum: 2 });
      await decide(t.db, approveBy(A2, decided));
      const open = await openRequest(t.db);
      const old = await openRequest(t.db);
      await shiftToPast(t.db, old.id, 'expires_at', 1);
      const forBob = (await listPendingFor(t.db, { userId: A2.userId, person: 'slack:U0BOB' })).map((r) => r.id);
      expect(forBob).toContain(open.id);
      expect(forBob).toContain(mine.id);
      expect(forBob).not.toContain(decided.id);
      expect(forBob).not.toContain(old.id);
      const forRita = (await listPendingFor(t.db, { userId: 'U0RITA2', person: 'person:rita' })).map((r) => r.id);
      expect(forRita).not.toContain(mine.id);
      await cancel(t.db, { requestId: mine.id, actor: R, person: 'person:rita', isApprover: false });
    });

    it('case 12: remembers the messages that carry a request’s buttons', async () => {
      const request = await openRequest(t.db);
      await recordApprovalMessage(t.db, request.id, { channelId: 'C0APPROVALS', messageTs: '1.1' });
      await recordApprovalMessage(t.db, request.id, { channelId: 'C0OPS', messageTs: '1.2' });
      await recordApprovalMessage(t.db, request.id, { channelId: 'C0OPS', messageTs: '1.2' });
      expect(await listApprovalMessages(t.db, request.id)).toHaveLength(2);
      expect(await isApprovalMessage(t.db, request.id, { channelId: 'C0OPS', messageTs: '1.2' })).toBe(true);
      expect(await isApprovalMessage(t.db, request.id, { channelId: 'C0ELSEWHERE', messageTs: '1.2' })).toBe(false);
    });
  });

  describe('the state machine in the database', () => {
    it('case 36: every transition wrote exactly one audit event, and the audit log cannot be changed', async () => {
      // Over every request this file created: the transition events form an unbroken chain from creation to the
      // current state (each event's `from` is the previous event's `state`), so none is missing or doubled.
      const rejected = await openRequest(t.db);
      await decide(t.db, { ...approveBy(A2, rejected), decision: 'reject', reason: 'wrong revision' });
      const { rows } = await t.db.query<{ id: string; state: string }>('select id, state from approval_requests');
      expect(rows.length).toBeGreaterThan(30);
      expect(new Set(rows.map((r) => r.state)).size).toBeGreaterThanOrEqual(10);
      for (const { id, state } of rows) {
        const events = (await listAudit(t.db, { requestId: id, limit: 100 }))
          .reverse()
          .filter((e) => e.kind !== 'approval.refused' && e.kind !== 'approval.recorded');
        const [first, ...rest] = events;
        expect(['approval.requested', 'approval.break_glass']).toContain(first?.kind);
        let current = first?.payload.state;
        for (const event of rest) {
          expect([id, event.payload.from]).toEqual([id, current]);
          current = event.payload.state;
        }
        expect([id, current]).toEqual([id, state]);
      }
      await expect(t.db.query(`update audit_events set kind = 'x' where kind like 'approval.%'`)).rejects.toThrow(
        /append-only/,
      );
      await expect(t.db.query(`delete from audit_events where kind like 'approval.%'`)).rejects.toThrow(/append-only/);
      expect((await verifyAuditChain(t.db)).ok).toBe(true);
    });

    it('final states accept nothing, and only the state machine’s transitions are possible', async () => {
      const request = await openRequest(t.db);
      await expect(
        t.db.query(`update approval_requests set state = 'executing' where id = $1`, [request.id]),
      ).rejects.toThrow(/not a transition/);
      await cancel(t.db, {
        requestId: request.id,
        actor: { userId: request.requester, teamId: TEAM },
        person: request.requesterPerson,
        isApprover: false,
      });
      await expect(
        t.db.query(`update approval_requests set state = 'approved', approved_at = now() where id = $1`, [request.id]),
      ).rejects.toThrow(/final/);
      await expect(t.db.query(`update approval_decisions set decision = 'approve'`)).rejects.toThrow(/never changed/);
    });
  });
});
