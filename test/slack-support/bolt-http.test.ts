import type { Server } from 'node:http';
import { App, LogLevel } from '@slack/bolt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FakeSlack, startFakeSlack } from '../support/fake-slack.js';
import {
  blockActionsPayload,
  postEvent,
  postInteraction,
  postSlashCommand,
  signSlackRequest,
  slackEventsUrl,
  viewSubmissionPayload,
} from '../support/slack-requests.js';
import { approvalMessage, C_OPS, rollbackModal, U_ALICE, U_BOB } from './fixtures.js';

const SECRET = 'test-signing-secret';
let slack: FakeSlack;
let app: App;
let appUrl: string;

beforeEach(async () => {
  slack = await startFakeSlack();
  // auth.test runs during init, so the fake must already be listening
  app = new App({
    token: 'xoxb-test-token',
    signingSecret: SECRET,
    logLevel: LogLevel.ERROR,
    clientOptions: { slackApiUrl: slack.url, retryConfig: { retries: 0 } },
  });
  app.command('/ops', async ({ ack, command, respond, client }) => {
    if (command.text === 'modal') {
      await ack();
      await client.views.open({ trigger_id: command.trigger_id, view: rollbackModal() as never });
      return;
    }
    if (command.text === 'huge') {
      await ack({ blocks: [{ type: 'header', text: { type: 'plain_text', text: 'x'.repeat(151) } }] });
      return;
    }
    await ack({ response_type: 'ephemeral', text: `running: ${command.text}` });
    await respond({ text: `done: ${command.text}`, response_type: 'in_channel' });
  });
  app.action('approve', async ({ ack, body, respond }) => {
    await ack();
    await respond({ replace_original: true, text: `approved by <@${body.user.id}>` });
  });
  app.view('ops_rollback', async ({ ack, view }) => {
    const reason = view.state.values.reason?.reason?.value ?? '';
    if (reason.length < 5) await ack({ response_action: 'errors', errors: { reason: 'Say why, in a sentence.' } });
    else await ack();
  });
  const server = (await app.start(0)) as Server;
  appUrl = slackEventsUrl(server);
});

afterEach(async () => {
  await app.stop();
  slack.assertNoViolations();
  await slack.close();
});

const command = (text: string) => ({
  text,
  userId: U_ALICE,
  teamId: slack.team.id,
  channelId: C_OPS,
  responseUrl: slack.responseUrl(),
  triggerId: slack.triggerId(),
});

describe('a real Bolt App in HTTP mode receives requests signed like Slack', () => {
  it('acks a slash command within 3 s and answers on the response_url', async () => {
    const result = await postSlashCommand(appUrl, SECRET, command('rollback api-gateway prod'));
    expect(result.status).toBe(200);
    expect(result.json).toEqual({ response_type: 'ephemeral', text: 'running: rollback api-gateway prod' });
    expect(result.ms).toBeLessThan(3000);
    const posted = await slack.waitForResponse();
    expect(posted.body).toEqual({ text: 'done: rollback api-gateway prod', response_type: 'in_channel' });
    expect(slack.callsTo('auth.test')).toHaveLength(1);
  });

  it('refuses a bad signature and a stale timestamp with 401, accepts a future one', async () => {
    const bad = await postSlashCommand(appUrl, SECRET, command('x'), { signature: 'v0=deadbeef' });
    expect(bad.status).toBe(401);
    const wrongSecret = await postSlashCommand(appUrl, 'other-secret', command('x'));
    expect(wrongSecret.status).toBe(401);
    const stale = await postSlashCommand(appUrl, SECRET, command('x'), {
      timestamp: Math.floor(Date.now() / 1000) - 301,
    });
    expect(stale.status).toBe(401);
    const future = await postSlashCommand(appUrl, SECRET, command('x'), {
      timestamp: Math.floor(Date.now() / 1000) + 600,
    });
    expect(future.status).toBe(200);
    await slack.waitForResponse(); // the listener's respond() must land before the fake closes
  });

  it('gets 400 when the content type carries a charset (why the helper sends none)', async () => {
    const body = 'command=%2Fops&text=x';
    const response = await fetch(appUrl, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8',
        ...signSlackRequest(SECRET, body),
      },
      body,
    });
    expect(response.status).toBe(400);
  });

  it('throws when the ack body would be rejected by Slack, unless violations are allowed', async () => {
    await expect(postSlashCommand(appUrl, SECRET, command('huge'))).rejects.toThrow('151 chars, max 150');
    const result = await postSlashCommand(appUrl, SECRET, command('huge'), { allowViolations: true });
    expect(result.violations).toEqual(['blocks[0] (header).text.text: 151 chars, max 150']);
  });

  it('opens a modal from a slash command with the trigger_id the fake issued', async () => {
    await postSlashCommand(appUrl, SECRET, command('modal'));
    const call = await slack.waitFor('views.open');
    expect(call.response.ok).toBe(true);
    expect(call.args.team_id).toBe(slack.team.id); // Bolt adds the team of the request to every listener call
  });

  it('routes a button click built from the message the bot posted', async () => {
    await app.client.chat.postMessage(approvalMessage());
    const [message] = slack.messagesIn(C_OPS);
    const payload = blockActionsPayload({
      userId: U_BOB,
      teamId: slack.team.id,
      triggerId: slack.triggerId(),
      responseUrl: slack.responseUrl(),
      actionId: 'approve',
      message: message as NonNullable<typeof message>,
    });
    expect(payload.actions).toEqual([
      expect.objectContaining({ action_id: 'approve', block_id: 'decision', value: 'r-1234' }),
    ]);
    const result = await postInteraction(appUrl, SECRET, payload);
    expect(result.status).toBe(200);
    expect((await slack.waitForResponse()).body).toEqual({ replace_original: true, text: `approved by <@${U_BOB}>` });
  });

  it('handles a view_submission and checks the errors ack against the input blocks', async () => {
    const opened = await app.client.views.open({ trigger_id: slack.triggerId(), view: rollbackModal() as never });
    const view = opened.view as Record<string, unknown>;
    const submit = (reason: string) =>
      postInteraction(
        appUrl,
        SECRET,
        viewSubmissionPayload({
          userId: U_ALICE,
          teamId: slack.team.id,
          triggerId: slack.triggerId({ viewId: String(view.id) }),
          view,
          values: { service: 'api-gateway', reason },
        }),
      );
    const refused = await submit('no');
    expect(refused.json).toEqual({ response_action: 'errors', errors: { reason: 'Say why, in a sentence.' } });
    expect(refused.violations).toEqual([]);
    expect((await submit('Bad deploy at 14:02')).body).toBe('');
    expect(() =>
      viewSubmissionPayload({ userId: U_ALICE, teamId: 'T1', triggerId: 't', view, values: { nope: 'x' } }),
    ).toThrow('no input element(s) nope');
  });

  it('echoes the url_verification challenge for a signed Events API request', async () => {
    const result = await postEvent(appUrl, SECRET, { type: 'url_verification', challenge: 'abc123', token: 'unused' });
    expect(result.status).toBe(200);
    expect(result.json).toEqual({ challenge: 'abc123' });
  });
});
