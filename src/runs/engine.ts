/**
 * The run pipeline: parse → authorize → plan → gates (approval) → target lock
 * → execute → audit → notify. Front ends (Slack, console, schedules) hand it a request and
 * a Replies sink; it never knows which commands exist beyond the registry.
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { Catalog } from '../catalog.js';
import { resolveTarget } from '../catalog.js';
import type { CommandDefinition, CommandInfo, Plan, ReportPort, Role, RunContext, SchedulePort } from '../define.js';
import { OpsError } from '../errors.js';
import type { IncidentPort } from '../incidents/port.js';
import type { Cluster } from '../kubernetes/cluster.js';
import { createRedactor, type Redactor } from '../redact/redact.js';
import type { Registry } from '../registry/registry.js';
import type { Db } from '../store/db.js';
import { auditRun, auditStart } from './audit-run.js';
import { type Directory, requiredRoleFor, resolveRoles, satisfies } from './authorize.js';
import { type EngineFlags, usage } from './bind-args.js';
import { createFreezePort } from './freeze-port.js';
import { type Gate, refuseDuringFreeze, refuseProductionMutations } from './gates.js';
import type { Outcome, Replies } from './outcome.js';
import type { Token } from './parse-command-text.js';
import { type ParsedRequest, parseRequest } from './parse-request.js';
import { recordRunEnd, recordRunStart } from './record-run.js';
import { redactOutcome, redactPlan } from './redact-outcome.js';
import { errorOutcome } from './report-error.js';
import { fieldsOf, synopsisOf } from './schema-fields.js';
import { withTargetLock } from './target-lock.js';

export interface RunRequest {
  /** Text after /ops, e.g. "status api-gateway prod". */
  text: string;
  actor: { userId: string; teamId: string; kind?: 'user' | 'schedule' };
  channelId?: string;
  source: 'slack' | 'console' | 'modal' | 'schedule';
  /** From the modal: the chosen command and its fields as flag tokens (text is then for the audit only). */
  form?: { command: string; tokens: Token[] };
}

export interface EngineMetrics {
  commandFinished(command: string, outcome: string): void;
}

export interface EngineDeps {
  registry: Registry;
  catalog: Catalog;
  db: Db;
  cluster: Cluster;
  directory: Directory;
  logger: Logger;
  metrics?: EngineMetrics;
  gates?: Gate[];
  signal?: AbortSignal;
  /** Hides secrets in everything posted, audited or logged from a run (default: token shapes only). */
  redact?: Redactor;
  /** The scheduler, for the schedule commands; set once it has started. */
  schedules?: SchedulePort;
  /** Incidents and reports, for the incident and report commands. */
  incidents?: IncidentPort;
  reports?: ReportPort;
}

export interface Engine {
  run(request: RunRequest, replies: Replies): Promise<Outcome>;
  /** Parse and check only, for the modal's field errors. */
  parse(request: RunRequest): Promise<ParsedRequest>;
  deps: EngineDeps;
}

export const newRunId = () => `r-${randomBytes(5).toString('base64url').toLowerCase().replace(/[-_]/g, 'x')}`;

export function createEngine(deps: EngineDeps): Engine {
  const gates = deps.gates ?? [refuseDuringFreeze(deps.db, deps.catalog), refuseProductionMutations];
  const redact = deps.redact ?? createRedactor();
  const freezes = createFreezePort(deps.db, deps.catalog);

  async function run(request: RunRequest, replies: Replies): Promise<Outcome> {
    const runId = newRunId();
    const log = deps.logger.child({ runId, actor: request.actor.userId, source: request.source });
    const sandbox = deps.cluster.sandbox;
    let parsed: ParsedRequest | undefined;
    let outcome: Outcome;
    try {
      parsed = await parseRequest(deps, request);
      if (parsed.command.mutates) await recordRunStart(deps.db, runId, request, parsed, redact);
      outcome = await execute(runId, request, parsed, replies, log);
    } catch (error) {
      outcome = errorOutcome(error, runId, sandbox, log);
    }
    outcome = redactOutcome(outcome, redact);
    const audited = { ...request, text: redact(request.text) };
    await auditRun(deps.db, audited, parsed, outcome).catch((error) => log.error({ err: error }, 'audit write failed'));
    if (parsed?.command.mutates) {
      await recordRunEnd(deps.db, outcome).catch((error) => log.error({ err: error }, 'run record failed'));
    }
    deps.metrics?.commandFinished(parsed?.command.name ?? 'unknown', outcomeLabel(outcome));
    await replies.send(outcome);
    return outcome;
  }

  async function execute(
    runId: string,
    request: RunRequest,
    parsed: ParsedRequest,
    replies: Replies,
    log: Logger,
  ): Promise<Outcome> {
    const { command, args, env, flags } = parsed;
    const production = env ? (deps.catalog.environments[env]?.production ?? false) : false;
    // Schedules are reviewed as code: they may do what an operator may, never approve or administer.
    const roles: Role[] =
      request.actor.kind === 'schedule'
        ? ['viewer', 'operator']
        : await resolveRoles(deps.catalog, deps.directory, request.actor);
    const needed = requiredRoleFor(command.requiredRole, production);
    if (!satisfies(roles, needed)) {
      throw new OpsError('forbidden', `You need the ${needed} role to run ${command.name}${env ? ` in ${env}` : ''}.`, {
        hint: `Your roles: ${roles.join(', ') || 'none'}. An admin can add you under roles.${needed} in the catalog.`,
      });
    }
    const ctx = buildContext(runId, request, roles, replies, log.child({ command: command.name, env }));
    if (flags.reason) ctx.reason = flags.reason;
    const sandbox = deps.cluster.sandbox;
    const base = { runId, sandbox, command: command.name, ...(env ? { env } : {}) };
    let planned: Plan | undefined;
    if (command.mutates) {
      const plan = await (command.plan as NonNullable<CommandDefinition['plan']>)(ctx, args);
      planned = plan;
      if (flags.dryRun) return { ...base, kind: 'plan', plan, reason: 'dry-run' };
      for (const gate of gates) await gate({ command, env, production, plan, flags, request });
    } else if (flags.dryRun) {
      throw usage(command, `${command.name} changes nothing, so --dry-run has no plan to show.`);
    }
    const execute = async () => {
      if (command.mutates) {
        await auditStart(
          deps.db,
          { ...request, text: redact(request.text) },
          parsed,
          runId,
          redactPlan(planned as Plan, redact),
        );
        await replies.started?.({ ...base, plan: redactPlan(planned as Plan, redact) });
      }
      return command.run(ctx, args);
    };
    const { service } = parsed;
    const result =
      command.mutates && env && service
        ? await withTargetLock(
            deps.db,
            { env, service, runId, holder: request.actor.userId, command: command.name },
            execute,
          )
        : await execute();
    return { ...base, kind: 'result', result, audience: command.mutates ? 'channel' : 'requester' };
  }

  function buildContext(
    runId: string,
    request: RunRequest,
    roles: RunContext['actor']['roles'],
    replies: Replies,
    log: Logger,
  ): RunContext {
    const commandInfo = (c: CommandDefinition): CommandInfo => ({
      name: c.name,
      summary: c.summary,
      usage: c.usage,
      ...(c.whenToUse ? { whenToUse: c.whenToUse } : {}),
      mutates: c.mutates,
      synopsis: synopsisOf(fieldsOf(c.args, c.positional)),
      allowed: satisfies(roles, requiredRoleFor(c.requiredRole, false)),
    });
    return {
      runId,
      actor: { kind: request.actor.kind ?? 'user', userId: request.actor.userId, teamId: request.actor.teamId, roles },
      catalog: deps.catalog,
      log,
      signal: deps.signal ?? new AbortController().signal,
      progress: (text) => replies.progress(redact(text)),
      k8s: deps.cluster,
      target: (service, env) => resolveTarget(deps.catalog, service, env),
      ...(deps.schedules ? { schedules: deps.schedules } : {}),
      ...(deps.incidents ? { incidents: deps.incidents } : {}),
      ...(deps.reports ? { reports: deps.reports } : {}),
      ...(request.channelId ? { channelId: request.channelId } : {}),
      freezes,
      commands: {
        list: () => deps.registry.commands.map(commandInfo),
        get: (name) => {
          const c = deps.registry.get(name);
          return c ? commandInfo(c) : undefined;
        },
      },
    };
  }

  return { run, parse: (request) => parseRequest(deps, request), deps };
}

function outcomeLabel(outcome: Outcome): string {
  if (outcome.kind === 'error') return outcome.code;
  if (outcome.kind === 'plan') return 'planned';
  return outcome.result.ok === false ? 'failed' : 'succeeded';
}

export type { EngineFlags };
