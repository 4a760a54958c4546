/**
 * Runs the real opsbot (startOpsbot, as main does) in HTTP or Socket Mode
 * against a fake Slack, the sandbox cluster and a fresh PostgreSQL schema, and
 * offers the requests Slack would send.
 */
import { loadConfig } from '../../src/config.js';
import { type RunningOpsbot, startOpsbot } from '../../src/start-opsbot.js';
import { type CollectedLogs, collectLogs } from './collect-logs.js';
import { type FakeSlack, type FakeSlackUser, startFakeSlack } from './fake-slack.js';
import { type FakeSocketMode, startFakeSocketMode } from './fake-socket-mode.js';
import { postInteraction, postSlashCommand, type SendOptions, type SlackHttpResult } from './slack-requests.js';
import { createTestDb, type TestDb } from './test-db.js';

export const SIGNING_SECRET = 'test-signing-secret-0123456789abcdef';
export const TEAM = 'T01OPSTEAM';
export const CHANNEL = 'C0123OPS01';

export interface TestOpsbot {
  opsbot: RunningOpsbot;
  slack: FakeSlack;
  socket?: FakeSocketMode;
  testDb: TestDb;
  logs: CollectedLogs;
  baseUrl: string;
  eventsUrl: string;
  signingSecret: string;
  command(
    text: string,
    userId?: string,
    options?: SendOptions,
  ): Promise<SlackHttpResult & { responseUrl: string; triggerId: string }>;
  interact(payload: Record<string, unknown>, options?: SendOptions): Promise<SlackHttpResult>;
  close(): Promise<void>;
}

export async function startTestOpsbot(
  options: {
    mode?: 'http' | 'socket';
    users?: FakeSlackUser[];
    usergroups?: Record<string, string[]>;
    /** Share another instance's database, as a second replica would (that instance closes it). */
    shareDbWith?: TestOpsbot;
    /** More environment variables, e.g. ALERTMANAGER_TOKEN. */
    env?: Record<string, string>;
  } = {},
): Promise<TestOpsbot> {
  const mode = options.mode ?? 'http';
  const socket = mode === 'socket' ? await startFakeSocketMode() : undefined;
  const slack = await startFakeSlack({
    ...(options.users ? { users: options.users } : {}),
    usergroups: options.usergroups ?? { S0SRE: [] },
    ...(socket ? { socketMode: socket } : {}),
  });
  const shared = options.shareDbWith;
  const testDb = shared
    ? { ...shared.testDb, db: await shared.testDb.openAnother(), close: async () => {} }
    : await createTestDb();
  const logs = collectLogs();
  const env: Record<string, string> = {
    SLACK_BOT_TOKEN: 'xoxb-1-test-bot-token',
    SLACK_API_URL: slack.url,
    OPSBOT_SANDBOX: 'true',
    OPSBOT_CATALOG: 'catalog.yaml',
    ...(mode === 'socket' ? { SLACK_APP_TOKEN: 'xapp-1-A01OPSBOT1-1-test' } : { SLACK_SIGNING_SECRET: SIGNING_SECRET }),
    ...options.env,
  };
  const config = { ...loadConfig(env), port: 0 };
  const opsbot = await startOpsbot(config, { db: testDb.db, slackRetries: 0, logger: logs.logger });
  const baseUrl = `http://127.0.0.1:${opsbot.port}`;
  const eventsUrl = `${baseUrl}/slack/events`;
  return {
    opsbot,
    slack,
    ...(socket ? { socket } : {}),
    testDb,
    logs,
    baseUrl,
    eventsUrl,
    signingSecret: SIGNING_SECRET,
    async command(text, userId = 'U0ALICE', sendOptions) {
      const responseUrl = slack.responseUrl();
      const triggerId = slack.triggerId();
      const init = { text, userId, teamId: TEAM, channelId: CHANNEL, responseUrl, triggerId };
      const result = await postSlashCommand(eventsUrl, SIGNING_SECRET, init, sendOptions);
      return { ...result, responseUrl, triggerId };
    },
    interact: (payload, sendOptions) => postInteraction(eventsUrl, SIGNING_SECRET, payload, sendOptions),
    async close() {
      await opsbot.close();
      await slack.close();
      await socket?.close();
      if (shared) await testDb.db.close();
      else await testDb.close();
    },
  };
}
