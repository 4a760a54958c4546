import { LogLevel, webApi } from '@slack/bolt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FakeSlack, startFakeSlack } from '../support/fake-slack.js';
import { approvalMessage, C_OPS, rollbackModal, U_ALICE, U_BOB } from './fixtures.js';

let slack: FakeSlack;
let now: number;
beforeEach(async () => {
  now = Date.now();
  slack = await startFakeSlack({ now: () => now });
});
afterEach(async () => {
  slack.assertNoViolations();
  await slack.close();
});

const client = (token = 'xoxb-test-token', extra: Record<string, unknown> = {}) =>
  new webApi.WebClient(token, {
    slackApiUrl: slack.url,
    retryConfig: { retries: 0 },
    logLevel: LogLevel.ERROR,
    ...extra,
  });

const errorOf = async (promise: Promise<unknown>) => {
  try {
    await promise;
  } catch (error) {
    return error as Error & { code?: string; data?: Record<string, unknown>; retryAfter?: number };
  }
  throw new Error('expected the call to fail');
};

describe('fake Slack Web API with a real WebClient', () => {
  it('answers auth.test like Slack, with scopes from the x-oauth-scopes header', async () => {
    const result = await client().auth.test();
    expect(result).toMatchObject({
      ok: true,
      team_id: slack.team.id,
      user_id: slack.bot.userId,
      bot_id: slack.bot.botId,
    });
    expect(result.url).toBe('https://opsbot-test.slack.com/');
    expect(result.response_metadata?.scopes).toContain('chat:write');
  });

  it('round-trips postMessage, update and postEphemeral and records decoded blocks', async () => {
    const web = client();
    const posted = await web.chat.postMessage(approvalMessage());
    expect(posted.ts).toMatch(/^\d{10}\.\d{6}$/);
    expect(posted.message?.bot_id).toBe(slack.bot.botId);

    const call = slack.callsTo('chat.postMessage')[0];
    expect(call?.contentType).toBe('application/x-www-form-urlencoded');
    expect(call?.token).toBe('xoxb-test-token');
    expect(call?.args.blocks).toEqual(approvalMessage().blocks);

    const updated = await web.chat.update({
      channel: C_OPS,
      ts: posted.ts as string,
      text: 'Approved by Bob',
      blocks: [],
    });
    expect(updated.ts).toBe(posted.ts);
    const ephemeral = await web.chat.postEphemeral({
      channel: C_OPS,
      user: U_ALICE,
      text: 'You cannot approve your own request',
    });
    expect(ephemeral.message_ts).toMatch(/^\d{10}\.\d{6}$/);

    const second = await web.chat.postMessage({ channel: C_OPS, text: 'second', thread_ts: posted.ts as string });
    expect(second.ts).not.toBe(posted.ts);
    expect(slack.messagesIn(C_OPS, posted.ts as string).map((m) => m.text)).toEqual(['second']);
    expect(slack.messagesIn(C_OPS)[0]).toMatchObject({ text: 'Approved by Bob', edits: 1 });
    expect(slack.messages.find((m) => m.ephemeralTo === U_ALICE)?.text).toContain('own request');
  });

  it('waitFor resolves with a call made later', async () => {
    const waiting = slack.waitFor('chat.postMessage', (c) => c.args.text === 'late');
    await client().chat.postMessage({ channel: C_OPS, text: 'early' });
    await client().chat.postMessage({ channel: C_OPS, text: 'late' });
    expect((await waiting).args.text).toBe('late');
    await expect(slack.waitFor('chat.delete', undefined, 50)).rejects.toThrow('no chat.delete call within 50 ms');
  });

  it('rejects over-limit blocks with invalid_blocks and records the violation', async () => {
    const message = approvalMessage();
    (message.blocks[1] as { text: unknown }).text = { type: 'mrkdwn', text: 'x'.repeat(3001) };
    const error = await errorOf(client().chat.postMessage(message));
    expect(error.code).toBe('slack_webapi_platform_error');
    expect(error.data).toMatchObject({ error: 'invalid_blocks' });
    expect(error.data?.errors).toEqual(['blocks[1] (section).text.text: 3001 chars, max 3000']);

    const [violation] = slack.takeViolations();
    expect(violation).toMatchObject({ method: 'chat.postMessage', error: 'invalid_blocks' });
    expect(() => slack.assertNoViolations()).not.toThrow();
  });

  it('assertNoViolations fails a test that sent something Slack would reject', async () => {
    await errorOf(client().chat.postMessage({ channel: '#ops', text: 'by name' }));
    await errorOf(client().apiCall('chat.postMessage', { channel: C_OPS }));
    await errorOf(client().chat.postMessage({ channel: C_OPS, text: 'x'.repeat(40_001) }));
    expect(slack.callsTo('chat.postMessage').map((c) => c.response.error)).toEqual([
      'channel_not_found',
      'no_text',
      'msg_too_long',
    ]);
    expect(() => slack.assertNoViolations()).toThrow(/rejected 3 payload/);
    slack.takeViolations();
  });

  it('checks the token: invalid_auth, not_authed and app tokens', async () => {
    expect((await errorOf(client('nonsense').auth.test())).data?.error).toBe('invalid_auth');
    expect(
      (
        await errorOf(
          new webApi.WebClient(undefined, {
            slackApiUrl: slack.url,
            retryConfig: { retries: 0 },
            logLevel: LogLevel.ERROR,
          }).auth.test(),
        )
      ).data?.error,
    ).toBe('not_authed');
    expect((await errorOf(client('xapp-1-A1-1-abc').chat.postMessage({ channel: C_OPS, text: 'x' }))).data?.error).toBe(
      'not_allowed_token_type',
    );
    expect((await errorOf(client().apiCall('pins.list'))).data?.error).toBe('unknown_method');
  });

  it('injects errors, and a 429 with Retry-After surfaces with rejectRateLimitedCalls', async () => {
    slack.fail('chat.postMessage', 'not_in_channel');
    expect((await errorOf(client().chat.postMessage({ channel: C_OPS, text: 'a' }))).data?.error).toBe(
      'not_in_channel',
    );
    await client().chat.postMessage({ channel: C_OPS, text: 'b' }); // one failure only

    slack.fail('chat.update', { status: 429, retryAfter: 7 });
    const limited = await errorOf(
      client('xoxb-test-token', { rejectRateLimitedCalls: true }).chat.update({ channel: C_OPS, ts: '1.1', text: 'x' }),
    );
    expect(limited.code).toBe('slack_webapi_rate_limited_error');
    expect(limited.retryAfter).toBe(7);
    expect(slack.callsTo('chat.update')[0]?.status).toBe(429);
  });

  it('opens a modal once per trigger_id, within 3 s, and allows two pushes', async () => {
    const web = client();
    const opened = await web.views.open({ trigger_id: slack.triggerId(), view: rollbackModal() as never });
    const viewId = opened.view?.id as string;
    expect(opened.view).toMatchObject({ callback_id: 'ops_rollback', root_view_id: viewId, app_id: slack.bot.appId });
    expect(opened.view?.hash).toMatch(/^\d{10}\./);
    expect(opened.view?.blocks?.map((b) => b.block_id)).toEqual(['service', 'reason']);

    const used = slack.callsTo('views.open')[0]?.args.trigger_id as string;
    const reuse = await errorOf(web.views.open({ trigger_id: used, view: rollbackModal() as never }));
    expect(reuse.data?.error).toBe('exchanged_trigger_id');

    const stale = slack.triggerId();
    now += 3001;
    expect((await errorOf(web.views.open({ trigger_id: stale, view: rollbackModal() as never }))).data?.error).toBe(
      'expired_trigger_id',
    );
    expect((await errorOf(web.views.open({ trigger_id: '1.2.3', view: rollbackModal() as never }))).data?.error).toBe(
      'invalid_trigger_id',
    );

    for (let i = 0; i < 2; i++)
      await web.views.push({ trigger_id: slack.triggerId({ viewId }), view: rollbackModal() as never });
    const third = await errorOf(
      web.views.push({ trigger_id: slack.triggerId({ viewId }), view: rollbackModal() as never }),
    );
    expect(third.data?.error).toBe('push_limit_reached');

    const updated = await web.views.update({
      view_id: viewId,
      hash: opened.view?.hash,
      view: rollbackModal() as never,
    });
    expect(updated.view?.hash).not.toBe(opened.view?.hash);
    const conflict = await errorOf(
      web.views.update({ view_id: viewId, hash: opened.view?.hash, view: rollbackModal() as never }),
    );
    expect(conflict.data?.error).toBe('hash_conflict');
  });

  it('rejects an over-limit modal with invalid_arguments', async () => {
    const view = { ...rollbackModal(), title: { type: 'plain_text', text: 'Roll back a deployment now' } };
    const error = await errorOf(client().views.open({ trigger_id: slack.triggerId(), view: view as never }));
    expect(error.data).toMatchObject({ error: 'invalid_arguments' });
    expect(slack.takeViolations()[0]?.problems).toEqual(['view.title.text: 26 chars, max 24']);
  });

  it('answers users.info, usergroups.users.list and conversations.info from configuration', async () => {
    slack.setUsergroup('S0SRE', [U_BOB]);
    slack.setUser({ id: 'U0GUEST01', is_restricted: true });
    slack.setChannel({ id: 'C0ARCHIVE1', name: 'old-ops', is_archived: true });
    const web = client();
    expect((await web.usergroups.users.list({ usergroup: 'S0SRE' })).users).toEqual([U_BOB]);
    expect((await errorOf(web.usergroups.users.list({ usergroup: 'S0NOPE' }))).data?.error).toBe('no_such_subteam');
    expect((await web.users.info({ user: 'U0GUEST01' })).user).toMatchObject({
      is_restricted: true,
      team_id: slack.team.id,
    });
    expect((await web.users.info({ user: U_BOB })).user).toMatchObject({ is_restricted: false, deleted: false });
    expect((await web.conversations.info({ channel: 'C0ARCHIVE1' })).channel).toMatchObject({ name: 'old-ops' });
    const archived = await errorOf(web.chat.postMessage({ channel: 'C0ARCHIVE1', text: 'hi' }));
    expect(archived.data?.error).toBe('is_archived');
  });

  it('runs the files.uploadV2 flow: getUploadURLExternal, upload, completeUploadExternal', async () => {
    const root = await client().chat.postMessage({ channel: C_OPS, text: 'rollout log' });
    const result = await client().files.uploadV2({
      channel_id: C_OPS,
      thread_ts: root.ts as string,
      filename: 'rollout.log',
      content: 'line 1\nline 2\n',
      initial_comment: 'Full log attached',
    });
    expect(result.ok).toBe(true);
    const [file] = [...slack.files.values()];
    expect(file).toMatchObject({ filename: 'rollout.log', length: 14, completed: true, channelId: C_OPS });
    expect(file?.content?.toString()).toBe('line 1\nline 2\n');
    expect(slack.messagesIn(C_OPS, root.ts as string)[0]).toMatchObject({ text: 'Full log attached' });
    expect(slack.calls.map((c) => c.method)).toEqual([
      'chat.postMessage',
      'files.getUploadURLExternal',
      'files.completeUploadExternal',
    ]);
  });
});

describe('fake response_url', () => {
  const post = (url: string, body: unknown) =>
    fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

  it('accepts 5 posts, then answers 404 used_url', async () => {
    const url = slack.responseUrl();
    const statuses = [];
    for (let i = 0; i < 6; i++)
      statuses.push((await post(url, { text: `update ${i}`, replace_original: true })).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 404]);
    expect(slack.responses.at(-1)).toMatchObject({ status: 404, reply: 'used_url' });
    expect(slack.responses[0]?.body).toEqual({ text: 'update 0', replace_original: true });
  });

  it('expires after 30 minutes and rejects over-limit blocks', async () => {
    const url = slack.responseUrl('T1/1/abc');
    const bad = await post(url, { blocks: [{ type: 'header', text: { type: 'mrkdwn', text: 'x' } }] });
    expect([bad.status, await bad.text()]).toEqual([400, 'invalid_blocks']);
    expect(slack.takeViolations()[0]?.method).toBe('response_url');
    now += 30 * 60_000 + 1;
    const late = await post(url, { text: 'too late' });
    expect([late.status, await late.text()]).toEqual([404, 'expired_url']);
  });

  it('injects a response_url failure, which does not use up the URL', async () => {
    const url = slack.responseUrl();
    slack.fail('response_url', { status: 500, body: 'internal_error' }, { times: 2 });
    expect((await post(url, { text: 'a' })).status).toBe(500);
    expect((await post(url, { text: 'b' })).status).toBe(500);
    for (let i = 0; i < 5; i++) expect((await post(url, { text: `ok ${i}` })).status).toBe(200);
  });
});
