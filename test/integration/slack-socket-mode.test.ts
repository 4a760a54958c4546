import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildSlashCommand } from '../support/slack-requests.js';
import { CHANNEL, startTestOpsbot, TEAM, type TestOpsbot } from '../support/test-opsbot.js';

let t: TestOpsbot;
beforeAll(async () => {
  t = await startTestOpsbot({ mode: 'socket' });
});
afterAll(async () => t?.close());

it('serves /ops over Socket Mode: connects with the app token, acks the envelope, answers on response_url', async () => {
  expect(t.slack.callsTo('apps.connections.open')[0]?.token).toMatch(/^xapp-/);
  const responseUrl = t.slack.responseUrl();
  const payload = buildSlashCommand({
    text: 'history api-gateway staging',
    userId: 'U0ALICE',
    teamId: TEAM,
    channelId: CHANNEL,
    responseUrl,
    triggerId: t.slack.triggerId(),
  });
  const ack = await t.socket?.sendSlashCommand(payload);
  expect(ack?.ms).toBeLessThan(3_000);
  const id = new URL(responseUrl).pathname.replace(/^\/response\//, '');
  const answer = await t.slack.waitForResponse((p) => p.id === id, 5_000);
  expect((answer.body as { text: string }).text).toMatch(/^\[SANDBOX\] api-gateway in staging: \d+ revisions/);
  const ready = await fetch(`${t.baseUrl}/readyz`);
  expect(await ready.json()).toEqual({ ok: true, checks: { store: 'ok', slack: 'ok' } });
  expect((await fetch(`${t.baseUrl}/slack/events`, { method: 'POST' })).status).toBe(404);
  t.slack.assertNoViolations();
});
