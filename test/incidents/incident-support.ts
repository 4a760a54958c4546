/** Helpers for driving incidents over signed Slack HTTP in tests. */
import { listAudit } from '../../src/store/audit.js';
import { postSlashCommand } from '../support/slack-requests.js';
import { CHANNEL, SIGNING_SECRET, TEAM, type TestOpsbot } from '../support/test-opsbot.js';

export const PEOPLE = [
  { id: 'U0ALICE', name: 'alice', real_name: 'Alice Ops', tz: 'America/Sao_Paulo' },
  { id: 'U0BOB', name: 'bob', real_name: 'Bob Dev', tz: 'America/New_York' },
  { id: 'U0CAROL', name: 'carol', real_name: 'Carol Support', tz: 'Asia/Tokyo' },
];

/** Runs `/ops <text>` as `userId` in `channel` and returns what opsbot answered on the response_url. */
export async function slash(
  t: TestOpsbot,
  text: string,
  userId: string,
  channel = CHANNEL,
  options: { answer?: boolean } = {},
): Promise<string> {
  const responseUrl = t.slack.responseUrl();
  const init = { text, userId, teamId: TEAM, channelId: channel, responseUrl, triggerId: t.slack.triggerId() };
  const result = await postSlashCommand(t.eventsUrl, SIGNING_SECRET, init);
  if (result.status !== 200) throw new Error(`/ops ${text}: HTTP ${result.status}`);
  // A change answers in the channel, not on the response_url: nothing to wait for.
  if (options.answer === false) return '';
  const id = new URL(responseUrl).pathname.replace(/^\/response\//, '');
  const post = await t.slack.waitForResponse((p) => p.id === id, 15_000).catch(() => undefined);
  // Every answer in the sandbox starts with [SANDBOX]; the tests read what follows.
  return post ? String((post.body as { text?: string }).text).replace(/^\[SANDBOX\] /, '') : '';
}

/** Waits until the audit trail has `kind` for `command` by `actor`; returns that row. */
export async function auditRow(t: TestOpsbot, filter: { actor?: string; command?: string; kind: string }) {
  for (let i = 0; i < 150; i++) {
    const rows = await listAudit(t.testDb.db, { ...filter, limit: 10 });
    if (rows[0]) return rows[0];
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no audit row ${JSON.stringify(filter)}`);
}

export { CHANNEL, SIGNING_SECRET, TEAM };
