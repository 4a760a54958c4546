/**
 * A replica dies: between the approval and the execution (APPROVALS.md case 23), and between the claim and the
 * result (case 29). Replica a survives and sweeps every 200 ms; replica b takes the click and is killed (its
 * database pool closed at the chosen moment, then the rest of it). What the users see comes from a's sweeper;
 * nothing runs twice, not even when another replica starts afterwards.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { getExecution } from '../../src/store/approvals.js';
import { METHODS } from '../support/fake-slack-methods.js';
import { CHANNEL, startTestOpsbot, type TestOpsbot } from '../support/test-opsbot.js';
import {
  ACTIONS,
  ask,
  auditCount,
  buttonsOf,
  cardOf,
  click,
  clickAndRead,
  closeOpenRequests,
  executionsOf,
  NS,
  prodCluster,
  replicasOf,
  resetApiRecord,
  scalePatches,
  shiftDeadlines,
  stateOf,
  templatePatches,
  threadOf,
  waitForState,
} from './support.js';

let a: TestOpsbot;
let b: TestOpsbot;
beforeAll(async () => {
  a = await startTestOpsbot({ approvalSweepMs: 200 });
});
beforeEach(async () => {
  b = await startTestOpsbot({ replicaOf: a });
});
afterEach(async () => {
  a.slack.handle('chat.update', METHODS['chat.update'] as never);
  prodCluster(a).cluster.setRolloutBehaviour({ mode: 'complete' });
  await b?.close();
  await closeOpenRequests(a);
  a.slack.assertNoViolations();
});
afterAll(async () => a?.close());

/** The process dies: its database connections first (so nothing more it does reaches PostgreSQL), then the rest. */
function kill(replica: TestOpsbot): Promise<void> {
  void replica.testDb.db.close();
  return replica.close();
}

const cardText = async (id: string, channel?: string) => JSON.stringify((await cardOf(a, id, channel)).blocks);

describe('a replica dies', () => {
  it('case 23: killed between approval and execution, the request expires unexecuted and never runs', async () => {
    const before = replicasOf(a, 'backend');
    const { id } = await ask(a, `scale backend prod ${before + 1}`);
    const card = await cardOf(a, id);
    resetApiRecord(a);
    // b dies right after recording the approval: when its "Approved, starting" card update reaches Slack.
    let killed: Promise<void> | undefined;
    a.slack.handle('chat.update', (args, state) => {
      if (!killed && String(args.text).includes('Approved, starting')) killed = kill(b);
      return (METHODS['chat.update'] as NonNullable<(typeof METHODS)['chat.update']>)(args, state);
    });
    expect((await click(a, 'U0BOB', ACTIONS.approve, card, { via: b })).status).toBe(200);
    await expect.poll(() => killed !== undefined).toBe(true);
    await killed;
    expect(await stateOf(a, id)).toBe('approved');
    expect(await executionsOf(a, id)).toBe(0);
    // What the approvers saw meanwhile: approved, about to start, only Cancel left.
    expect(buttonsOf(await cardOf(a, id))).toEqual(['approval_cancel']);

    // Controllable time: the approval was given 6 minutes ago by the database clock (the window is 5 minutes).
    await shiftDeadlines(a, id, { approvedAgo: '6 minutes' });
    await waitForState(a, id, 'expired_unexecuted');
    for (const channel of [undefined, CHANNEL]) {
      await expect.poll(() => cardText(id, channel)).toContain('Expired unexecuted');
      expect(buttonsOf(await cardOf(a, id, channel))).toEqual([]);
    }
    const requesterCard = await cardOf(a, id, CHANNEL);
    await expect
      .poll(() => threadOf(a, requesterCard).join('\n'))
      .toContain('expired unexecuted: it was approved but did not start in time. Nothing was changed.');
    expect(await clickAndRead(a, 'U0DAVE', ACTIONS.approve, card)).toContain('expired unexecuted');
    expect(await executionsOf(a, id)).toBe(0);
    expect(scalePatches(a, 'backend')).toBe(0);
    expect(replicasOf(a, 'backend')).toBe(before);
    expect(await auditCount(a, id, 'approval.expired_unexecuted')).toBe(1);
  });

  it('case 29: killed between claim and result, it needs reconciliation, is said so, and is never re-run', async () => {
    // A restart whose rollout the cluster holds at 0 new pods: the run is still following it when b dies.
    prodCluster(a).cluster.setRolloutBehaviour({ mode: 'hold', updated: 0 }, { namespace: NS, name: 'backend' });
    const { id } = await ask(a, 'restart backend prod');
    const card = await cardOf(a, id);
    resetApiRecord(a);
    expect((await click(a, 'U0BOB', ACTIONS.approve, card, { via: b })).status).toBe(200);
    await waitForState(a, id, 'executing');
    await expect.poll(() => templatePatches(a, 'backend')).toBe(1);
    await kill(b);
    // The deploy call carried the request id as its idempotency key.
    expect((await getExecution(a.testDb.db, id))?.idempotencyKey).toBe(id);

    // Controllable time: b's last heartbeat is 2 minutes old by the database clock (the sweeper allows 60 s).
    await a.testDb.db.query("update executions set heartbeat_at = now() - interval '2 minutes' where request_id = $1", [
      id,
    ]);
    await waitForState(a, id, 'needs_reconciliation');
    await expect.poll(() => cardText(id)).toContain('Needs reconciliation');
    expect(buttonsOf(await cardOf(a, id))).toEqual([]);
    const requesterCard = await cardOf(a, id, CHANNEL);
    await expect
      .poll(() => threadOf(a, requesterCard).join('\n'))
      .toContain('needs reconciliation: the replica running it stopped. It may or may not have run');

    // A new replica starts; the rollout gets unstuck; someone clicks the old card: nothing runs again.
    const c = await startTestOpsbot({ replicaOf: a });
    try {
      prodCluster(a).cluster.setRolloutBehaviour({ mode: 'complete' }, { namespace: NS, name: 'backend' });
      expect(await clickAndRead(a, 'U0DAVE', ACTIONS.approve, card, { via: c })).toContain('needs reconciliation');
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    } finally {
      await c.close();
    }
    expect(await stateOf(a, id)).toBe('needs_reconciliation');
    expect(templatePatches(a, 'backend')).toBe(1);
    expect(await executionsOf(a, id)).toBe(1);
    expect(await auditCount(a, id, 'approval.executing')).toBe(1);
    expect(await auditCount(a, id, 'approval.needs_reconciliation')).toBe(1);
  });
});
