/**
 * Runs an approved request, exactly once across replicas (cases 16, 20, 21, 23–25, 29):
 *   1. claim it in PostgreSQL (approved → executing, one `executions` row) — only the winner goes on;
 *   2. re-read the live target by planning again; if the "from" state drifted since approval, nothing runs;
 *   3. run the command under the target lock as the requester, with a heartbeat so a dead replica is noticed;
 *   4. record the result, redraw the cards, report in the requester's thread.
 * A replica that dies in step 3 leaves the request executing; the sweeper marks it needs_reconciliation.
 */
import { claimExecution } from '../approvals/claim-execution.js';
import { finishExecution } from '../approvals/finish-execution.js';
import { heartbeat } from '../approvals/heartbeat.js';
import { activeFreeze } from '../catalog.js';
import type { CommandResult, Plan, PlannedChange, Role } from '../define.js';
import { OpsError } from '../errors.js';
import type { Redactor } from '../redact/redact.js';
import type { ExecutionOutcome } from '../store/approvals.js';
import { type ApprovalRequest, getApprovalRequest } from '../store/approvals.js';
import { activeFreezes } from '../store/freezes.js';
import { finishRequest } from '../store/requests.js';
import { textOf } from './approval-text.js';
import { approverCheck } from './approver-check.js';
import { auditRun, auditStart } from './audit-run.js';
import { requiredRoleFor, resolveRoles, satisfies } from './authorize.js';
import { buildRunContext, type ContextPorts } from './build-context.js';
import type { EngineDeps } from './engine.js';
import type { Outcome } from './outcome.js';
import { redactOutcome, redactPlan } from './redact-outcome.js';
import { errorOutcome } from './report-error.js';
import { withTargetLock } from './target-lock.js';

const HEARTBEAT_MS = 10_000;
/** Errors raised before the command touched anything. */
const BEFORE_ANY_CHANGE = new Set(['refused', 'forbidden', 'target_locked', 'not_found', 'usage']);

export async function executeApproved(
  deps: EngineDeps,
  ports: ContextPorts,
  redact: Redactor,
  requestId: string,
): Promise<Outcome> {
  const settings = deps.approvals;
  const stored = await getApprovalRequest(deps.db, requestId);
  const log = deps.logger.child({ approval: requestId });
  const sandbox = deps.cluster.sandbox;
  if (!settings || !stored) {
    return errorOutcome(new OpsError('refused', `There is no approval request ${requestId}.`), requestId, sandbox, log);
  }
  const frozenNow = await activeFreezes(deps.db, stored.env);
  const claim = await claimExecution(deps.db, requestId, settings.replica, {
    eligible: approverCheck(deps, stored),
    frozen: (at) => activeFreeze(deps.catalog, stored.env, at)?.reason ?? frozenNow[0]?.reason,
  });
  if (claim.kind === 'not_claimed') {
    // 'not_approved': another replica has it, or it was decided otherwise; that replica tells everyone.
    if (claim.request && claim.reason !== 'not_approved') {
      await settings.notifier.changed(claim.request).catch((e) => log.error({ err: e }, 'card update failed'));
      await finishRequest(deps.db, requestId, 'refused', claim.message).catch(() => {});
    }
    return errorOutcome(new OpsError('refused', claim.message), requestId, sandbox, log);
  }
  const request = claim.request;
  await settings.notifier.changed(request).catch((e) => log.error({ err: e }, 'card update failed'));
  const replies = settings.notifier.repliesFor(request);
  const beat = setInterval(() => void heartbeat(deps.db, requestId).catch(() => {}), HEARTBEAT_MS);
  beat.unref();
  let outcome: Outcome;
  let finished: { outcome: ExecutionOutcome; summary: string; output?: string };
  const base = { runId: request.id, sandbox, command: request.command, env: request.env };
  const actor = { userId: request.requester, teamId: request.teamId, kind: requesterKind(request) };
  const audited = {
    text: textOf(request),
    actor,
    source: 'approval',
    ...(request.channelId ? { channelId: request.channelId } : {}),
  };
  const parsed = {
    command: deps.registry.get(request.command),
    args: request.args,
    flags: { dryRun: false },
    env: request.env,
    service: request.service,
  };
  try {
    const command = parsed.command;
    if (!command?.plan)
      throw new OpsError('refused', `The command ${request.command} no longer exists in this opsbot; nothing ran.`);
    const roles = await requesterRoles(deps, request);
    if (!satisfies(roles, requiredRoleFor(command.requiredRole, true))) {
      throw new OpsError(
        'refused',
        `The requester no longer holds the role ${requiredRoleFor(command.requiredRole, true)}; nothing ran.`,
      );
    }
    const ctx = buildRunContext(deps, ports, redact, {
      runId: request.id,
      actor,
      roles,
      replies,
      log,
      reason: request.reason ?? undefined,
      command: request.command,
      env: request.env,
    });
    const live = redactPlan(await command.plan(ctx, request.args), redact);
    const drift = driftBetween(request.plan, live);
    if (drift) {
      throw new OpsError('refused', `Target changed since approval (${drift}); nothing ran.`, {
        hint: `Check /ops status ${request.service} ${request.env}, then ask again: /ops ${textOf(request)}`,
      });
    }
    const run = async (): Promise<CommandResult> => {
      await auditStart(deps.db, audited, { ...parsed, command }, request.id);
      await replies.started?.({ ...base, plan: live });
      return command.run(ctx, request.args);
    };
    const result = await withTargetLock(
      deps.db,
      {
        env: request.env,
        service: request.service,
        runId: request.id,
        holder: request.requester,
        command: command.name,
      },
      run,
    );
    outcome = redactOutcome({ ...base, kind: 'result', result, audience: 'channel' }, redact);
    const r = (outcome as Outcome & { kind: 'result' }).result;
    finished = {
      outcome: r.ok === false ? 'failed' : 'succeeded',
      summary: r.summary,
      ...(r.details ? { output: r.details } : {}),
    };
  } catch (error) {
    outcome = redactOutcome(errorOutcome(error, request.id, sandbox, log), redact);
    const message = (outcome as Outcome & { kind: 'error' }).message;
    // Refusals happen before anything changed (drift, lock busy, roles): aborted, not failed.
    const aborted = error instanceof OpsError && BEFORE_ANY_CHANGE.has(error.code);
    finished = { outcome: aborted ? 'aborted' : 'failed', summary: message };
  } finally {
    clearInterval(beat);
  }
  const final = await finishExecution(deps.db, request.id, finished.outcome, finished.summary, {
    output: finished.output,
  });
  await auditRun(deps.db, audited, parsed.command ? { ...parsed, command: parsed.command } : undefined, outcome).catch(
    (e) => log.error({ err: e }, 'audit write failed'),
  );
  const runOutcome =
    finished.outcome === 'succeeded' ? 'succeeded' : finished.outcome === 'aborted' ? 'refused' : 'failed';
  await finishRequest(deps.db, request.id, runOutcome, finished.summary.slice(0, 1_000)).catch(() => {});
  await replies.send(outcome).catch((e) => log.error({ err: e }, 'could not report the outcome'));
  await settings.notifier.changed(final ?? request).catch((e) => log.error({ err: e }, 'card update failed'));
  deps.metrics?.commandFinished(request.command, outcome.kind === 'error' ? outcome.code : finished.outcome);
  return outcome;
}

export const requesterKind = (request: ApprovalRequest): 'schedule' | 'user' =>
  request.requester.startsWith('schedule:') ? 'schedule' : 'user';

/** Schedules act with operator rights; a person's roles are re-read now (a deactivated requester holds none). */
async function requesterRoles(deps: EngineDeps, request: ApprovalRequest): Promise<Role[]> {
  if (requesterKind(request) === 'schedule') return ['viewer', 'operator'];
  const directory = deps.directory.uncached?.() ?? deps.directory;
  return resolveRoles(deps.catalog, directory, { userId: request.requester, teamId: request.teamId });
}

const describe = (c: PlannedChange | undefined) => (c ? `${c.what}: ${c.from} → ${c.to}` : 'nothing');

/** Case 20: the approved plan's changes against a fresh plan's; undefined when they are the same. */
export function driftBetween(approved: Plan, live: Plan): string | undefined {
  const n = Math.max(approved.changes.length, live.changes.length);
  for (let i = 0; i < n; i++) {
    const a = approved.changes[i];
    const b = live.changes[i];
    const sameFrom = a?.from === b?.from || (a?.volatile === true && b?.volatile === true);
    if (a?.what === b?.what && sameFrom && a?.to === b?.to) continue;
    if (a && b && a.what === b.what && a.from !== b.from) return `${a.what} was ${a.from}, now ${b.from}`;
    return `approved ${describe(a)}; now ${describe(b)}`;
  }
  return undefined;
}
