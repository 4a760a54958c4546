/**
 * The run pipeline: parse → authorize → plan → gates (approval) → target lock
 * → execute → audit → notify. Front ends (Slack, console, schedules) hand it a request and
 * a Replies sink; it never knows which commands exist beyond the registry.
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { policyFor } from '../approvals/policy-for.js';
import type { Catalog } from '../catalog.js';
import type { CommandDefinition, Plan, ReportPort, Role, SchedulePort } from '../define.js';
import { OpsError } from '../errors.js';
import type { IncidentPort } from '../incidents/port.js';
import type { Cluster } from '../kubernetes/cluster.js';
import { createRedactor, type Redactor } from '../redact/redact.js';
import type { Registry } from '../registry/registry.js';
import type { ScriptRunner } from '../scripts/script-runner.js';
import type { Db } from '../store/db.js';
import type { ApprovalSettings } from './approval-notifier.js';
import { createApprovalPort } from './approval-port.js';
import { createAuditPort } from './audit-port.js';
import { auditRun, auditStart } from './audit-run.js';
import { type Directory, requiredRoleFor, resolveRoles, satisfies } from './authorize.js';
import { type EngineFlags, usage } from './bind-args.js';
import { buildRunContext, type ContextPorts } from './build-context.js';
import { type CancelAnswer, cancelRun } from './cancel-run.js';
import { executeApproved } from './execute-approved.js';
import { createFreezePort } from './freeze-port.js';
import { type Gate, refuseDuringFreeze } from './gates.js';
import { openApproval } from './open-approval.js';
import type { Outcome, Replies } from './outcome.js';
import type { Token } from './parse-command-text.js';
import { type ParsedRequest, parseRequest } from './parse-request.js';
import { recordRunEnd, recordRunStart } from './record-run.js';
import { redactOutcome, redactPlan } from './redact-outcome.js';
import { errorOutcome } from './report-error.js';
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
  /** The approval engine's front-end side (cards, replies); without it, changes needing approval are refused. */
  approvals?: ApprovalSettings;
  /** Runs runbook scripts under SCRIPTS_DIR (absent: script commands say scripts are not available). */
  scripts?: ScriptRunner;
  /** Reads one variable of opsbot's environment (databaseUrlEnv values, helm's KUBECONFIG). */
  variable?: (name: string) => string | undefined;
  /** Incidents and reports, for the incident and report commands. */
  incidents?: IncidentPort;
  reports?: ReportPort;
}

export interface Engine {
  run(request: RunRequest, replies: Replies): Promise<Outcome>;
  /** Parse and check only, for the modal's field errors. */
  parse(request: RunRequest): Promise<ParsedRequest>;
  /** Runs an approved request if this replica wins its claim (any replica may call it; one runs it). */
  executeApproved(requestId: string): Promise<Outcome>;
  /** The Cancel button of a run's progress message, from whichever replica got the click. */
  cancel(runId: string, actor: { userId: string; teamId: string }): Promise<CancelAnswer>;
  deps: EngineDeps;
}

export const newRunId = () => `r-${randomBytes(5).toString('base64url').toLowerCase().replace(/[-_]/g, 'x')}`;

export function createEngine(deps: EngineDeps): Engine {
  const gates = deps.gates ?? [refuseDuringFreeze(deps.db, deps.catalog)];
  const redact = deps.redact ?? createRedactor();
  // Runs in progress on this replica that a Cancel button may stop, by run id.
  const live = new Map<string, AbortController>();
  const run_ = (id: string) => executeApproved(deps, ports, redact, id);
  const ports: ContextPorts = {
    live,
    freezes: createFreezePort(deps.db, deps.catalog),
    audit: createAuditPort(deps),
    // Read when a context is built: deps.approvals may be set after the engine is created.
    get approvals() {
      return deps.approvals ? createApprovalPort(deps, run_) : undefined;
    },
  };

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
    const ctx = buildRunContext(deps, ports, redact, {
      runId,
      actor: request.actor,
      roles,
      replies,
      log: log.child({ command: command.name, env }),
      reason: flags.reason,
      channelId: request.channelId,
      command: command.name,
      env,
    });
    const sandbox = deps.cluster.sandbox;
    const base = { runId, sandbox, command: command.name, ...(env ? { env } : {}) };
    let planned: Plan | undefined;
    if (command.mutates) {
      const plan = await (command.plan as NonNullable<CommandDefinition['plan']>)(ctx, args);
      planned = plan;
      if (flags.dryRun) return { ...base, kind: 'plan', plan, reason: 'dry-run' };
      for (const gate of gates) await gate({ command, env, production, plan, flags, request });
      const choice =
        env && production
          ? policyFor(deps.registry.policies, { command, env, production, tier: tierOf(parsed.service) })
          : undefined;
      if (production && !choice) {
        // Fail closed: startOpsbot refuses to boot with such a gap, but an engine built otherwise must not run it.
        throw new OpsError(
          'refused',
          `Nothing was changed: ${command.name} in ${env} needs a second person's approval, and no policy in approvals/ says who may give it.`,
          {
            hint: 'An admin adds a policy to approvals/ (see approvals/production-changes.ts).',
          },
        );
      }
      const needsApproval = choice !== undefined && choice.policy.require.approvals > 0;
      // Schedules are reviewed as code; a policy must say so explicitly for their runs to skip the card.
      const preapproved = request.actor.kind === 'schedule' && choice?.policy.schedules === 'preapproved';
      if (flags.breakGlass !== undefined && !needsApproval) {
        throw usage(
          command,
          `--break-glass is for production changes that need approval; ${command.name} in ${env ?? 'this environment'} does not. Run it without --break-glass.`,
        );
      }
      if ((needsApproval && !preapproved) || flags.breakGlass !== undefined) {
        const service = parsed.service ?? targetOf(command, parsed.args, env);
        if (!env || !choice) throw new OpsError('config', `${command.name} needs approval but names no environment.`);
        return openApproval(deps, {
          runId,
          request,
          parsed: { ...parsed, env, service },
          plan: redactPlan(plan, redact),
          roles,
          choice,
          log,
          executeApproved: run_,
        });
      }
    } else if (flags.breakGlass !== undefined) {
      throw usage(command, `${command.name} changes nothing, so it needs no --break-glass.`);
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
    // One change per target at a time: a service, or what a command without one says it acts on.
    const lockOn = command.mutates && env ? (parsed.service ?? targetOf(command, parsed.args, env)) : undefined;
    const result =
      env && lockOn
        ? await withTargetLock(
            deps.db,
            { env, service: lockOn, runId, holder: request.actor.userId, command: command.name },
            execute,
          )
        : await execute();
    return { ...base, kind: 'result', result, audience: command.mutates ? 'channel' : 'requester' };
  }

  // What a change without a service acts on, for approvals and locks: what the command says (restore: the
  // database), else its first other argument (a flag, a release, a pid), else "all".
  const targetOf = (command: CommandDefinition, args: Record<string, unknown>, env: string | undefined) =>
    command.target?.(args) ??
    String(Object.values(args).find((v) => (typeof v === 'string' || typeof v === 'number') && v !== env) ?? 'all');

  const tierOf = (service: string | undefined) => (service && deps.catalog.services[service]?.tier) || 'standard';

  return {
    run,
    parse: (request) => parseRequest(deps, request),
    executeApproved: run_,
    cancel: (runId, actor) => cancelRun({ ...deps, live }, runId, actor),
    deps,
  };
}

function outcomeLabel(outcome: Outcome): string {
  if (outcome.kind === 'error') return outcome.code;
  if (outcome.kind === 'plan') return 'planned';
  if (outcome.kind === 'approval') return 'awaiting_approval';
  return outcome.result.ok === false ? 'failed' : 'succeeded';
}

export type { EngineFlags };
