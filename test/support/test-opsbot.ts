/**
 * Runs the real opsbot (startOpsbot, as main does) in HTTP or Socket Mode
 * against a fake Slack, the sandbox cluster and a fresh PostgreSQL schema, and
 * offers the requests Slack would send.
 */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Catalog } from '../../src/catalog.js';
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
    /**
     * A second replica of that instance: the same database, the same fake Slack workspace and the same sandbox
     * cluster (through a kubeconfig naming its fake API servers). That instance closes what is shared.
     */
    replicaOf?: TestOpsbot;
    /** How often the approval sweeper runs (default 15 s). */
    approvalSweepMs?: number;
    /** Use this catalog instead of catalog.yaml (e.g. loadCatalog('catalog.yaml') with a change). */
    catalog?: Catalog;
    /** More of opsbot's environment, e.g. SCRIPTS_DIR, an environment's database URL, ALERTMANAGER_TOKEN. */
    env?: Record<string, string>;
  } = {},
): Promise<TestOpsbot> {
  const mode = options.mode ?? 'http';
  const socket = mode === 'socket' ? await startFakeSocketMode() : undefined;
  const replicaOf = options.replicaOf;
  const slack =
    replicaOf?.slack ??
    (await startFakeSlack({
      ...(options.users ? { users: options.users } : {}),
      usergroups: options.usergroups ?? { S0SRE: [] },
      ...(socket ? { socketMode: socket } : {}),
    }));
  const shared = options.shareDbWith ?? replicaOf;
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
  const sharedCluster = replicaOf?.opsbot.sandbox;
  if (sharedCluster) {
    const kubeconfig = join(tmpdir(), `opsbot-replica-${process.pid}-${Date.now().toString(36)}.kubeconfig`);
    writeFileSync(kubeconfig, sharedCluster.kubeConfig.exportConfig());
    Object.assign(env, { OPSBOT_SANDBOX: 'false', KUBECONFIG: kubeconfig });
  }
  const config = { ...loadConfig(env), port: 0 };
  const opsbot = await startOpsbot(config, {
    db: testDb.db,
    slackRetries: 0,
    logger: logs.logger,
    ...(options.approvalSweepMs ? { approvalSweepMs: options.approvalSweepMs } : {}),
    ...(options.catalog ? { catalog: options.catalog } : {}),
  });
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
      if (!replicaOf) await slack.close();
      await socket?.close();
      if (shared) await testDb.db.close();
      else await testDb.close();
    },
  };
}
