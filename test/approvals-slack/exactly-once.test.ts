/**
 * APPROVALS.md cases 24–28 and 30: concurrency and exactly-once, with two replicas (a and b) sharing one
 * PostgreSQL database, one Slack workspace and one cluster. Cases 23 and 29 (a replica dying) are in
 * restart.test.ts; the 100-trial race is concurrency.test.ts.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestOpsbot, type TestOpsbot } from '../support/test-opsbot.js';
import {
  ACTIONS,
  APPROVALS,
  ask,
  auditCount,
  cardOf,
  click,
  clickAndRead,
  closeOpenRequests,
  decisionsOf,
  executionsOf,
  NS,
  prodCluster,
  replicasOf,
  resetApiRecord,
  scalePatches,
  stateOf,
  waitForState,
} from './support.js';

let a: TestOpsbot;
let b: TestOpsbot;
beforeAll(async () => {
  a = await startTestOpsbot();
  b = await startTestOpsbot({ replicaOf: a });
});
afterAll(async () => {
  await b?.close();
  await a?.close();
});
afterEach(async () => {
  prodCluster(a).cluster.setRolloutBehaviour({ mode: 'complete' });
  await closeOpenRequests(a);
  a.slack.assertNoViolations();
});

/** A pending `scale backend prod <current + 1>` asked through replica a, with its card. */
async function pendingScale(service = 'backend') {
  const before = replicasOf(a, service);
  const { id } = await ask(a, `scale ${service} prod ${before + 1}`);
  resetApiRecord(a);
  return { id, card: await cardOf(a, id), before };
}

describe('concurrency and exactly-once', () => {
  it('case 24: two approvers clicking at once on two replicas: one approval, one execution', async () => {
    const { id, card, before } = await pendingScale();
    const [bob, dave] = await Promise.all([
      click(a, 'U0BOB', ACTIONS.approve, card),
      click(a, 'U0DAVE', ACTIONS.approve, card, { via: b }),
    ]);
    expect([bob.status, dave.status]).toEqual([200, 200]);
    await waitForState(a, id, 'executed');
    expect(await auditCount(a, id, 'approval.approved')).toBe(1);
    expect(await auditCount(a, id, 'approval.executing')).toBe(1);
    expect(await auditCount(a, id, 'approval.executed')).toBe(1);
    expect(await executionsOf(a, id)).toBe(1);
    expect(scalePatches(a, 'backend')).toBe(1);
    expect(replicasOf(a, 'backend')).toBe(before + 1);
    // The slower click was told, privately, that the request is already decided; the faster one ran it.
    const answered = () => [bob, dave].filter((c) => a.slack.responses.some((r) => c.responseUrl.endsWith(`/${r.id}`)));
    await expect.poll(() => answered().length).toBe(1);
    expect(await decisionsOf(a, id)).toHaveLength(1);
  });

  it('case 25: while the deploy call is slow, no other worker gets to call it', async () => {
    const { id, card } = await pendingScale();
    const slow = prodCluster(a).injectFault({
      method: 'PATCH',
      path: /\/deployments\/backend\/scale$/,
      delayMs: 2_000,
    });
    try {
      expect((await click(a, 'U0BOB', ACTIONS.approve, card)).status).toBe(200);
      await waitForState(a, id, 'executing');
      // Workers on both replicas try to run the same approved request while the first deploy call hangs.
      const others = await Promise.all([b.opsbot.engine.executeApproved(id), a.opsbot.engine.executeApproved(id)]);
      for (const other of others) expect(other).toMatchObject({ kind: 'error', code: 'refused' });
      await waitForState(a, id, 'executed');
    } finally {
      slow();
    }
    expect(scalePatches(a, 'backend')).toBe(1);
    expect(await executionsOf(a, id)).toBe(1);
  });

  it('case 26: with a slow deploy, the click is acknowledged at once; re-clicks and redeliveries are no-ops', async () => {
    const { id, card, before } = await pendingScale();
    const slow = prodCluster(a).injectFault({
      method: 'PATCH',
      path: /\/deployments\/backend\/scale$/,
      delayMs: 4_000,
    });
    try {
      const first = await click(a, 'U0BOB', ACTIONS.approve, card);
      expect(first.status).toBe(200);
      expect(first.ms).toBeLessThan(3_000);
      // The state changed before the slow work finished.
      await waitForState(a, id, 'executing', 3_000);
      const again = await clickAndRead(a, 'U0BOB', ACTIONS.approve, card);
      expect(again).toContain('You already approved this request');
      const redelivered = await a.interact(first.payload, { retryNum: 1, retryReason: 'http_timeout' });
      expect(redelivered.status).toBe(200);
      expect(redelivered.ms).toBeLessThan(3_000);
      await waitForState(a, id, 'executed', 10_000);
    } finally {
      slow();
    }
    expect(await decisionsOf(a, id)).toHaveLength(1);
    expect(await executionsOf(a, id)).toBe(1);
    expect(scalePatches(a, 'backend')).toBe(1);
    expect(replicasOf(a, 'backend')).toBe(before + 1);
  });

  it('case 27: a retried delivery of an approval is deduplicated on (request, person), not on arrival', async () => {
    // api-gateway needs two approvers, so a counted duplicate would show as a second approval.
    const { id, card } = await pendingScale('api-gateway');
    const first = await click(a, 'U0BOB', ACTIONS.approve, card);
    // Slack retries the same delivery to the other replica, as after a timeout.
    const retried = await b.interact(first.payload, { retryNum: 1, retryReason: 'http_timeout' });
    expect(retried.status).toBe(200);
    await expect.poll(() => auditCount(a, id, 'approval.refused')).toBe(1);
    expect(await decisionsOf(a, id)).toHaveLength(1);
    expect(await stateOf(a, id)).toBe('pending');
    expect(await auditCount(a, id, 'approval.recorded')).toBe(1);
  });

  it('case 28: the same command typed twice at once makes one request, and both answers name it', async () => {
    const target = replicasOf(a, 'worker') + 1;
    const cards = a.slack.messagesIn(APPROVALS).length;
    const [first, second] = await Promise.all([
      ask(a, `scale worker prod ${target}`),
      ask(b, `scale worker prod ${target}`),
    ]);
    expect(first.id).toBeDefined();
    expect(second.id).toBe(first.id);
    expect([first.reply, second.reply].filter((r) => r.includes('Nothing new was created'))).toHaveLength(1);
    const { rows } = await a.testDb.db.query(
      "select id from approval_requests where state = 'pending' and service = 'worker'",
    );
    expect(rows).toEqual([{ id: first.id }]);
    await expect.poll(() => a.slack.messagesIn(APPROVALS).length).toBe(cards + 1);
  });

  it('case 30: Cancel racing Approve ends consistently, and Cancel is impossible once it runs', async () => {
    for (let trial = 0; trial < 8; trial++) {
      const { id, card, before } = await pendingScale();
      await Promise.all([
        click(a, 'U0ALICE', ACTIONS.cancel, card),
        click(a, 'U0BOB', ACTIONS.approve, card, { via: b }),
      ]);
      await expect.poll(() => stateOf(a, id), { timeout: 10_000 }).toMatch(/^(cancelled|executed)$/);
      const state = await stateOf(a, id);
      expect(await executionsOf(a, id)).toBe(state === 'executed' ? 1 : 0);
      expect(replicasOf(a, 'backend')).toBe(state === 'executed' ? before + 1 : before);
    }

    // An approval landing after the cancel is refused.
    const cancelled = await pendingScale();
    await click(a, 'U0ALICE', ACTIONS.cancel, cancelled.card);
    await waitForState(a, cancelled.id, 'cancelled');
    expect(await clickAndRead(a, 'U0BOB', ACTIONS.approve, cancelled.card)).toContain('was cancelled');
    expect(await decisionsOf(a, cancelled.id)).toEqual([]);

    // Once running, Cancel is refused: a restart whose rollout the cluster holds keeps it running.
    prodCluster(a).cluster.setRolloutBehaviour({ mode: 'hold', updated: 0 }, { namespace: NS, name: 'backend' });
    const restart = await ask(a, 'restart backend prod');
    const running = { id: restart.id, card: await cardOf(a, restart.id) };
    await click(a, 'U0BOB', ACTIONS.approve, running.card);
    await waitForState(a, running.id, 'executing');
    expect(await clickAndRead(a, 'U0ALICE', ACTIONS.cancel, running.card)).toContain('It can no longer be cancelled.');
    prodCluster(a).cluster.setRolloutBehaviour({ mode: 'complete' }, { namespace: NS, name: 'backend' });
    await waitForState(a, running.id, 'executed', 15_000);
  });
});
