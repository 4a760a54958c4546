/**
 * What commands may ask of the tools outside opsbot: runbook scripts, the helm CLI and an environment's
 * database. The engine builds one of each per run (bound to the run's signal, progress message and
 * Cancel button); content files reach them through RunContext and these types, re-exported by define.ts.
 */
import type { ScriptResult } from '../scripts/script-runner.js';

export interface ScriptCall {
  /** Names of variables passed through, besides PATH, HOME and LANG. */
  env?: readonly string[];
  /** Names of variables passed through whose values are redacted from everything shown. */
  secretEnv?: readonly string[];
  /** Default 10 minutes; the whole process group is stopped when it passes. */
  timeoutMs?: number;
  /** Gives the script this environment's database URL (the catalog's databaseUrlEnv) as DATABASE_URL, redacted. */
  databaseOf?: string;
  /** Shows the script's last lines under this headline in the progress message, with a Cancel button. */
  progress?: string;
}

export interface ScriptRun extends ScriptResult {
  /** Who pressed Cancel, when the run was cancelled from Slack. */
  cancelledBy?: string;
}

export interface RunScripts {
  /** `script` is a path under SCRIPTS_DIR; `args` reach it as argv, never through a shell. */
  run(script: string, args: readonly string[], options?: ScriptCall): Promise<ScriptRun>;
}

export interface HelmRevision {
  revision: number;
  updated: string;
  status: string;
  chart: string;
  appVersion: string;
  description: string;
}

/** The helm CLI, always with the environment's kube context and namespace. */
export interface Helm {
  /** Oldest first, as `helm history` prints it. */
  history(release: string, env: string, options?: { max?: number }): Promise<HelmRevision[]>;
  /** `helm rollback --wait`: output in the progress message, cancellable. revision undefined = the previous one. */
  rollback(
    release: string,
    env: string,
    revision: number | undefined,
    options?: { timeoutMs?: number },
  ): Promise<ScriptRun>;
}

export interface DbSession {
  pid: number;
  user: string | null;
  application: string | null;
  client: string | null;
  state: string | null;
  waitEvent: string | null;
  /** When the current (or last) query started. */
  queryStart: Date | null;
  /** How long the current query has been running, in ms. */
  runningMs: number;
  query: string;
}

export interface DbLockWait {
  blocked: DbSession;
  blocking: DbSession;
  /** How long the blocking session's transaction has been open, in ms. */
  blockingTransactionMs: number;
}

export interface DbTableStats {
  table: string;
  liveRows: number;
  deadRows: number;
  lastVacuum: Date | null;
  lastAutovacuum: Date | null;
}

/** Seed 002's psql diagnostics on one environment's database (only that database's sessions). */
export interface DatabaseDiagnostics {
  /** "db.example.com:5432/shop": never the password. */
  describe(): string;
  activity(minRunningMs: number): Promise<DbSession[]>;
  locks(): Promise<DbLockWait[]>;
  session(pid: number): Promise<DbSession | undefined>;
  /** pg_terminate_backend; false when the session was already gone. */
  terminate(pid: number): Promise<boolean>;
  /** Dead rows and last vacuum of one table, or of the ten with the most dead rows. */
  tableStats(table?: string): Promise<DbTableStats[]>;
  vacuum(table?: string): Promise<{ durationMs: number; table: string | undefined }>;
}
