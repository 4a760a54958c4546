/**
 * APPROVALS.md cases 31–33 and 37–40: reject, cancel and expiry as people meet them on the card; what the card
 * shows on every path; a requester who leaves; request flooding. The sweeper runs every 200 ms here.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { getApprovalRequest } from '../../src/store/approvals.js';
import type { FakeSlackMessage } from '../support/fake-slack.js';
import { viewSubmissionPayload } from '../support/slack-requests.js';
import { CHANNEL, startTestOpsbot, TEAM, type TestOpsbot } from '../support/test-opsbot.js';
import {
  ACTIONS,
  APPROVALS,
  ask,
  auditCount,
  buttonsOf,
  cardIn,
  cardOf,
  click,
  clickAndRead,
  closeOpenRequests,
  decisionsOf,
  executionsOf,
  prodCluster,
  replicasOf,
  shiftDeadlines,
  stateOf,
  textsOf,
  waitForState,
} from './support.js';

let t: TestOpsbot;
beforeAll(async () => {
  t = await startTestOpsbot({ approvalSweepMs: 200 });
});
afterAll(async () => t?.close());
afterEach(async () => {
  t.slack.setUser({ id: 'U0ALICE', name: 'alice' });
  await closeOpenRequests(t);
  t.slack.assertNoViolations();
});

/** Reject through the card: the button opens a modal; the reason is submitted there. */
async function reject(userId: string, card: FakeSlackMessage, reason: string) {
  const views = t.slack.callsTo('views.open').length;
  expect((await click(t, userId, ACTIONS.reject, card)).status).toBe(200);
  const opened = await t.slack.waitFor('views.open', () => t.slack.callsTo('views.open').length > views, 8_000);
  const view = (opened.response as { view: Record<string, unknown> }).view;
  return t.interact(
    viewSubmissionPayload({
      userId,
      teamId: TEAM,
      triggerId: t.slack.triggerId(),
      view,
      values: { reason_input: reason },
    }),
  );
}

const bothCards = async (id: string) => [await cardOf(t, id), await cardOf(t, id, CHANNEL)];

describe('reject, cancel and expiry on the card', () => {
  it('case 31: one rejection is final, even after an approval, and later approvals are refused', async () => {
    const critical = await ask(t, 'scale api-gateway prod 4', 'U0BOB');
    const card = await cardOf(t, critical.id);
    expect(await clickAndRead(t, 'U0ALICE', ACTIONS.approve, card)).toContain('1 of 2');
    // A rejection needs a reason: the modal says so and nothing is recorded.
    const empty = await reject('U0DAVE', card, '   ');
    expect(empty.json).toMatchObject({ response_action: 'errors' });
    expect(await stateOf(t, critical.id)).toBe('pending');
    await reject('U0DAVE', card, 'not during the sale');
    await waitForState(t, critical.id, 'rejected');
    await expect
      .poll(async () => JSON.stringify((await cardOf(t, critical.id)).blocks))
      .toContain('Rejection reason: not during the sale');

    const single = await ask(t, 'scale backend prod 3', 'U0BOB');
    const singleCard = await cardOf(t, single.id);
    await reject('U0DAVE', singleCard, 'wrong replica count');
    await waitForState(t, single.id, 'rejected');
    expect(await clickAndRead(t, 'U0ALICE', ACTIONS.approve, singleCard)).toContain('was rejected');
    expect((await decisionsOf(t, single.id)).map((d) => d.decision)).toEqual(['reject']);
    expect(await executionsOf(t, single.id)).toBe(0);
  });

  it('case 32: any button on the card of a finished request answers with its state and does nothing', async () => {
    const finished: Array<{ id: string; card: FakeSlackMessage; state: RegExp }> = [];
    const executed = await ask(t, `scale backend prod ${replicasOf(t, 'backend') + 1}`);
    const executedCard = await cardOf(t, executed.id);
    await click(t, 'U0BOB', ACTIONS.approve, executedCard);
    await waitForState(t, executed.id, 'executed');
    finished.push({ id: executed.id, card: executedCard, state: /has run|is executed/ });
    const rejected = await ask(t, 'scale frontend prod 3');
    const rejectedCard = await cardOf(t, rejected.id);
    await reject('U0BOB', rejectedCard, 'no');
    await waitForState(t, rejected.id, 'rejected');
    finished.push({ id: rejected.id, card: rejectedCard, state: /rejected/ });
    const cancelled = await ask(t, 'scale worker prod 3');
    const cancelledCard = await cardOf(t, cancelled.id);
    await click(t, 'U0ALICE', ACTIONS.cancel, cancelledCard);
    await waitForState(t, cancelled.id, 'cancelled');
    finished.push({ id: cancelled.id, card: cancelledCard, state: /cancelled/ });
    const expired = await ask(t, 'scale neural-engine prod 3');
    const expiredCard = await cardOf(t, expired.id);
    await shiftDeadlines(t, expired.id, { expiresAgo: '1 second' });
    await waitForState(t, expired.id, 'expired');
    finished.push({ id: expired.id, card: expiredCard, state: /expired/ });

    for (const { id, card, state } of finished) {
      const before = await getApprovalRequest(t.testDb.db, id);
      const decisions = await decisionsOf(t, id);
      for (const action of [ACTIONS.approve, ACTIONS.reject, ACTIONS.cancel]) {
        const answer = await clickAndRead(t, 'U0DAVE', action, card);
        expect(answer, `${action} on ${id}`).toMatch(state);
        expect(t.slack.responses.at(-1)?.body).toMatchObject({ response_type: 'ephemeral' });
      }
      expect(await getApprovalRequest(t.testDb.db, id)).toEqual(before);
      expect(await decisionsOf(t, id)).toEqual(decisions);
    }
    expect(t.slack.callsTo('views.open').filter((c) => JSON.stringify(c.args).includes(expired.id))).toHaveLength(0);
  });

  it('case 33: only the requester or an approver may cancel', async () => {
    const { id } = await ask(t, 'scale backend prod 3');
    const card = await cardOf(t, id);
    expect(await clickAndRead(t, 'U0CAROL', ACTIONS.cancel, card)).toContain(
      'Only the requester or an approver can cancel this request; nothing changed.',
    );
    expect(await stateOf(t, id)).toBe('pending');
    expect((await click(t, 'U0ALICE', ACTIONS.cancel, card)).status).toBe(200);
    await waitForState(t, id, 'cancelled');
    expect(await auditCount(t, id, 'approval.cancelled')).toBe(1);
    for (const c of await bothCards(id)) {
      await expect.poll(async () => buttonsOf(await cardOf(t, id, c.channel))).toEqual([]);
    }
  });
});

describe('presentation and liveness', () => {
  it('case 37: mentions and formatting in the reason are shown as plain text, never as what is approved', async () => {
    const reason = '<!here> *APPROVED by <@U0BOB>* target: staging';
    const { id } = await ask(t, `scale backend prod 3 --reason "${reason}"`);
    for (const card of await bothCards(id)) {
      const blocks = card.blocks as Array<Record<string, unknown>>;
      const reasonBlocks = blocks.filter((b) => JSON.stringify(b).includes('APPROVED by'));
      expect(reasonBlocks).toHaveLength(1);
      expect(reasonBlocks[0]?.text).toEqual({ type: 'plain_text', text: `Reason: ${reason}`, emoji: false });
      // Everything rendered as mrkdwn names the parsed request only.
      const mrkdwn = JSON.stringify(blocks.filter((b) => b !== reasonBlocks[0]));
      expect(mrkdwn).not.toContain('<!here>');
      expect(mrkdwn).not.toContain('<@U0BOB>');
      expect(mrkdwn).toContain('scale backend prod');
      expect(card.text).not.toContain('<!here>');
    }
  });

  it('case 38: both cards show every final state and lose their buttons', async () => {
    const paths: Array<[string, string, () => Promise<void>]> = [];
    const ids: Record<string, string> = {};
    const open = async (text: string, user = 'U0ALICE') => {
      const { id } = await ask(t, text, user);
      return { id, card: await cardOf(t, id) };
    };
    const executed = await open(`scale backend prod ${replicasOf(t, 'backend') + 1}`);
    paths.push(['executed', 'Done', async () => void (await click(t, 'U0BOB', ACTIONS.approve, executed.card))]);
    const failing = await open(`scale frontend prod ${replicasOf(t, 'frontend') + 1}`);
    paths.push([
      'failed',
      'Approved, but it failed',
      async () => {
        prodCluster(t).injectFault({ method: 'PATCH', path: /\/deployments\/frontend\/scale$/, status: 500, times: 1 });
        await click(t, 'U0BOB', ACTIONS.approve, failing.card);
      },
    ]);
    const expiring = await open('scale worker prod 3');
    paths.push([
      'expired',
      'Expired, nobody decided',
      () => shiftDeadlines(t, expiring.id, { expiresAgo: '1 second' }),
    ]);
    const rejecting = await open('scale neural-engine prod 3', 'U0BOB');
    paths.push(['rejected', 'Rejected', async () => void (await reject('U0DAVE', rejecting.card, 'not now'))]);
    Object.assign(ids, { executed: executed.id, failed: failing.id, expired: expiring.id, rejected: rejecting.id });
    for (const [state, headline, act] of paths) {
      await act();
      await waitForState(t, ids[state] as string, state as never);
      for (const channel of [APPROVALS, CHANNEL]) {
        await expect
          .poll(() => textsOf(cardIn(t, channel, ids[state] as string)?.blocks).join('\n'))
          .toContain(headline);
        expect(buttonsOf(cardIn(t, channel, ids[state] as string)), `${state} in ${channel}`).toEqual([]);
      }
    }
    // Cancelled: case 33.
  });

  it('case 39: a pending request whose requester was deactivated is cancelled, and the card says so', async () => {
    const { id } = await ask(t, 'scale backend prod 3');
    t.slack.setUser({ id: 'U0ALICE', name: 'alice', deleted: true });
    await waitForState(t, id, 'cancelled');
    expect((await getApprovalRequest(t.testDb.db, id))?.summary).toContain('deactivated');
    for (const card of await bothCards(id)) {
      await expect.poll(async () => buttonsOf(await cardOf(t, id, card.channel))).toEqual([]);
    }
    expect(await auditCount(t, id, 'approval.cancelled')).toBe(1);
  });

  it('case 40: a fourth pending request from the same person is refused', async () => {
    for (const service of ['backend', 'frontend', 'worker']) {
      const { reply } = await ask(t, `scale ${service} prod 3`);
      expect(reply).toContain('Waiting for approval');
    }
    const fourth = await ask(t, 'scale neural-engine prod 3');
    expect(fourth.reply).toContain('You already have 3 approval requests waiting; a 4th is refused');
    const { rows } = await t.testDb.db.query(
      "select service from approval_requests where state = 'pending' and requester = 'U0ALICE' order by service",
    );
    expect(rows.map((r) => r.service)).toEqual(['backend', 'frontend', 'worker']);
  });
});
