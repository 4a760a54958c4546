/**
 * The real engine with the real commands, a real script runner over a SCRIPTS_DIR of the test's choosing,
 * real PostgreSQL and the sandbox cluster; environment variables come from a map the test controls
 * (as Config.variable would). `run` returns the outcome and every progress message, as Slack would get them.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Catalog } from '../../src/catalog.js';
import { createKubeCluster } from '../../src/kubernetes/kube-cluster.js';
import { type Sandbox, sandboxEnvironments, startSandbox } from '../../src/kubernetes/sandbox.js';
import { createRedactor } from '../../src/redact/redact.js';
import { loadRegistry } from '../../src/registry/load-registry.js';
import type { Directory } from '../../src/runs/authorize.js';
import { createEngine, type Engine } from '../../src/runs/engine.js';
import type { Outcome } from '../../src/runs/outcome.js';
import { createScriptRunner } from '../../src/scripts/script-runner.js';
import { CONTENT_ROOT } from '../../src/start-opsbot.js';
import { type CollectedLogs, collectLogs } from './collect-logs.js';
import { testCatalog } from './run-context.js';
import { createTestDb, type TestDb } from './test-db.js';

export const EXAMPLE_SCRIPTS = fileURLToPath(new URL('../../examples/scripts', import.meta.url));

/** The test catalog, with a database variable for every environment. */
export function toolsCatalog(): Catalog {
  const catalog = testCatalog();
  for (const [name, env] of Object.entries(catalog.environments))
    env.databaseUrlEnv = `${name.toUpperCase()}_DATABASE_URL`;
  return catalog;
}

/** A fresh temporary directory, removed by the returned function. */
export function tempDir(prefix: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A copy of examples/scripts (a test may edit or replace scripts in it). */
export function copyExampleScripts(into: string): string {
  const scriptsDir = path.join(into, 'scripts');
  cpSync(EXAMPLE_SCRIPTS, scriptsDir, { recursive: true });
  return scriptsDir;
}

export interface ProgressMessage {
  text: string;
  cancelRunId?: string;
}

export interface ToolsEngine {
  engine: Engine;
  testDb: TestDb;
  logs: CollectedLogs;
  /** opsbot's environment, as Config.variable reads it; tests may change it between runs. */
  variables: Record<string, string>;
  run(
    text: string,
    options?: { userId?: string; onProgress?: (p: ProgressMessage) => void },
  ): Promise<{ outcome: Outcome; progress: ProgressMessage[] }>;
  close(): Promise<void>;
}

const directory: Directory = {
  groupMembers: async () => [],
  user: async (id) => ({ id, teamId: 'T1', isGuest: false, isBot: false, deleted: false }),
};

export async function startToolsEngine(options: {
  scriptsDir: string;
  variables?: Record<string, string>;
  catalog?: Catalog;
  ownSecrets?: string[];
  /** Share another engine's database, as a second replica would (that engine drops it). */
  shareDbWith?: ToolsEngine;
}): Promise<ToolsEngine> {
  const catalog = options.catalog ?? toolsCatalog();
  const shared = options.shareDbWith?.testDb;
  const testDb: TestDb = shared
    ? { ...shared, db: await shared.openAnother(), close: async () => {} }
    : await createTestDb();
  const sandbox: Sandbox = await startSandbox(sandboxEnvironments(catalog));
  const logs = collectLogs();
  const variables: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? '/tmp',
    ...options.variables,
  };
  const redact = createRedactor(options.ownSecrets ?? []);
  const variable = (name: string) => variables[name];
  const engine = createEngine({
    registry: await loadRegistry(CONTENT_ROOT),
    catalog,
    db: testDb.db,
    cluster: createKubeCluster({ kubeConfig: sandbox.kubeConfig, sandbox: true }),
    directory,
    logger: logs.logger,
    redact,
    scripts: createScriptRunner({
      scriptsDir: options.scriptsDir,
      env: variable,
      redact,
      logger: logs.logger,
      killGraceMs: 300,
    }),
    variable,
  });
  return {
    engine,
    testDb,
    logs,
    variables,
    async run(text, runOptions = {}) {
      const sent: Outcome[] = [];
      const progress: ProgressMessage[] = [];
      await engine.run(
        { text, actor: { userId: runOptions.userId ?? 'U0ALICE', teamId: 'T1' }, source: 'console' },
        {
          send: async (o) => void sent.push(o),
          progress: async (text, o) => {
            const message = { text, ...(o?.cancelRunId ? { cancelRunId: o.cancelRunId } : {}) };
            progress.push(message);
            runOptions.onProgress?.(message);
          },
        },
      );
      return { outcome: sent[0] as Outcome, progress };
    },
    async close() {
      await sandbox.close();
      await testDb.close();
    },
  };
}

/** The result of an outcome that must be a result (the test fails with the error otherwise). */
export function resultOf(outcome: Outcome) {
  if (outcome.kind !== 'result') throw new Error(`expected a result, got ${JSON.stringify(outcome)}`);
  return outcome.result;
}
