/** The decision handler, case by case (APPROVALS.md §1), on PostgreSQL and on PGlite. */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { decide } from '../../src/approvals/decide.js';
import { listDecisions } from '../../src/store/approvals.js';
import { listAudit } from '../../src/store/audit.js';
import { type TestDb, testDbLanes } from '../support/test-db.js';
import {
  A1,
  A2,
  A3,
  approveBy,
  auditKinds,
  countRows,
  E,
  openRequest,
  R,
  R2,
  rejectBy,
  shiftToPast,
  stateOf,
} from './support.js';

describe.each(testDbLanes)('decisions on $name', ({ name, create }) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await create();
  });
  afterAll(async () => t?.close());
  afterEach(() => {
    vi.useRealTimers();
  });

  it('approves with quorum 1: one eligible approver who is not the requester', async () => {
    const request = await openRequest(t.db);
    const result = await decide(t.db, approveBy(A1, request));
    expect(result).toMatchObject({ kind: 'approved', approvals: 1, quorum: 1 });
    if (result.kind !== 'approved') return;
    expect(result.request.state).toBe('approved');
    expect(result.request.approvedAt).toBeInstanceOf(Date);
    const [decision] = await listDecisions(t.db, request.id);
    expect(decision).toMatchObject({ person: 'slack:U0ALICE', slackUser: 'U0ALICE', decision: 'approve' });
    expect(decision?.paramsHash).toBe(request.paramsHash);
    expect(await auditKinds(t.db, request.id)).toEqual(['approval.requested', 'approval.approved']);
  });

  it('case 13: plain self-approval is refused and audited', async () => {
    const request = await openRequest(t.db, { requester: R });
    // R holds the approver role; the caller's eligibility check would say yes. The rule is not configurable.
    const result = await decide(t.db, approveBy(R, request, true));
    expect(result).toMatchObject({ kind: 'refused', reason: 'self' });
    expect(result.message).toMatch(/cannot approve it: a second person must/);
    expect(await stateOf(t.db, request.id)).toBe('pending');
    expect(await countRows(t.db, 'approval_decisions', request.id)).toBe(0);
    const [refusal] = await listAudit(t.db, { requestId: request.id, kind: 'approval.refused', limit: 5 });
    expect(refusal).toMatchObject({ actor: 'U0RITA', payload: { refusal: 'self', actorPerson: 'person:rita' } });
  });

  it('case 11: a second account of the same person is refused as self-approval', async () => {
    const request = await openRequest(t.db, { requester: R });
    const result = await decide(t.db, approveBy(R2, request, true));
    expect(result).toMatchObject({ kind: 'refused', reason: 'self' });
    expect(await stateOf(t.db, request.id)).toBe('pending');
    // Even if a caller passed the account's own id as its person, the Slack id of the requester is refused too.
    const sameAccount = await decide(t.db, { ...approveBy(R, request), person: 'slack:U0RITA' });
    expect(sameAccount).toMatchObject({ kind: 'refused', reason: 'self' });
  });

  it('case 14: quorum counts distinct people: a double click is one row and "already approved"', async () => {
    const request = await openRequest(t.db, { quorum: 2 });
    const first = await decide(t.db, approveBy(A1, request));
    expect(first).toMatchObject({ kind: 'recorded', approvals: 1, quorum: 2 });
    const second = await decide(t.db, approveBy(A1, request));
    expect(second).toMatchObject({ kind: 'refused', reason: 'already_decided' });
    expect(second.message).toMatch(/already approved/);
    expect(await countRows(t.db, 'approval_decisions', request.id)).toBe(1);
    expect(await stateOf(t.db, request.id)).toBe('pending');
    expect(await decide(t.db, approveBy(A2, request))).toMatchObject({ kind: 'approved', approvals: 2 });
  });

  it('cases 4, 26, 27: a replayed or retried Approve after the transition is a no-op', async () => {
    const request = await openRequest(t.db);
    await decide(t.db, { ...approveBy(A1, request), actionTs: '1700000001.1' });
    const replay = await decide(t.db, { ...approveBy(A1, request), actionTs: '1700000001.1' });
    expect(replay).toMatchObject({ kind: 'refused', reason: 'already_decided' });
    expect(await countRows(t.db, 'approval_decisions', request.id)).toBe(1);
    expect(await stateOf(t.db, request.id)).toBe('approved');
  });

  it('case 15: eligibility is checked when the approver clicks', async () => {
    const request = await openRequest(t.db);
    // A1 was removed from the approver group after the request was created: the caller's check now says no.
    const result = await decide(t.db, approveBy(A1, request, false));
    expect(result).toMatchObject({ kind: 'refused', reason: 'not_eligible' });
    const viaFunction = await decide(
      t.db,
      approveBy(A1, request, async () => false),
    );
    expect(viaFunction).toMatchObject({ kind: 'refused', reason: 'not_eligible' });
    expect(await countRows(t.db, 'approval_decisions', request.id)).toBe(0);
    expect(await stateOf(t.db, request.id)).toBe('pending');
  });

  it('cases 15, 16: earlier approvals count only while their approvers are still eligible', async () => {
    const request = await openRequest(t.db, { quorum: 2 });
    expect(await decide(t.db, approveBy(A1, request))).toMatchObject({ kind: 'recorded' });
    // A1 is deactivated; A2 approves: only one eligible approval remains, so the quorum of 2 is not met.
    const stillEligible = async (who: { userId: string }) => who.userId !== A1.userId;
    const result = await decide(t.db, approveBy(A2, request, stillEligible));
    expect(result).toMatchObject({ kind: 'recorded', approvals: 1, quorum: 2 });
    expect(await stateOf(t.db, request.id)).toBe('pending');
  });

  it('a failing identity lookup refuses the decision and records nothing (case 8, fail closed)', async () => {
    const request = await openRequest(t.db);
    const lookup = async () => {
      throw new Error('users.info timed out');
    };
    await expect(decide(t.db, approveBy(A1, request, lookup))).rejects.toThrow(/timed out/);
    expect(await countRows(t.db, 'approval_decisions', request.id)).toBe(0);
    expect(await stateOf(t.db, request.id)).toBe('pending');
  });

  it('case 19: a decision for other parameters than the stored request is refused', async () => {
    const request = await openRequest(t.db);
    const stale = { ...approveBy(A1, request), paramsHash: 'f'.repeat(64) };
    expect(await decide(t.db, stale)).toMatchObject({ kind: 'refused', reason: 'params_mismatch' });
    // Too short a prefix identifies nothing.
    const short = { ...approveBy(A1, request), paramsHash: request.paramsHash.slice(0, 6) };
    expect(await decide(t.db, short)).toMatchObject({ kind: 'refused', reason: 'params_mismatch' });
    expect(await countRows(t.db, 'approval_decisions', request.id)).toBe(0);
    // The whole hash works too.
    const whole = { ...approveBy(A1, request), paramsHash: request.paramsHash };
    expect(await decide(t.db, whole)).toMatchObject({ kind: 'approved' });
  });

  it('case 19: a stored request cannot be amended; the database refuses the update', async () => {
    const request = await openRequest(t.db);
    await decide(t.db, approveBy(A1, request));
    for (const change of [
      `service = 'other-service'`,
      `env = 'staging'`,
      `args = '{"revision": 40}'::jsonb`,
      `plan = jsonb_set(plan, '{changes,0,to}', '"registry/api-gateway:v40"')`,
      `requester_person = 'slack:U0EVE'`,
    ]) {
      await expect(t.db.query(`update approval_requests set ${change} where id = $1`, [request.id])).rejects.toThrow(
        /immutable/,
      );
    }
  });

  it('case 22: a request past its TTL by the database clock is refused and becomes expired', async () => {
    const request = await openRequest(t.db);
    // Simulated elapsed time, honestly: nothing can move PostgreSQL's now(), so the TTL deadline is moved to
    // one second before it (as if created_at + 16 min had been reached with a 15 min TTL).
    await shiftToPast(t.db, request.id, 'expires_at', 1);
    const late = await decide(t.db, approveBy(A1, request));
    expect(late).toMatchObject({ kind: 'refused', reason: 'expired' });
    expect(late.request?.state).toBe('expired');
    expect(await countRows(t.db, 'approval_decisions', request.id)).toBe(0);
    expect(await auditKinds(t.db, request.id)).toEqual(['approval.requested', 'approval.expired', 'approval.refused']);
  });

  // PGlite's now() is this process's clock (faking Date moves it too), so app/database skew exists only with a
  // PostgreSQL server.
  it.skipIf(name === 'pglite')(
    'case 22: an app server clock 3 minutes slow does not keep an expired request alive',
    async () => {
      const request = await openRequest(t.db);
      await shiftToPast(t.db, request.id, 'expires_at', 1);
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(Date.now() - 3 * 60_000);
      expect(await decide(t.db, approveBy(A1, request))).toMatchObject({ kind: 'refused', reason: 'expired' });
    },
  );

  it.skipIf(name === 'pglite')(
    'case 22: an app server clock an hour fast does not expire a fresh request',
    async () => {
      const request = await openRequest(t.db);
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(Date.now() + 60 * 60_000);
      expect(await decide(t.db, approveBy(A1, request))).toMatchObject({ kind: 'approved' });
    },
  );

  it('case 31: one rejection is final, needs a reason, and later approvals are refused', async () => {
    const request = await openRequest(t.db, { quorum: 2 });
    expect(await decide(t.db, approveBy(A1, request))).toMatchObject({ kind: 'recorded' });
    expect(await decide(t.db, rejectBy(A2, request))).toMatchObject({ kind: 'refused', reason: 'reason_required' });
    expect(await decide(t.db, rejectBy(A2, request, '   '))).toMatchObject({
      kind: 'refused',
      reason: 'reason_required',
    });
    const rejected = await decide(t.db, rejectBy(A2, request, 'v41 has the memory leak'));
    expect(rejected).toMatchObject({ kind: 'rejected', request: { state: 'rejected' } });
    expect(await decide(t.db, approveBy(A3, request))).toMatchObject({ kind: 'refused', reason: 'not_pending' });
    expect(await stateOf(t.db, request.id)).toBe('rejected');
    const [event] = await listAudit(t.db, { requestId: request.id, kind: 'approval.rejected', limit: 5 });
    expect(event?.payload).toMatchObject({ reason: 'v41 has the memory leak', from: 'pending', state: 'rejected' });
  });

  it('an ineligible user cannot reject either', async () => {
    const request = await openRequest(t.db);
    const result = await decide(t.db, { ...rejectBy(E, request, 'no'), eligible: false });
    expect(result).toMatchObject({ kind: 'refused', reason: 'not_eligible' });
    expect(await stateOf(t.db, request.id)).toBe('pending');
  });

  it('case 32: any decision on a final request says its state and changes nothing', async () => {
    const rejected = await openRequest(t.db);
    await decide(t.db, rejectBy(A1, rejected, 'not now'));
    const expired = await openRequest(t.db);
    await shiftToPast(t.db, expired.id, 'expires_at', 1);
    await decide(t.db, approveBy(A1, expired));
    for (const [request, state] of [
      [rejected, 'rejected'],
      [expired, 'expired'],
    ] as const) {
      const before = await countRows(t.db, 'approval_decisions', request.id);
      for (const input of [approveBy(A2, request), rejectBy(A2, request, 'x')]) {
        const result = await decide(t.db, input);
        expect(result).toMatchObject({ kind: 'refused', reason: 'not_pending', request: { state } });
        expect(result.message).toMatch(new RegExp(state === 'rejected' ? 'was rejected' : 'expired'));
      }
      expect(await countRows(t.db, 'approval_decisions', request.id)).toBe(before);
      expect(await stateOf(t.db, request.id)).toBe(state);
    }
  });

  it('an unknown request id is refused and audited', async () => {
    const result = await decide(t.db, { ...approveBy(A1, await openRequest(t.db)), requestId: 'a-nosuch' });
    expect(result).toMatchObject({ kind: 'refused', reason: 'not_found', request: null });
    expect(await auditKinds(t.db, 'a-nosuch')).toEqual(['approval.refused']);
  });
});
