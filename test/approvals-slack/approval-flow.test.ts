/**
 * The two-person rule as people meet it in Slack: a production rollback asked by Alice is a card, not a
 * change; Bob's Approve runs it once; the card, the thread and the audit trail say what happened.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeApiServer } from '../../src/kubernetes/fake-apiserver/index.js';
import { getApprovalRequest } from '../../src/store/approvals.js';
import { listAudit } from '../../src/store/audit.js';
import { blockActionsPayload } from '../support/slack-requests.js';
import { CHANNEL, startTestOpsbot, TEAM, type TestOpsbot } from '../support/test-opsbot.js';

const NS = 'neural-hive-mind';
const APPROVALS = 'C0APPROVALS';
let t: TestOpsbot;

beforeAll(async () => {
  t = await startTestOpsbot();
});
afterAll(async () => t?.close());

const prod = () => t.opsbot.sandbox?.servers['prod-cluster'] as FakeApiServer;
const answer = async (responseUrl: string) => {
  const id = new URL(responseUrl).pathname.replace(/^\/response\//, '');
  return (await t.slack.waitForResponse((p) => p.id === id, 8_000)).body as { text: string };
};
const cardIn = (channel: string, requestId: string) =>
  t.slack.messagesIn(channel).find((m) => JSON.stringify(m.blocks ?? []).includes(requestId));
const click = (userId: string, actionId: string, message: NonNullable<ReturnType<typeof cardIn>>) =>
  t.interact(
    blockActionsPayload({
      userId,
      teamId: TEAM,
      triggerId: t.slack.triggerId(),
      responseUrl: t.slack.responseUrl(),
      actionId,
      message: message as never,
    }),
  );

describe('a production change over Slack', () => {
  it('waits for a second person, runs once on approval, and shows it everywhere', async () => {
    const before = prod().cluster.deployment(NS, 'backend');
    const asked = await t.command('rollback backend prod --reason "500s since 4.2"');
    const reply = await answer(asked.responseUrl);
    expect(reply.text).toMatch(
      /Waiting for approval: rollback backend prod \(r-\w+\) needs one approver other than you/,
    );
    const id = /\((r-\w+)\)/.exec(reply.text)?.[1] as string;
    // Nothing changed yet.
    expect(prod().cluster.deployment(NS, 'backend')?.metadata.generation).toBe(before?.metadata.generation);

    const card = await expect
      .poll(() => cardIn(APPROVALS, id))
      .toBeDefined()
      .then(() => cardIn(APPROVALS, id));
    expect(cardIn(CHANNEL, id)).toBeDefined();
    const text = JSON.stringify(card?.blocks);
    expect(text).toContain('Approve');
    expect(text).toContain('Reason: 500s since 4.2');

    // Alice cannot approve her own request.
    const self = await click('U0ALICE', 'approval_approve', card as never);
    expect(self.status).toBe(200);
    await t.slack.waitForResponse(
      (p) => String((p.body as { text?: string }).text).includes('so you cannot approve it'),
      8_000,
    );
    expect((await getApprovalRequest(t.testDb.db, id))?.state).toBe('pending');

    // Bob approves: it runs once, and the card loses its buttons.
    await click('U0BOB', 'approval_approve', card as never);
    await expect
      .poll(async () => (await getApprovalRequest(t.testDb.db, id))?.state, { timeout: 10_000 })
      .toBe('executed');
    expect(prod().cluster.deployment(NS, 'backend')?.metadata.generation).not.toBe(before?.metadata.generation);
    await expect
      .poll(() => JSON.stringify(cardIn(APPROVALS, id)?.blocks))
      .not.toContain('"action_id":"approval_approve"');
    expect(JSON.stringify(cardIn(APPROVALS, id)?.blocks)).toContain('Approved by <@U0BOB>');
    // The other eligible approvers (Bob and Dave, not Alice) got the card directly, and their copies follow too.
    const direct = t.slack.messages.filter(
      (m) =>
        m.channel !== APPROVALS &&
        m.channel !== CHANNEL &&
        JSON.stringify(m.blocks ?? []).includes(id) &&
        JSON.stringify(m.blocks ?? []).includes('*Approvals*'),
    );
    expect(direct).toHaveLength(2);
    for (const copy of direct) expect(JSON.stringify(copy.blocks)).not.toContain('"action_id":"approval_approve"');
    const dmTargets = t.slack.calls
      .filter((c) => c.method === 'chat.postMessage' && String(c.args.text).includes(`(${id})`))
      .map((c) => c.args.channel);
    expect(dmTargets).toEqual(expect.arrayContaining(['U0BOB', 'U0DAVE']));
    expect(dmTargets).not.toContain('U0ALICE');
    const kinds = (await listAudit(t.testDb.db, { requestId: id, limit: 50 })).map((e) => e.kind);
    expect(kinds).toEqual(
      expect.arrayContaining([
        'approval.requested',
        'approval.approved',
        'approval.executing',
        'approval.executed',
        'command.succeeded',
      ]),
    );
    expect(t.slack.violations).toEqual([]);
  });
});
