/** The per-run tools of a RunContext: scripts, helm and databases, sharing the run's signal and Cancel button. */
import type { Logger } from 'pino';
import type { Catalog } from '../catalog.js';
import { createDatabaseDiagnostics } from '../diagnostics/database-diagnostics.js';
import { createHelm } from '../helm/helm-cli.js';
import type { Redactor } from '../redact/redact.js';
import { createRunScripts } from '../scripts/run-scripts.js';
import type { ScriptRunner } from '../scripts/script-runner.js';
import type { Db } from '../store/db.js';
import { databaseUrlOf } from './database-url.js';
import type { Replies } from './outcome.js';
import { createRunCancellation } from './run-cancellation.js';
import type { DatabaseDiagnostics, Helm, RunScripts } from './tool-ports.js';

export interface RunToolsDeps {
  db: Db;
  catalog: Catalog;
  redact: Redactor;
  scripts?: ScriptRunner;
  /** Reads one variable of opsbot's environment (Config.variable). */
  variable?: (name: string) => string | undefined;
  signal?: AbortSignal;
  /** Cancellable runs on this replica, by run id. */
  live: Map<string, AbortController>;
}

export interface RunTools {
  signal: AbortSignal;
  scripts: RunScripts;
  helm: Helm;
  database(env: string): DatabaseDiagnostics;
}

export function createRunTools(
  deps: RunToolsDeps,
  run: { runId: string; command: string; env: string | undefined; requester: string },
  replies: Replies,
  log: Logger,
): RunTools {
  const variable = deps.variable ?? (() => undefined);
  const cancellation = createRunCancellation({ db: deps.db, run, parent: deps.signal, live: deps.live, log });
  const progress = (text: string, cancellable: boolean) =>
    replies.progress(deps.redact(text), cancellable ? { cancelRunId: run.runId } : undefined);
  return {
    signal: cancellation.signal,
    scripts: createRunScripts({ runner: deps.scripts, catalog: deps.catalog, variable, cancellation, progress }),
    helm: createHelm({ catalog: deps.catalog, variable, redact: deps.redact, cancellation, progress }),
    database: (env) => createDatabaseDiagnostics(databaseUrlOf(deps.catalog, variable, env), env),
  };
}
