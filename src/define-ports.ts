/**
 * What commands may ask of the engine beyond the cluster (part of the RunContext, re-exported by define.ts):
 * approvals, audit, freezes, schedules, memory, reports. Commands see plain data; the rules stay in src/.
 */
import type { Actor, CommandResult } from './define.js';

export interface ApprovalInfo {
  id: string;
  command: string;
  service: string;
  env: string;
  /** Slack user id, or 'schedule:<name>'. */
  requester: string;
  state: string;
  reason: string | null;
  incidentId: string | null;
  breakGlass: boolean;
  quorum: number;
  approvals: number;
  policy: string;
  plan: { summary: string; changes: { what: string; from: string; to: string }[] };
  createdAt: Date;
  expiresAt: Date;
  summary: string | null;
}

export interface BreakGlassReviewInfo {
  request: ApprovalInfo;
  dueAt: Date;
}

export interface PolicyExplanation {
  /** Undefined: no policy applies, so no approval is needed (or, in production, the change is refused). */
  policy?: {
    name: string;
    summary?: string;
    approvals: number;
    fromRoles: readonly string[];
    expiresAfter: string;
    schedules: string;
  };
  because?: string;
  alsoMatched: string[];
  production: boolean;
  mutates: boolean;
}

export interface ApprovalPort {
  /** Pending requests this person may decide (not their own, not already decided by them). */
  pendingFor(actor: { userId: string; teamId: string }): Promise<ApprovalInfo[]>;
  /** This person's own open requests. */
  mine(actor: { userId: string; teamId: string }): Promise<ApprovalInfo[]>;
  /** Break-glass changes nobody has reviewed yet. */
  openReviews(): Promise<BreakGlassReviewInfo[]>;
  /** A sentence saying what happened (cancelled, or why not). */
  cancel(id: string, actor: { userId: string; teamId: string }): Promise<{ ok: boolean; message: string }>;
  /** Approve or reject by id (the console has no buttons); when the quorum is met the change runs. */
  decide(
    id: string,
    actor: { userId: string; teamId: string },
    decision: 'approve' | 'reject',
    reason?: string,
  ): Promise<{ ok: boolean; message: string }>;
  explain(command: string, env: string, service?: string): PolicyExplanation;
}

export interface AuditEntry {
  at: Date;
  actor: string;
  kind: string;
  command: string | null;
  environment: string | null;
  target: string | null;
  requestId: string | null;
  /** The one-line gist: the summary, message, or typed text. */
  gist: string;
}

export interface AuditPort {
  list(filter: { service?: string; env?: string; since: Date; limit: number }): Promise<AuditEntry[]>;
  /** Recomputes the hash chain: where it breaks first, if anywhere, and how many entries it covers. */
  verify(): Promise<{ ok: true; entries: number } | { ok: false; entries: number; brokenAt: number; reason: string }>;
}

export interface MemoryPort {
  /** Stores `value` under `key` and returns what was there before (undefined the first time). */
  swap(key: string, value: string): Promise<string | undefined>;
}

/** Reports over the audit trail, incidents, approvals and schedule runs. */
export interface ReportPort {
  weekly(range: { since: Date; until: Date }): Promise<CommandResult>;
}

export interface FreezeInfo {
  env: string;
  until: Date;
  reason: string;
  /** Who declared it from Slack; "catalog" for the catalog's freezes. */
  by: string;
}

export interface FreezePort {
  list(env?: string): Promise<FreezeInfo[]>;
  add(env: string, durationMs: number, reason: string, actor: Actor): Promise<FreezeInfo>;
  /** Lifts the Slack freezes of the environment (the catalog's stay until the catalog changes). */
  lift(env: string, actor: Actor): Promise<number>;
}

export interface ScheduleRunInfo {
  tick: Date;
  state: string;
  reason: string | null;
  summary: string | null;
  runId: string | null;
}

export interface ScheduleInfo {
  name: string;
  summary?: string;
  cron: string;
  timezone: string;
  command: string;
  paused: boolean;
  pausedBy?: string;
  pauseReason?: string;
  nextRun?: Date;
  lastRun?: ScheduleRunInfo;
}

/** What schedule commands may ask of the scheduler. */
export interface SchedulePort {
  list(): Promise<ScheduleInfo[]>;
  history(name: string, limit?: number): Promise<ScheduleRunInfo[]>;
  /** Runs the schedule's command now, as `actor` (their roles and the approval rules apply). */
  runNow(name: string, actor: Actor): Promise<ScheduleRunInfo>;
  setPaused(name: string, paused: boolean, actor: Actor, reason?: string): Promise<void>;
}
