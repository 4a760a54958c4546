/**
 * The composition root: config → logger → store → cluster → registry → engine →
 * front end → HTTP server. The only place that creates clients; everything else
 * receives them. Returns a handle so tests can run opsbot exactly as main does.
 */
import { existsSync } from 'node:fs';
import type { Server } from 'node:http';
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import { uncoveredProductionChanges } from './approvals/policy-for.js';
import { type Catalog, loadCatalog } from './catalog.js';
import { type Config, secretValues } from './config.js';
import { CONSOLE_TEAM } from './console/console.js';
import { createConsoleApprovalNotifier } from './console/console-approval-notifier.js';
import { createConsoleDirectory } from './console/console-directory.js';
import { renderOutcomeText } from './console/render-text.js';
import { OpsError } from './errors.js';
import { listen } from './http/listen.js';
import { createMetrics } from './http/metrics.js';
import { createHttpServer } from './http/server.js';
import { type OpenCluster, openCluster } from './kubernetes/open-cluster.js';
import { consoleLogPath, createLogger } from './logger.js';
import { createRedactor } from './redact/redact.js';
import { loadRegistry } from './registry/load-registry.js';
import { startApprovalSweeper } from './runs/approval-sweeper.js';
import { approversToTell } from './runs/approver-check.js';
import { createEngine, type Engine } from './runs/engine.js';
import { REPLICA_ID } from './runs/target-lock.js';
import { checklistMessages, describeMissed, scheduleReplies } from './scheduler/schedule-replies.js';
import { startScheduler } from './scheduler/start-scheduler.js';
import { createScriptRunner } from './scripts/script-runner.js';
import { createSlackFrontEnd, type SlackFrontEnd } from './slack/create-slack-front-end.js';
import { registerApprovalListeners } from './slack/register-approval-listeners.js';
import { registerOpsListeners } from './slack/register-ops-listeners.js';
import { renderOutcome } from './slack/render-outcome.js';
import { createSlackApprovalNotifier } from './slack/slack-approval-notifier.js';
import { createSlackDirectory } from './slack/slack-directory.js';
import { incidentModals, startIncidents, uploadImages } from './start-incidents.js';
import { appendAudit } from './store/audit.js';
import { type Db, openDb } from './store/db.js';
import { migrate } from './store/migrate.js';

/** commands/, schedules/ and approvals/ sit beside src/ (in the source tree and in dist/ alike). */
export const CONTENT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * SCRIPTS_DIR, or in the console without it and without ./scripts, the shipped examples (so the quickstart
 * can run backup, feature and run). tsc does not copy them to dist/: look beside the content root, then above.
 */
export function scriptsDirOf(config: Config): string {
  if (config.frontEnd !== 'console' || config.variable('SCRIPTS_DIR') !== undefined || existsSync(config.scriptsDir)) {
    return config.scriptsDir;
  }
  const candidates = [
    path.join(CONTENT_ROOT, 'examples', 'scripts'),
    path.join(CONTENT_ROOT, '..', 'examples', 'scripts'),
  ];
  return candidates.find((dir) => existsSync(dir)) ?? config.scriptsDir;
}

export interface StartOptions {
  logger?: Logger;
  /** Console front end streams (default: the terminal). */
  input?: Readable;
  output?: Writable;
  /** Tests turn Slack client retries off. */
  slackRetries?: number;
  /** Use this catalog instead of reading config.catalogPath. */
  catalog?: Catalog;
  /** Use this open store (tests: a schema of their own); the caller closes it. */
  db?: Db;
  /** How often expiries, stale executions and overdue reviews are swept (default 15 s; tests go faster). */
  approvalSweepMs?: number;
}

export interface RunningOpsbot {
  engine: Engine;
  catalog: Catalog;
  /** Absent in the console front end. */
  http?: Server;
  /** HTTP port actually bound (config.port may be 0 in tests); absent in the console. */
  port?: number;
  slack?: SlackFrontEnd;
  /** The sandbox cluster's fake API servers, when opsbot runs on the sandbox. */
  sandbox?: OpenCluster['sandbox'];
  logger: Logger;
  /** Resolves when the console session ends (console mode only). */
  consoleDone?: Promise<void>;
  close(): Promise<void>;
}

export async function startOpsbot(config: Config, options: StartOptions = {}): Promise<RunningOpsbot> {
  const logger = options.logger ?? createLogger(config);
  for (const warning of config.warnings) logger.warn(warning);
  const catalog = options.catalog ?? loadCatalog(config.catalogPath);
  const registry = await loadRegistry(CONTENT_ROOT);
  const uncovered = uncoveredProductionChanges(registry.commands, registry.policies, catalog);
  if (uncovered.length > 0) throw new OpsError('config', `The approval policies have gaps:\n${uncovered.join('\n')}`);
  const db =
    options.db ??
    (await openDb({ ...(config.databaseUrl ? { databaseUrl: config.databaseUrl } : {}), dataDir: config.dataDir }));
  const closers: Array<() => Promise<void>> = options.db ? [] : [() => db.close()];
  try {
    const { applied, unknown } = await migrate(db);
    if (applied.length > 0) logger.info({ applied }, 'applied database migrations');
    if (unknown.length > 0) {
      logger.warn(
        { versions: unknown },
        'the database has migrations this opsbot does not know: a newer opsbot migrated it',
      );
    }
    const cluster = await openCluster(config, catalog, logger);
    closers.unshift(() => cluster.close());
    const metrics = createMetrics();
    const abort = new AbortController();
    closers.unshift(async () => abort.abort());

    let slack: SlackFrontEnd | undefined;
    const redact = createRedactor(secretValues(config));
    const scriptsDir = scriptsDirOf(config);
    const scripts = createScriptRunner({ scriptsDir, env: config.variable, redact, logger });
    const engineDeps = {
      registry,
      catalog,
      db,
      cluster: cluster.cluster,
      logger,
      metrics,
      signal: abort.signal,
      redact,
      scripts,
      variable: config.variable,
    };
    let engine: Engine;
    if (config.frontEnd === 'console') {
      engine = createEngine({
        ...engineDeps,
        directory: createConsoleDirectory(CONSOLE_TEAM),
        approvals: { notifier: createConsoleApprovalNotifier(options.output ?? process.stdout), replica: REPLICA_ID },
      });
    } else {
      slack = createSlackFrontEnd({
        logger,
        botToken: config.slackBotToken,
        ...(config.frontEnd === 'http'
          ? { signingSecret: config.slackSigningSecret }
          : { appToken: config.slackAppToken }),
        slackApiUrl: config.slackApiUrl,
        ...(options.slackRetries !== undefined ? { retries: options.slackRetries } : {}),
      });
      await slack.app.init();
      // Users of other teams (Slack Connect) are external: roles are for members of this workspace only.
      const { team_id: workspaceTeamId, app_id: appId } = await slack.client.auth.test();
      const directory = createSlackDirectory(slack.client, workspaceTeamId);
      const notifier = createSlackApprovalNotifier({
        client: slack.client,
        db,
        catalog,
        logger,
        sandbox: cluster.cluster.sandbox,
        approversOf: (request) => approversToTell({ catalog, directory, registry }, request),
      });
      engine = createEngine({
        ...engineDeps,
        directory,
        approvals: { notifier, replica: REPLICA_ID },
      });
      registerOpsListeners(slack.app, {
        engine,
        logger,
        observeAck: metrics.observeAck,
        modals: incidentModals(catalog),
      });
      registerApprovalListeners(slack.app, {
        engine,
        notifier,
        logger,
        observeAck: metrics.observeAck,
        ...(appId ? { appId } : {}),
      });
    }
    const approvals = engine.deps.approvals;
    if (approvals) {
      const sweeper = startApprovalSweeper({
        db,
        directory: engine.deps.directory,
        notifier: approvals.notifier,
        logger,
        ...(options.approvalSweepMs ? { everyMs: options.approvalSweepMs } : {}),
      });
      closers.unshift(async () => sweeper.stop());
    }
    const incidents = startIncidents({
      db,
      catalog,
      logger,
      engine,
      registry,
      slack,
      output: options.output ?? process.stdout,
      alertmanagerToken: config.alertmanagerToken,
    });
    closers.unshift(async () => incidents.stop());

    const scheduler = await startScheduler({
      engine,
      db,
      logger,
      replica: REPLICA_ID,
      schedules: registry.schedules,
      repliesFor: scheduleReplies(catalog, async (channel, outcome, schedule) => {
        if (slack) {
          await slack.client.chat.postMessage({ channel, ...renderOutcome(outcome) });
          await uploadImages(slack.client, channel, outcome, logger);
        } else (options.output ?? process.stdout).write(`[schedule ${schedule.name}] ${renderOutcomeText(outcome)}\n`);
      }),
      checklistMessage: checklistMessages(catalog, slack?.client, (text) =>
        (options.output ?? process.stdout).write(text),
      ),
      reportMissed: async (missed) => {
        const text = describeMissed(missed);
        const channel = catalog.channels.alerts;
        if (slack && channel) await slack.client.chat.postMessage({ channel, text });
        else logger.warn({ missed }, text);
      },
    });
    closers.unshift(async () => scheduler.stop());
    // The schedule commands reach the scheduler through the engine; it needs the engine to run ticks.
    engine.deps.schedules = scheduler;

    let slackConnected = config.frontEnd !== 'socket';
    // The console needs no HTTP server (and must not fail because port 3000 is taken on a laptop).
    const http =
      config.frontEnd === 'console'
        ? undefined
        : createHttpServer({
            logger,
            ready: async () => {
              const store = await db.ping().then(
                () => 'ok',
                (e: Error) => `failing: ${e.message}`,
              );
              const slackState = slackConnected ? 'ok' : 'not connected';
              return { ok: store === 'ok' && slackConnected, checks: { store, slack: slackState } };
            },
            metrics: () => metrics.render(),
            routes: incidents.routes,
            ...(slack?.httpReceiver && config.frontEnd === 'http'
              ? {
                  slack: {
                    signingSecret: config.slackSigningSecret,
                    listener: slack.httpReceiver.requestListener,
                    onRejected: (reason) => {
                      void appendAudit(db, {
                        actor: 'unknown',
                        kind: 'slack.signature_invalid',
                        payload: { reason },
                      }).catch((error) => logger.error({ err: error }, 'audit write failed'));
                    },
                  },
                }
              : {}),
          });
    let port: number | undefined;
    if (http) {
      closers.unshift(() => new Promise<void>((resolve) => http.close(() => resolve())));
      port = await listen(http, config.port);
    }

    if (slack?.socketReceiver) {
      await slack.app.start();
      slackConnected = true;
      closers.unshift(async () => {
        await (slack as SlackFrontEnd).app.stop();
      });
    }
    logger.info(
      { frontEnd: config.frontEnd, port, store: db.describe(), sandbox: cluster.cluster.sandbox },
      'opsbot started',
    );

    let consoleDone: Promise<void> | undefined;
    if (config.frontEnd === 'console') {
      const { runConsole } = await import('./console/console.js');
      const output = options.output ?? process.stdout;
      const where = cluster.cluster.sandbox
        ? 'the SANDBOX cluster (simulated, nothing real is touched)'
        : 'Kubernetes from your kubeconfig';
      output.write(`opsbot console — store: ${db.describe()}; acting on ${where}; log: ${consoleLogPath(config)}\n`);
      if (scriptsDir !== config.scriptsDir) output.write(`runbook scripts: the shipped examples in ${scriptsDir}\n`);
      consoleDone = runConsole({ engine, catalog, input: options.input ?? process.stdin, output });
    }
    return {
      engine,
      catalog,
      ...(http ? { http } : {}),
      ...(port !== undefined ? { port } : {}),
      logger,
      ...(slack ? { slack } : {}),
      ...(cluster.sandbox ? { sandbox: cluster.sandbox } : {}),
      ...(consoleDone ? { consoleDone } : {}),
      close: async () => {
        for (const close of closers)
          await close().catch((error) => logger.error({ err: error }, 'shutdown step failed'));
      },
    };
  } catch (error) {
    for (const close of closers) await close().catch(() => {});
    throw error;
  }
}
