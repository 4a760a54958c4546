/**
 * The only module that ops content (commands/, schedules/, approvals/) imports.
 * Each define* function is an identity function that gives the object its types:
 *
 * @example
 * export default defineCommand({
 *   name: 'status',
 *   summary: 'Show a deployment’s replicas, image, revision and pods.',
 *   usage: ['status api-gateway prod'],
 *   args: z.object({ service: arg.service(), env: arg.env() }),
 *   mutates: false,
 *   requiredRole: 'viewer',
 *   async run(ctx, a) { … },
 * });
 */

import type { Logger } from 'pino';
import { z } from 'zod';
import type { Catalog, ResolvedTarget } from './catalog.js';
import type { ApprovalPort, AuditPort, FreezePort, MemoryPort, ReportPort, SchedulePort } from './define-ports.js';
import { OpsError } from './errors.js';
import type { IncidentPort } from './incidents/port.js';
import type { Cluster } from './kubernetes/cluster.js';
import type { DatabaseDiagnostics, Helm, RunScripts } from './runs/tool-ports.js';

export type {
  ApprovalInfo,
  ApprovalPort,
  AuditEntry,
  AuditPort,
  BreakGlassReviewInfo,
  FreezeInfo,
  FreezePort,
  MemoryPort,
  PolicyExplanation,
  ReportPort,
  ScheduleInfo,
  SchedulePort,
  ScheduleRunInfo,
} from './define-ports.js';
export { formatAge, formatBytes, formatDuration, formatTable } from './format.js';
export {
  type CertificateFinding,
  checkCertificates,
  checkEndpointCertificates,
} from './health/certificates.js';
export {
  type ComponentHealth,
  checkHealth,
  describeComponent,
  type HealthLevel,
} from './health/check-health.js';
export { followRollout } from './kubernetes/follow-rollout.js';
export type {
  DatabaseDiagnostics,
  DbLockWait,
  DbSession,
  DbTableStats,
  Helm,
  HelmRevision,
  RunScripts,
  ScriptCall,
  ScriptRun,
} from './runs/tool-ports.js';
export { howItEnded, scriptFailed } from './scripts/script-outcome.js';

export const ROLES = ['viewer', 'operator', 'approver', 'admin', 'break-glass'] as const;
export type Role = (typeof ROLES)[number];

/** Who asked. Identity is the verified Slack user id plus team id, never a display name. */
export interface Actor {
  kind: 'user' | 'schedule';
  userId: string;
  teamId: string;
  roles: readonly Role[];
}

/** What a command returns: rendered, audited and added to the timeline the same way for every command. */
export interface CommandResult {
  /** One line for an engineer at 3 a.m.: what happened. */
  summary: string;
  /** Longer, preformatted detail: shown in a code block, a thread, or uploaded as a file when long. */
  details?: string;
  /** false when the command ran but the outcome is a failure (e.g. a rollout that did not complete). */
  ok?: boolean;
  /** Obvious next steps, shown as buttons; a click runs `/ops <command>` as the person who clicked. */
  actions?: NextAction[];
  /** A file to hand over (e.g. a CSV export): uploaded in Slack, printed in the console. */
  attachment?: { filename: string; content: string };
  /** Nothing new to say (e.g. health unchanged since the last look): a schedule posts nothing. */
  quiet?: boolean;
  /** Pictures (e.g. a PNG chart) uploaded beside the result when a schedule posts it to its channel. */
  images?: Array<{ filename: string; title: string; png: Buffer }>;
}

export interface NextAction {
  /** Button text, e.g. "Roll back". */
  label: string;
  /** Command text without /ops, e.g. "rollback api-gateway prod". */
  command: string;
  /** danger: a confirmation dialog is shown before it runs. */
  style?: 'primary' | 'danger';
}

export interface PlannedChange {
  what: string;
  from: string;
  to: string;
  /**
   * `from` describes a state that moves on its own (ready pods, dead rows, a database's size): shown to
   * approvers, but not bound. Without it, an approved change runs only if `from` is still what they saw.
   */
  volatile?: boolean;
}

/** What a mutating command would change. Shown for --dry-run and to approvers; approvals bind to it. */
export interface Plan {
  summary: string;
  changes: PlannedChange[];
}

/** A read-only view of the registry, for help-like commands. */
export interface CommandInfo {
  name: string;
  summary: string;
  usage: readonly string[];
  whenToUse?: string;
  mutates: boolean;
  /** Positional arguments in order, and flags, as `help` shows them. */
  synopsis: string;
  /** May the current actor run it in at least one environment? */
  allowed: boolean;
}

/** Everything a command may touch; handlers never reach Slack, pg or the Kubernetes client directly. */
export interface RunContext {
  runId: string;
  actor: Actor;
  /** The --reason the requester gave, if any. */
  reason?: string;
  catalog: Catalog;
  log: Logger;
  /** Aborted on shutdown, timeout or the Cancel button. */
  signal: AbortSignal;
  /** Edit the run's progress message (in Slack: one message in the request's thread). */
  progress(text: string): Promise<void>;
  k8s: Cluster;
  /** Resolve a catalog service in an environment (namespace, deployment, context). */
  target(service: string, env: string): ResolvedTarget;
  commands: { list(): CommandInfo[]; get(name: string): CommandInfo | undefined };
  /** The schedules and their runs; absent when this process runs no scheduler. */
  schedules?: SchedulePort;
  /** Change freezes, declared in the catalog or from Slack (absent without a store). */
  freezes?: FreezePort;
  /** Approval requests and policies (absent when this opsbot cannot ask for approval). */
  approvals?: ApprovalPort;
  /** The audit trail, read-only. */
  audit?: AuditPort;
  /** Runbook scripts under SCRIPTS_DIR: argv, never a shell; streamed, redacted, cancellable. */
  scripts: RunScripts;
  /** The helm CLI with the environment's kube context and namespace. */
  helm: Helm;
  /** Diagnostics on the environment's database (URL from the variable its databaseUrlEnv names). */
  database(env: string): DatabaseDiagnostics;
  /** Facts kept between runs in PostgreSQL, shared by every replica (absent without a store). */
  memory?: MemoryPort;
  /** The conversation the request was typed in (Slack channel id), when there is one. */
  channelId?: string;
  /** Incidents: declare, update, timeline, postmortem (absent when opsbot runs without them). */
  incidents?: IncidentPort;
  /** Reports over the audit trail, runs and incidents. */
  reports?: ReportPort;
}

/**
 * An alert a command helps with: its Alertmanager `alertname`, and flags added to
 * `<command> <service> <env>` on the alert's button (e.g. "--previous" for logs).
 */
export type AlertAnswer = string | { alert: string; flags?: string; label?: string; style?: 'primary' | 'danger' };

export type RoleRequirement = Role | { default: Role; production: Role };

export interface CommandDefinition<S extends z.ZodObject = z.ZodObject> {
  /** The verb as typed after /ops; multi-word names form groups ("db activity"). */
  name: string;
  summary: string;
  /** Examples without the leading /ops, e.g. "status api-gateway prod". */
  usage: readonly string[];
  whenToUse?: string;
  owner?: string;
  /** Positional words map onto the schema's keys in declaration order; the rest are --flags. */
  args: S;
  /** How many leading keys of `args` may be given positionally (default: all). */
  positional?: number;
  mutates: boolean;
  requiredRole: RoleRequirement;
  /** Environments this command may run in (default: all in the catalog). */
  allowedEnvironments?: readonly string[];
  /**
   * Alerts this command answers: their notifications get a button running it on the alert's service and
   * environment. Only for commands whose first two arguments are service and env.
   */
  answersAlerts?: readonly AlertAnswer[];
  /**
   * For a change that names no catalog service: what it acts on in its environment (e.g. "database"). One
   * change at a time per target, and one approval request pending per target; default: its first argument.
   */
  target?(args: z.infer<S>): string;
  /** Required when `mutates`: reads the target and says exactly what will change. */
  plan?(ctx: RunContext, args: z.infer<S>): Promise<Plan>;
  run(ctx: RunContext, args: z.infer<S>): Promise<CommandResult>;
}

export function defineCommand<S extends z.ZodObject>(definition: CommandDefinition<S>): CommandDefinition<S> {
  return definition;
}

/** Stop a command with a message the user can act on (nothing has been changed). */
export function refuse(message: string, hint?: string): never {
  throw new OpsError('refused', message, hint ? { hint } : {});
}

/** Argument helpers whose values the engine checks against the catalog ("did you mean …"). */
export const arg = {
  service: () => z.string().min(1).meta({ catalog: 'service', description: 'a service from the catalog' }),
  env: () => z.string().min(1).meta({ catalog: 'environment', description: 'an environment from the catalog' }),
  /** Free text that may be typed without quotes: the remaining words, joined by spaces. */
  text: (description = 'text') =>
    z
      .array(z.string())
      .min(1, `give the ${description}`)
      .transform((words) => words.join(' ').trim())
      .meta({ description }),
  /** A Slack user as Slack escapes a mention (<@U0123|name>), or a bare id → the id. */
  /** An incident id; absent, the incident of the channel the command is typed in. */
  incident: () => z.string().optional().describe('INC-n (default: this channel’s incident)'),
  user: () =>
    z
      .string()
      .transform((v) => v.match(/^<@([UW][A-Z0-9]+)(\|[^>]*)?>$/)?.[1] ?? v)
      .pipe(z.string().regex(/^[UW][A-Z0-9]{2,}$/, 'a Slack user: type @ and pick the person (or their id, U0123ABCD)'))
      .meta({ description: 'a person: @name' }),
  /** "30s", "10m", "2h" → milliseconds. */
  duration: () =>
    z
      .string()
      .regex(/^\d+(\.\d+)?[smh]$/, 'a duration like 30s, 10m or 2h')
      .transform((v) => Number(v.slice(0, -1)) * { s: 1_000, m: 60_000, h: 3_600_000 }[v.slice(-1) as 's' | 'm' | 'h']),
};

/** The catalog kind an argument refers to, if any (set by arg.service / arg.env). */
export function catalogKindOf(schema: z.ZodType): 'service' | 'environment' | undefined {
  let current: z.ZodType | undefined = schema;
  while (current) {
    const kind = (current.meta() as { catalog?: string } | undefined)?.catalog;
    if (kind === 'service' || kind === 'environment') return kind;
    const inner: unknown = (current as { unwrap?: () => unknown }).unwrap?.();
    current = inner instanceof z.ZodType ? inner : undefined;
  }
  return undefined;
}

/**
 * A schedule names a command and its arguments; it has no logic of its own.
 *
 * @example
 * export default defineSchedule({
 *   name: 'weekly-report', cron: '0 9 * * 1', timezone: 'UTC',
 *   command: 'report weekly', args: {}, postTo: 'reports',
 * });
 */
export interface ScheduleDefinition {
  name: string;
  /** Five fields; day-of-month AND day-of-week must both match ("0 4 1-7 * 6" = the first Saturday). */
  cron: string;
  /** IANA time zone; UTC when absent. */
  timezone?: string;
  /** The command to run (for a checklist: "checklist", with the steps below). */
  command: string;
  /** Parsed by the command's schema at boot, not at fire time. */
  args: Record<string, unknown>;
  /** A runbook checklist: commands run in order, one message edited as each passes or fails. */
  steps?: readonly ChecklistStep[];
  /** A channel key from the catalog's `channels`. */
  postTo?: 'alerts' | 'reports' | 'approvals' | 'incidents';
  summary?: string;
  /** After downtime, run the latest missed tick once (default true); earlier missed ticks are only reported. */
  catchUp?: boolean;
}

export function defineSchedule(definition: ScheduleDefinition): ScheduleDefinition {
  return definition;
}

/** One step of a checklist schedule: a command and what the runbook expects of it. */
export interface ChecklistStep {
  /** As the checklist shows it, e.g. "Full backup". */
  title: string;
  command: string;
  args: Record<string, unknown>;
  /** The runbook's expected result ("Resultado Esperado"), shown beside the step; it passes when the command succeeds. */
  expect: string;
  /** When the step fails: go on with the next (default) or stop the checklist. */
  onFailure?: 'continue' | 'stop';
}

/**
 * A schedule that runs a runbook's checklist: the steps name commands; the schedule has no logic.
 *
 * @example
 * export default defineChecklist({
 *   name: 'weekly-maintenance', cron: '0 2 * * 5', postTo: 'reports',
 *   steps: [{ title: 'Cluster health', command: 'health', args: { env: 'prod' }, expect: 'every component OK' }],
 * });
 */
export function defineChecklist(
  definition: Omit<ScheduleDefinition, 'command' | 'args' | 'steps'> & { steps: readonly ChecklistStep[] },
): ScheduleDefinition {
  return { ...definition, command: 'checklist', args: {} };
}

/**
 * An approval policy: data, so `/ops policy <command> <env>` can show which applies and why.
 *
 * @example
 * export default definePolicy({
 *   name: 'production-two-person',
 *   appliesTo: { production: true, mutates: true },
 *   require: { approvals: 1, fromRoles: ['approver'] },
 *   expiresAfter: '15m',
 *   schedules: 'preapproved',
 * });
 */
export interface PolicyDefinition {
  name: string;
  appliesTo: {
    production?: boolean;
    mutates?: boolean;
    tier?: 'critical' | 'standard';
    /** Command names this policy is limited to. */
    commands?: readonly string[];
    environments?: readonly string[];
  };
  require: { approvals: number; fromRoles: readonly Role[] };
  expiresAfter?: string;
  schedules: 'preapproved' | 'require-approval';
  summary?: string;
}

export function definePolicy(definition: PolicyDefinition): PolicyDefinition {
  return definition;
}
