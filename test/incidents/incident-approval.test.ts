/**
 * The incident issue's full path with a production change: declared over Slack, a rollback of prod asked in
 * the incident channel waits for approval, the commander approves it on the card in that same channel, it runs
 * once, and the timeline and the postmortem show the request, the approval and the outcome with their actors.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { listTimeline } from '../../src/incidents/timeline-store.js';
import { getApprovalRequest } from '../../src/store/approvals.js';
import { blockActionsPayload } from '../support/slack-requests.js';
import { startTestOpsbot, TEAM, type TestOpsbot } from '../support/test-opsbot.js';
import { auditRow, PEOPLE, slash } from './incident-support.js';

let t: TestOpsbot;
beforeAll(async () => {
  t = await startTestOpsbot({ users: PEOPLE });
});
afterAll(async () => t?.close());

it('a production rollback asked and approved in the incident channel is on the timeline and in the postmortem', async () => {
  const declared = await slash(t, 'incident declare sev1 Checkout down --service backend --env prod', 'U0ALICE');
  const [, id, channel] = declared.match(/^(INC-\d+) SEV1 declared: <#(C\w+)>/) ?? [];
  expect(id, declared).toBeDefined();

  const asked = await slash(t, 'rollback backend prod --reason "bad deploy of 2.3"', 'U0BOB', channel);
  const requestId = /\((r-\w+)\)/.exec(asked)?.[1] as string;
  expect(asked).toMatch(/^Waiting for approval: rollback backend prod/);
  const card = t.slack.messagesIn(channel as string).find((m) => JSON.stringify(m.blocks ?? []).includes(requestId));
  expect(card, 'the card is posted in the incident channel').toBeDefined();

  const click = blockActionsPayload({
    userId: 'U0ALICE',
    teamId: TEAM,
    triggerId: t.slack.triggerId(),
    responseUrl: t.slack.responseUrl(),
    actionId: 'approval_approve',
    message: card as never,
  });
  expect((await t.interact(click)).status).toBe(200);
  await auditRow(t, { command: 'rollback', kind: 'approval.executed' });
  expect((await getApprovalRequest(t.testDb.db, requestId))?.state).toBe('executed');

  await slash(t, 'incident resolve rolled back backend', 'U0ALICE', channel);
  const events = await listTimeline(t.testDb.db, id as string);
  const steps = events.map((e) => `${e.kind} ${e.actor}`);
  const order = [
    'incident.declared U0ALICE',
    'approval.requested U0BOB',
    'approval.approved U0ALICE',
    'command.succeeded U0BOB',
    'incident.resolved U0ALICE',
  ];
  const positions = order.map((step) => steps.indexOf(step));
  expect(
    positions.every((p) => p >= 0),
    steps.join('\n'),
  ).toBe(true);
  expect([...positions].sort((a, b) => a - b)).toEqual(positions);

  await slash(t, 'incident postmortem', 'U0ALICE', channel);
  const file = [...t.slack.files.values()].find((f) => f.filename === `postmortem-${id?.toLowerCase()}.md`);
  const markdown = String(file?.content);
  expect(markdown).toMatch(/Bob Dev: approval requested — rollback backend prod/);
  expect(markdown).toMatch(/Alice Ops: approval approved — rollback backend prod/);
  expect(markdown).toMatch(/- ✅ .* — Bob Dev: \/ops rollback backend prod succeeded in \d+s/);
  expect(t.slack.violations).toEqual([]);
});
