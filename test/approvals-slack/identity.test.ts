/**
 * APPROVALS.md cases 7–12: who is clicking Approve. The clicker is the Slack user id and team id Slack signed,
 * looked up again at the click; names, guests, bots, other organisations, second accounts and copies of the card
 * get nowhere.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/catalog.js';
import { listAudit } from '../../src/store/audit.js';
import { startTestOpsbot, type TestOpsbot } from '../support/test-opsbot.js';
import {
  ACTIONS,
  APPROVALS,
  ask,
  cardOf,
  click,
  clickAndRead,
  closeOpenRequests,
  decisionsOf,
  replicasOf,
  stateOf,
} from './support.js';

// Alice has a second Slack account, U0ALICE2, which the catalog knows is hers (and which holds the approver role).
const catalog = loadCatalog('catalog.yaml');
catalog.people.alice = ['U0ALICE', 'U0ALICE2'];
catalog.roles.approver = [...catalog.roles.approver, 'U0ALICE2'];

let t: TestOpsbot;
beforeAll(async () => {
  t = await startTestOpsbot({
    catalog,
    users: [
      { id: 'U0CAROL', name: 'bob', real_name: 'Bob' },
      { id: 'U0EXTBOB', name: 'bob', real_name: 'Bob', team_id: 'T0OTHERORG' },
    ],
  });
});
afterAll(async () => t?.close());
afterEach(async () => {
  t.slack.clearFailures();
  t.slack.setUser({ id: 'U0DAVE', name: 'dave' });
  await closeOpenRequests(t);
  t.slack.assertNoViolations();
});

const NOT_ELIGIBLE = /You cannot approve changes to backend in prod/;

async function pendingBackend() {
  const { id } = await ask(t, 'scale backend prod 3');
  return { id, card: await cardOf(t, id), replicas: replicasOf(t, 'backend') };
}

/** Nothing was recorded: still pending, no decision, the deployment untouched, and the refusal audited. */
async function expectNothingRecorded(id: string, replicas: number, refusal: string, actor: string) {
  expect(await stateOf(t, id)).toBe('pending');
  expect(await decisionsOf(t, id)).toEqual([]);
  expect(replicasOf(t, 'backend')).toBe(replicas);
  const refused = await listAudit(t.testDb.db, { requestId: id, kind: 'approval.refused', actor, limit: 10 });
  expect(refused.map((e) => e.payload.refusal)).toContain(refusal);
}

describe('who is clicking?', () => {
  it('case 7: a user named like an approver is still not one', async () => {
    const { id, card, replicas } = await pendingBackend();
    // Carol's Slack name and display name are "bob"/"Bob"; Bob's account is U0BOB.
    const answer = await clickAndRead(t, 'U0CAROL', ACTIONS.approve, card, { userName: 'bob' });
    expect(answer).toMatch(NOT_ELIGIBLE);
    await expectNothingRecorded(id, replicas, 'not_eligible', 'U0CAROL');
  });

  it('case 8: when Slack cannot say who clicked, the approval is refused and nothing is recorded', async () => {
    const { id, card, replicas } = await pendingBackend();
    t.slack.fail('users.info', { status: 503 }, { times: 5 });
    const answer = await clickAndRead(t, 'U0DAVE', ACTIONS.approve, card);
    expect(answer).toContain('could not confirm who you are with Slack');
    await expectNothingRecorded(id, replicas, 'identity_unavailable', 'U0DAVE');
    // Even for an approver Slack already answered about a moment ago: the lookup is made at the click.
    t.slack.clearFailures();
    const { id: second, card: secondCard } = await pendingBackendAfter(id);
    await ask(t, 'status backend prod', 'U0BOB');
    t.slack.fail('users.info', { status: 503 }, { times: 5 });
    expect(await clickAndRead(t, 'U0BOB', ACTIONS.approve, secondCard)).toContain('could not confirm who you are');
    expect(await decisionsOf(t, second)).toEqual([]);
    expect(await stateOf(t, second)).toBe('pending');
  });

  it('case 9: a Slack Connect user of another organisation, named like an approver, is refused privately', async () => {
    const { id, card, replicas } = await pendingBackend();
    const answer = await clickAndRead(t, 'U0EXTBOB', ACTIONS.approve, card, { teamId: 'T0OTHERORG', userName: 'bob' });
    expect(answer).toMatch(NOT_ELIGIBLE);
    expect(t.slack.responses.at(-1)?.body).toMatchObject({ response_type: 'ephemeral' });
    await expectNothingRecorded(id, replicas, 'not_eligible', 'U0EXTBOB');
  });

  it('case 10: guests, bots and opsbot itself cannot approve, even when the catalog lists them', async () => {
    const { id, card, replicas } = await pendingBackend();
    for (const change of [{ is_restricted: true }, { is_ultra_restricted: true }, { is_bot: true }]) {
      t.slack.setUser({ id: 'U0DAVE', name: 'dave', ...change });
      expect(await clickAndRead(t, 'U0DAVE', ACTIONS.approve, card)).toMatch(NOT_ELIGIBLE);
    }
    expect(await clickAndRead(t, t.slack.bot.userId, ACTIONS.approve, card)).toMatch(NOT_ELIGIBLE);
    await expectNothingRecorded(id, replicas, 'not_eligible', 'U0DAVE');
    const dave = await listAudit(t.testDb.db, { requestId: id, kind: 'approval.refused', actor: 'U0DAVE', limit: 10 });
    expect(dave).toHaveLength(3);
  });

  it('case 11: the requester’s second Slack account is refused as self-approval', async () => {
    const { id, card, replicas } = await pendingBackend();
    const answer = await clickAndRead(t, 'U0ALICE2', ACTIONS.approve, card);
    expect(answer).toContain('You requested this change, so you cannot approve it');
    await expectNothingRecorded(id, replicas, 'self', 'U0ALICE2');
  });

  it('case 12: a button on a message opsbot did not post for that request, or sent for another app, is refused', async () => {
    const { id, card, replicas } = await pendingBackend();
    // The same blocks, pasted elsewhere: another channel, and another message in the approvals channel.
    for (const copy of [
      { ...card, channel: 'C0RANDOM01' },
      { ...card, ts: `${Number(card.ts) + 1}.000100` },
    ]) {
      const answer = await clickAndRead(t, 'U0BOB', ACTIONS.approve, copy);
      expect(answer).toContain('not on a card opsbot posted for that request');
    }
    // The real card, in a payload naming another app.
    const otherApp = await clickAndRead(t, 'U0BOB', ACTIONS.approve, card, { apiAppId: 'A0OTHERAPP1' });
    expect(otherApp).toContain('not on a card opsbot posted for that request');
    const [refusal] = await listAudit(t.testDb.db, { requestId: id, kind: 'approval.refused', limit: 1 });
    expect(refusal?.payload).toMatchObject({ refusal: 'foreign_card', app: 'A0OTHERAPP1' });
    await expectNothingRecorded(id, replicas, 'foreign_card', 'U0BOB');
    // The real card in the approvals channel works.
    expect(card.channel).toBe(APPROVALS);
    expect((await click(t, 'U0BOB', ACTIONS.approve, card)).status).toBe(200);
    await expect.poll(() => stateOf(t, id), { timeout: 10_000 }).toBe('executed');
  });
});

/** A second pending request once the first is closed (one pending per service and environment). */
async function pendingBackendAfter(previous: string) {
  await t.testDb.db.query("update approval_requests set state = 'cancelled', finished_at = now() where id = $1", [
    previous,
  ]);
  return pendingBackend();
}
