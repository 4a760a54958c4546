import { App, LogLevel } from '@slack/bolt';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { type FakeSlack, startFakeSlack } from '../support/fake-slack.js';
import { type FakeSocketMode, startFakeSocketMode } from '../support/fake-socket-mode.js';
import { blockActionsPayload, buildSlashCommand } from '../support/slack-requests.js';
import { approvalMessage, C_OPS, U_ALICE, U_BOB } from './fixtures.js';

let socket: FakeSocketMode;
let slack: FakeSlack;
let app: App;

beforeEach(async () => {
  socket = await startFakeSocketMode();
  slack = await startFakeSlack({ socketMode: socket });
  app = new App({
    token: 'xoxb-test-token',
    appToken: 'xapp-1-A01OPSBOT1-1-secret',
    socketMode: true,
    logLevel: LogLevel.ERROR,
    clientOptions: { slackApiUrl: slack.url, retryConfig: { retries: 0 } },
  });
  app.command('/ops', async ({ ack, command }) => {
    await ack({ response_type: 'ephemeral', text: `running: ${command.text}` });
  });
  app.action('approve', async ({ ack }) => {
    await ack();
  });
  await app.start();
});

afterEach(async () => {
  await app.stop(); // before closing the fakes, or the client reconnects
  slack.assertNoViolations();
  await socket.close();
  await slack.close();
});

it('a Bolt app in Socket Mode receives a slash_commands envelope and acks it with the reply', async () => {
  expect(slack.callsTo('apps.connections.open')[0]?.token).toBe('xapp-1-A01OPSBOT1-1-secret');
  expect(socket.connectionCount).toBe(1);
  const payload = buildSlashCommand({
    text: 'status api-gateway prod',
    userId: U_ALICE,
    teamId: slack.team.id,
    channelId: C_OPS,
    responseUrl: slack.responseUrl(),
    triggerId: slack.triggerId(),
  });
  const ack = await socket.sendSlashCommand(payload);
  expect(ack.payload).toEqual({ response_type: 'ephemeral', text: 'running: status api-gateway prod' });
  expect(ack.ms).toBeLessThan(3000);
});

it('acks an interactive block_actions envelope with an empty payload', async () => {
  const message = { ...approvalMessage(), ts: '1700000000.000100' };
  const payload = blockActionsPayload({
    userId: U_BOB,
    teamId: slack.team.id,
    triggerId: slack.triggerId(),
    responseUrl: slack.responseUrl(),
    actionId: 'approve',
    message,
  });
  const ack = await socket.sendInteractive(payload);
  expect(ack.payload).toEqual({});
  expect(socket.acks).toHaveLength(1);
});
