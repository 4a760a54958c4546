/**
 * The real opsbot, started through startOpsbot exactly as main does, in HTTP mode on the sandbox cluster
 * (served from the fake-services process, reached through the kubeconfig at BENCH_KUBECONFIG),
 * with the PostgreSQL schema the parent created (BENCH_DATABASE_URL, BENCH_SCHEMA) and the fake Slack at SLACK_API_URL.
 * Logs go to /dev/null at BENCH_LOG_LEVEL (default warn): serialising them is opsbot's cost and counts;
 * a terminal scrolling them would not be, so none is attached.
 */
import pino from 'pino';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { startOpsbot } from '../src/start-opsbot.js';
import { openDb } from '../src/store/db.js';
import { serveBench } from './child-side.js';

const config = {
  ...loadConfig({
    SLACK_BOT_TOKEN: 'xoxb-1-bench-bot-token',
    SLACK_SIGNING_SECRET: process.env.BENCH_SIGNING_SECRET ?? '',
    SLACK_API_URL: process.env.SLACK_API_URL ?? '',
    KUBECONFIG: process.env.BENCH_KUBECONFIG ?? '',
    OPSBOT_CATALOG: 'catalog.yaml',
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
  }),
  port: 0,
};
// A pg pool on the parent's schema, as startTestOpsbot passes it; startOpsbot migrates it and leaves it open.
const db = await openDb({
  databaseUrl: process.env.BENCH_DATABASE_URL,
  dataDir: 'memory://',
  schema: process.env.BENCH_SCHEMA,
});
const logger = createLogger(config, pino.destination('/dev/null'));
const opsbot = await startOpsbot(config, { db, logger });

serveBench({ port: opsbot.port }, async () => {
  await opsbot.close();
  await db.close();
});
