/**
 * APPROVALS.md cases 19–22: an approval is bound to the exact request, the target as it was, no freeze, and
 * the database's clock. (Case 23, approved but never run, is in restart.test.ts: it needs a dead replica.)
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { getApprovalRequest } from '../../src/store/approvals.js';
import { addFreeze, liftFreezes } from '../../src/store/freezes.js';
import { startTestOpsbot, type TestOpsbot } from '../support/test-opsbot.js';
import {
  ACTIONS,
  ask,
  auditKinds,
  buttonsOf,
  cardOf,
  click,
  clickAndRead,
  closeOpenRequests,
  decisionsOf,
  executionsOf,
  latestBreakGlass,
  NS,
  prodCluster,
  replicasOf,
  shiftDeadlines,
  stateOf,
  threadOf,
  waitForState,
} from './support.js';

let t: TestOpsbot;
beforeAll(async () => {
  t = await startTestOpsbot();
});
afterAll(async () => t?.close());
afterEach(async () => {
  vi.useRealTimers();
  await liftFreezes(t.testDb.db, 'prod', 'test');
  await closeOpenRequests(t);
  t.slack.assertNoViolations();
});

describe('binding and staleness', () => {
  it('case 19: a request cannot be amended; a changed button or stored row is refused, the original runs', async () => {
    const replicas = replicasOf(t, 'backend');
    const asked = await ask(t, `scale backend prod ${replicas + 1}`);
    const stored = await getApprovalRequest(t.testDb.db, asked.id);
    // Asking again with other arguments points to the waiting request; it does not change it.
    const again = await ask(t, `scale backend prod ${replicas + 5}`);
    expect(again.reply).toContain(
      `Nothing new was created: scale backend prod is already waiting for approval as ${asked.id}`,
    );
    // The stored request is immutable (migration 003): an edit must be a new request.
    await expect(
      t.testDb.db.query(
        `update approval_requests set args = '{"service":"backend","env":"prod","replicas":9}' where id = $1`,
        [asked.id],
      ),
    ).rejects.toThrow(/immutable/);
    expect(await getApprovalRequest(t.testDb.db, asked.id)).toEqual(stored);

    // A button whose params hash was altered is refused.
    const card = await cardOf(t, asked.id);
    const altered = JSON.parse(
      JSON.stringify(card).replace(new RegExp(`${asked.id}:[0-9a-f]{16}`, 'g'), `${asked.id}:0123456789abcdef`),
    );
    expect(await clickAndRead(t, 'U0BOB', ACTIONS.approve, altered)).toContain(
      'does not match the request’s parameters',
    );
    expect(await decisionsOf(t, asked.id)).toEqual([]);

    expect((await click(t, 'U0BOB', ACTIONS.approve, card)).status).toBe(200);
    await waitForState(t, asked.id, 'executed');
    expect(replicasOf(t, 'backend')).toBe(replicas + 1);
  });

  it('case 20: when the target changed since the request, approval runs nothing and says what changed', async () => {
    const replicas = replicasOf(t, 'backend');
    const { id } = await ask(t, `scale backend prod ${replicas + 1}`);
    const card = await cardOf(t, id);
    // Someone else changes the deployment before the approval.
    prodCluster(t).cluster.patchDeployment(NS, 'backend', { spec: { replicas: replicas + 2 } });
    expect((await click(t, 'U0BOB', ACTIONS.approve, card)).status).toBe(200);
    await expect.poll(() => stateOf(t, id), { timeout: 10_000 }).toBe('failed');
    const request = await getApprovalRequest(t.testDb.db, id);
    expect(request?.outcome).toBe('aborted');
    expect(request?.summary).toContain(`Target changed since approval (replicas was ${replicas}, now ${replicas + 2})`);
    expect(replicasOf(t, 'backend')).toBe(replicas + 2);
    // The requester reads it in the card's thread, and the card says it.
    const requesterCard = await cardOf(t, id, 'C0123OPS01');
    await expect.poll(() => threadOf(t, requesterCard).join('\n')).toContain('Target changed since approval');
    expect(buttonsOf(await cardOf(t, id))).toEqual([]);
  });

  it('case 21: an approved request meeting a change freeze is blocked; a break-glass one is not', async () => {
    const replicas = replicasOf(t, 'backend');
    const { id } = await ask(t, `scale backend prod ${replicas + 1}`);
    const card = await cardOf(t, id);
    await addFreeze(t.testDb.db, { environment: 'prod', seconds: 600, reason: 'incident review', actor: 'U0DAVE' });
    expect((await click(t, 'U0BOB', ACTIONS.approve, card)).status).toBe(200);
    await waitForState(t, id, 'blocked_freeze');
    expect(await executionsOf(t, id)).toBe(0);
    expect(replicasOf(t, 'backend')).toBe(replicas);
    await expect.poll(async () => JSON.stringify((await cardOf(t, id)).blocks)).toContain('Blocked by a change freeze');
    expect(await auditKinds(t, id)).toContain('approval.blocked_freeze');

    // Break-glass is the emergency path: announced and reviewed, and not stopped by the freeze.
    await t.command(`scale backend prod ${replicas + 2} --break-glass INC-7 "pages failing"`);
    const glass = await latestBreakGlass(t);
    await waitForState(t, glass, 'executed');
    expect(replicasOf(t, 'backend')).toBe(replicas + 2);
  });

  it('case 22: expiry follows the database clock, even when the app server’s clock is 3 minutes slow', async () => {
    const { id } = await ask(t, 'scale backend prod 3');
    const card = await cardOf(t, id);
    // Controllable time: the database clock reads created_at + 16 min (the 15-minute TTL passed a minute ago)…
    await shiftDeadlines(t, id, { expiresAgo: '1 minute' });
    // …while this process's clock is 3 minutes slow, so by its own clock the request would have 2 minutes left.
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() - 3 * 60_000 });
    const answer = await clickAndRead(t, 'U0BOB', ACTIONS.approve, card);
    expect(answer).toContain('This request expired at');
    expect(answer).toContain('(database time); nothing was recorded');
    expect(await stateOf(t, id)).toBe('expired');
    expect(await decisionsOf(t, id)).toEqual([]);
    await expect.poll(async () => buttonsOf(await cardOf(t, id))).toEqual([]);
  });
});
