/**
 * APPROVALS.md cases 13–18: self-approval, distinct people, eligibility now (at the click and at execution),
 * the dead end of no approver, and admin status granting nothing.
 * Here the approver role is Alice plus the Slack user group S0APPROVERS (Bob and Dave), so membership can change
 * in Slack while a request waits; Carol is a catalog admin and a Slack workspace owner, but no approver.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/catalog.js';
import { listAudit } from '../../src/store/audit.js';
import { METHODS } from '../support/fake-slack-methods.js';
import { startTestOpsbot, type TestOpsbot } from '../support/test-opsbot.js';
import {
  ACTIONS,
  ask,
  auditKinds,
  cardOf,
  click,
  clickAndRead,
  closeOpenRequests,
  decisionsOf,
  executionsOf,
  replicasOf,
  stateOf,
  waitForState,
} from './support.js';

const catalog = loadCatalog('catalog.yaml');
catalog.roles.approver = ['U0ALICE', 'S0APPROVERS'];
catalog.roles.admin = ['U0ALICE', 'U0CAROL'];
const APPROVER_GROUP = ['U0BOB', 'U0DAVE'];

let t: TestOpsbot;
beforeAll(async () => {
  t = await startTestOpsbot({
    catalog,
    usergroups: { S0SRE: [], S0APPROVERS: APPROVER_GROUP },
    users: [{ id: 'U0CAROL', name: 'carol', is_admin: true, is_owner: true }],
  });
});
afterAll(async () => t?.close());
afterEach(async () => {
  t.slack.setUsergroup('S0APPROVERS', APPROVER_GROUP);
  t.slack.setUser({ id: 'U0BOB', name: 'bob' });
  t.slack.handle('chat.update', METHODS['chat.update'] as never);
  await closeOpenRequests(t);
  t.slack.assertNoViolations();
});

const refusals = async (id: string, actor: string) =>
  (await listAudit(t.testDb.db, { requestId: id, kind: 'approval.refused', actor, limit: 10 })).map(
    (e) => e.payload.refusal,
  );

describe('self-approval, eligibility, quorum', () => {
  it('case 13: plain self-approval is refused and audited', async () => {
    const { id } = await ask(t, 'scale api-gateway prod 4');
    const card = await cardOf(t, id);
    const answer = await clickAndRead(t, 'U0ALICE', ACTIONS.approve, card);
    expect(answer).toContain('You requested this change, so you cannot approve it: a second person must.');
    expect(await refusals(id, 'U0ALICE')).toEqual(['self']);
    expect(await decisionsOf(t, id)).toEqual([]);
    expect(await stateOf(t, id)).toBe('pending');
  });

  it('case 14: quorum counts distinct people: a double click is one approval', async () => {
    const { id } = await ask(t, 'scale api-gateway prod 4');
    const card = await cardOf(t, id);
    const first = await clickAndRead(t, 'U0BOB', ACTIONS.approve, card);
    expect(first).toContain('Your approval is recorded: 1 of 2');
    // Again, and twice at once from two devices.
    const again = await clickAndRead(t, 'U0BOB', ACTIONS.approve, card);
    expect(again).toContain('You already approved this request');
    await Promise.all([click(t, 'U0BOB', ACTIONS.approve, card), click(t, 'U0BOB', ACTIONS.approve, card)]);
    await expect.poll(async () => (await refusals(id, 'U0BOB')).length).toBe(3);
    expect(await decisionsOf(t, id)).toHaveLength(1);
    expect(await stateOf(t, id)).toBe('pending');
    await expect.poll(async () => JSON.stringify((await cardOf(t, id)).blocks)).toContain('1 of 2');
  });

  it('case 15: an approver removed from the approver group after the request was made is refused', async () => {
    const { id } = await ask(t, 'scale backend prod 3');
    const card = await cardOf(t, id);
    t.slack.setUsergroup('S0APPROVERS', ['U0DAVE']);
    const answer = await clickAndRead(t, 'U0BOB', ACTIONS.approve, card);
    expect(answer).toContain('You cannot approve changes to backend in prod');
    expect(await refusals(id, 'U0BOB')).toEqual(['not_eligible']);
    expect(await decisionsOf(t, id)).toEqual([]);
    expect(await stateOf(t, id)).toBe('pending');
  });

  it('case 16: an approver deactivated before the execution starts no longer counts; nothing runs', async () => {
    const replicas = replicasOf(t, 'backend');
    const { id } = await ask(t, `scale backend prod ${replicas + 1}`);
    const card = await cardOf(t, id);
    // Bob's account is deactivated the moment his approval shows on the card, before the execution claims it.
    t.slack.handle('chat.update', (args, state) => {
      if (String(args.text).includes('Approved, starting')) state.users.set('U0BOB', { id: 'U0BOB', deleted: true });
      return (METHODS['chat.update'] as NonNullable<(typeof METHODS)['chat.update']>)(args, state);
    });
    expect((await click(t, 'U0BOB', ACTIONS.approve, card)).status).toBe(200);
    await expect.poll(() => auditKinds(t, id), { timeout: 10_000 }).toContain('approval.reopened');
    expect(await stateOf(t, id)).toBe('pending');
    expect(await executionsOf(t, id)).toBe(0);
    expect(replicasOf(t, 'backend')).toBe(replicas);
    // The card asks again, showing the approval that no longer counts is not enough.
    await expect.poll(async () => JSON.stringify((await cardOf(t, id)).blocks)).toContain('"approval_approve"');

    // With two approvers needed, an approval by someone deactivated since does not complete the quorum either.
    t.slack.handle('chat.update', METHODS['chat.update'] as never);
    t.slack.setUser({ id: 'U0BOB', name: 'bob' });
    const critical = await ask(t, 'scale api-gateway prod 4');
    const criticalCard = await cardOf(t, critical.id);
    expect(await clickAndRead(t, 'U0BOB', ACTIONS.approve, criticalCard)).toContain('1 of 2');
    t.slack.setUser({ id: 'U0BOB', name: 'bob', deleted: true });
    expect(await clickAndRead(t, 'U0DAVE', ACTIONS.approve, criticalCard)).toContain('1 of 2');
    expect(await stateOf(t, critical.id)).toBe('pending');
    expect(await executionsOf(t, critical.id)).toBe(0);
  });

  it('case 17: when nobody but the requester could approve, the answer says so at once and names break-glass', async () => {
    t.slack.setUsergroup('S0APPROVERS', []);
    const cards = t.slack.messagesIn('C0APPROVALS').length;
    const { reply } = await ask(t, 'scale backend prod 3');
    expect(reply).toContain('needs an approver other than you (policy production-changes), and there is none');
    expect(reply).toContain('--break-glass INC-123');
    // Critical services need two: one other approver is not enough.
    t.slack.setUsergroup('S0APPROVERS', ['U0DAVE']);
    const critical = await ask(t, 'scale api-gateway prod 4');
    expect(critical.reply).toContain('needs 2 approvers other than you');
    expect(critical.reply).toContain('--break-glass');
    const { rows } = await t.testDb.db.query("select id from approval_requests where state = 'pending'");
    expect(rows).toEqual([]);
    expect(t.slack.messagesIn('C0APPROVALS')).toHaveLength(cards);
  });

  it('case 18: a workspace owner and catalog admin who is not an approver counts for nothing', async () => {
    const { id } = await ask(t, 'scale backend prod 3', 'U0BOB');
    const card = await cardOf(t, id);
    const answer = await clickAndRead(t, 'U0CAROL', ACTIONS.approve, card);
    expect(answer).toContain('You cannot approve changes to backend in prod');
    expect(await refusals(id, 'U0CAROL')).toEqual(['not_eligible']);
    expect(await stateOf(t, id)).toBe('pending');
    // Alice is an admin too, and an approver: her approval counts because she is an approver.
    expect((await click(t, 'U0ALICE', ACTIONS.approve, card)).status).toBe(200);
    await waitForState(t, id, 'executed');
  });
});
