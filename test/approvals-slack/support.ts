/**
 * What the approval tests do over and over, as a person in Slack would: run `/ops …`, find the card, click
 * one of its buttons, read the private answer; and what they check in PostgreSQL afterwards (state, decisions,
 * executions, audit). Everything goes through the real app over signed HTTP.
 */
import { expect } from 'vitest';
import type { FakeApiServer } from '../../src/kubernetes/fake-apiserver/index.js';
import type { ApprovalState } from '../../src/store/approvals.js';
import { getApprovalRequest, listDecisions } from '../../src/store/approvals.js';
import { listAudit } from '../../src/store/audit.js';
import type { FakeSlackMessage } from '../support/fake-slack.js';
import { blockActionsPayload, type SendOptions } from '../support/slack-requests.js';
import { TEAM, type TestOpsbot } from '../support/test-opsbot.js';

export const NS = 'neural-hive-mind';
export const APPROVALS = 'C0APPROVALS';
export const PROD_CHANNEL = 'C0PRODOPS';
export const ACTIONS = {
  approve: 'approval_approve',
  reject: 'approval_reject',
  cancel: 'approval_cancel',
  acknowledge: 'approval_acknowledge_review',
} as const;

export const prodCluster = (t: TestOpsbot) => t.opsbot.sandbox?.servers['prod-cluster'] as FakeApiServer;
export const replicasOf = (t: TestOpsbot, service: string) =>
  prodCluster(t).cluster.deployment(NS, service).spec?.replicas ?? 0;

/** The text of what the app posted to a response_url. */
export async function answerTo(t: TestOpsbot, responseUrl: string, timeoutMs = 8_000): Promise<string> {
  const id = new URL(responseUrl).pathname.replace(/^\/response\//, '');
  const post = await t.slack.waitForResponse((p) => p.id === id, timeoutMs);
  return textsOf(post.body).join('\n');
}

/** Every text a person sees in a message: its `text`, then the texts of its blocks, in order. */
export function textsOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(textsOf);
  if (typeof value !== 'object' || value === null) return [];
  const { text, ...rest } = value as Record<string, unknown>;
  const own = typeof text === 'string' ? [text] : textsOf(text);
  return [...own, ...Object.values(rest).flatMap((v) => (typeof v === 'object' ? textsOf(v) : []))];
}

/** Runs `/ops <text>` as `user` and returns the first answer and the request id it names, if any. */
export async function ask(t: TestOpsbot, text: string, user = 'U0ALICE') {
  const sent = await t.command(text, user);
  expect(sent.status).toBe(200);
  const reply = await answerTo(t, sent.responseUrl);
  const id = /\b(r-[a-z0-9]+|a-[a-z0-9]{6})\b/.exec(reply)?.[1];
  return { reply, id: id as string, responseUrl: sent.responseUrl };
}

export const cardIn = (t: TestOpsbot, channel: string, requestId: string) =>
  t.slack.messagesIn(channel).find((m) => !m.thread_ts && JSON.stringify(m.blocks ?? []).includes(requestId));

/** The card as it stands now, once it has been posted. */
export async function cardOf(t: TestOpsbot, requestId: string, channel = APPROVALS): Promise<FakeSlackMessage> {
  await expect.poll(() => cardIn(t, channel, requestId), { timeout: 8_000 }).toBeDefined();
  return structuredClone(cardIn(t, channel, requestId) as FakeSlackMessage);
}

export const buttonsOf = (card: FakeSlackMessage | undefined) =>
  JSON.stringify(card?.blocks ?? [])
    .match(/"action_id":"approval_\w+"/g)
    ?.map((a) => a.slice(13, -1)) ?? [];

export interface ClickOptions extends SendOptions {
  teamId?: string;
  userName?: string;
  apiAppId?: string;
  /** Send the click to this instance (a replica) instead. */
  via?: TestOpsbot;
}

/** A click on `actionId` of `card` by `userId`; resolves to the HTTP result and the click's response_url. */
export async function click(
  t: TestOpsbot,
  userId: string,
  actionId: string,
  card: FakeSlackMessage,
  options: ClickOptions = {},
) {
  const responseUrl = t.slack.responseUrl();
  const payload = blockActionsPayload({
    userId,
    teamId: options.teamId ?? TEAM,
    ...(options.userName ? { userName: options.userName } : {}),
    ...(options.apiAppId ? { apiAppId: options.apiAppId } : {}),
    triggerId: t.slack.triggerId(),
    responseUrl,
    actionId,
    message: card,
  });
  const result = await (options.via ?? t).interact(payload, options);
  return { ...result, responseUrl, payload };
}

/** Clicks and returns the private answer the clicker got. */
export async function clickAndRead(
  t: TestOpsbot,
  userId: string,
  actionId: string,
  card: FakeSlackMessage,
  options: ClickOptions = {},
): Promise<string> {
  const sent = await click(t, userId, actionId, card, options);
  expect(sent.status).toBe(200);
  return answerTo(t, sent.responseUrl);
}

export const stateOf = async (t: TestOpsbot, id: string) => (await getApprovalRequest(t.testDb.db, id))?.state;

export async function waitForState(t: TestOpsbot, id: string, state: ApprovalState, timeout = 10_000) {
  await expect.poll(() => stateOf(t, id), { timeout }).toBe(state);
}

export const decisionsOf = (t: TestOpsbot, id: string) => listDecisions(t.testDb.db, id);

export async function executionsOf(t: TestOpsbot, id: string): Promise<number> {
  const { rows } = await t.testDb.db.query<{ n: number }>(
    'select count(*)::int as n from executions where request_id = $1',
    [id],
  );
  return rows[0]?.n ?? 0;
}

export const auditOf = (t: TestOpsbot, id: string) => listAudit(t.testDb.db, { requestId: id, limit: 200 });
export const auditKinds = async (t: TestOpsbot, id: string) => (await auditOf(t, id)).map((e) => e.kind);

/** Thread replies under the card in `channel`. */
export function threadOf(t: TestOpsbot, card: FakeSlackMessage): string[] {
  return t.slack.messagesIn(card.channel, card.ts).map((m) => m.text);
}

/**
 * Leaves no open request behind for the next test (one pending per (service, env), three per requester).
 * Direct SQL on the test database: pending/approved → cancelled is a transition the migration's trigger allows.
 */
export async function closeOpenRequests(t: TestOpsbot): Promise<void> {
  await t.testDb.db.query(
    "update approval_requests set state = 'cancelled', finished_at = now() where state in ('pending', 'approved')",
  );
}

/**
 * Controllable time: expiry is decided by PostgreSQL's now(), so a test moves the request's deadlines instead of
 * waiting (created_at is immutable under migration 003's trigger; expires_at and approved_at are not).
 */
export async function shiftDeadlines(
  t: TestOpsbot,
  id: string,
  change: { expiresAgo?: string; approvedAgo?: string },
): Promise<void> {
  if (change.expiresAgo)
    await t.testDb.db.query(`update approval_requests set expires_at = now() - $2::interval where id = $1`, [
      id,
      change.expiresAgo,
    ]);
  if (change.approvedAgo)
    await t.testDb.db.query(`update approval_requests set approved_at = now() - $2::interval where id = $1`, [
      id,
      change.approvedAgo,
    ]);
}

/** The id of the newest break-glass request, once there is one newer than `after` (its answer is in the channel). */
export async function latestBreakGlass(t: TestOpsbot, after?: string): Promise<string> {
  const newest = async () =>
    (
      await t.testDb.db.query<{ id: string }>(
        'select id from approval_requests where break_glass order by created_at desc limit 1',
      )
    ).rows[0]?.id;
  await expect.poll(newest, { timeout: 8_000 }).not.toBe(after);
  await expect.poll(newest).toBeDefined();
  return (await newest()) as string;
}

/** Forgets the fake API server's recorded requests, so scalePatches counts from here. */
export const resetApiRecord = (t: TestOpsbot) => void prodCluster(t).requests.splice(0);

/** How many times the deploy API was asked to change `service`'s replicas (since resetApiRecord). */
export const scalePatches = (t: TestOpsbot, service: string) =>
  prodCluster(t).requests.filter((r) => r.method === 'PATCH' && r.path.endsWith(`/deployments/${service}/scale`))
    .length;

/** How many times the deploy API was asked to change `service`'s pod template (a restart, a rollback). */
export const templatePatches = (t: TestOpsbot, service: string) =>
  prodCluster(t).requests.filter((r) => r.method === 'PATCH' && r.path.endsWith(`/deployments/${service}`)).length;

export async function auditCount(t: TestOpsbot, id: string, kind: string): Promise<number> {
  return (await listAudit(t.testDb.db, { requestId: id, kind, limit: 100 })).length;
}
