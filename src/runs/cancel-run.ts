/**
 * A Cancel click: only the requester or someone holding the role the command needs may cancel; the
 * request is claimed in PostgreSQL (one per run), audited, and the run on whichever replica stops.
 */
import type { Catalog } from '../catalog.js';
import type { Registry } from '../registry/registry.js';
import { appendAudit } from '../store/audit.js';
import { getCancellableRun, requestCancel } from '../store/cancellable-runs.js';
import type { Db } from '../store/db.js';
import { type Directory, requiredRoleFor, resolveRoles, satisfies } from './authorize.js';

export interface CancelDeps {
  db: Db;
  catalog: Catalog;
  directory: Directory;
  registry: Registry;
  live: Map<string, AbortController>;
}

export interface CancelAnswer {
  cancelled: boolean;
  message: string;
}

export async function cancelRun(
  deps: CancelDeps,
  runId: string,
  actor: { userId: string; teamId: string },
): Promise<CancelAnswer> {
  const run = await getCancellableRun(deps.db, runId);
  if (!run) return { cancelled: false, message: `Run ${runId} is not running anything that can be cancelled.` };
  const what = `${run.command}${run.environment ? ` in ${run.environment}` : ''} (run ${runId})`;
  if (run.finishedAt) return { cancelled: false, message: `${what} has already finished.` };
  if (run.cancelRequestedBy) {
    return { cancelled: false, message: `${what} is already being cancelled by <@${run.cancelRequestedBy}>.` };
  }
  if (actor.userId !== run.requester) {
    const command = deps.registry.get(run.command);
    const production = run.environment ? (deps.catalog.environments[run.environment]?.production ?? false) : false;
    const needed = command ? requiredRoleFor(command.requiredRole, production) : 'admin';
    const roles = await resolveRoles(deps.catalog, deps.directory, actor);
    if (!satisfies(roles, needed)) {
      return {
        cancelled: false,
        message: `Only <@${run.requester}> or someone with the ${needed} role can cancel ${what}.`,
      };
    }
  }
  if (!(await requestCancel(deps.db, runId, actor.userId))) {
    return { cancelled: false, message: `${what} had already finished or was being cancelled.` };
  }
  await appendAudit(deps.db, {
    actor: actor.userId,
    teamId: actor.teamId,
    kind: 'command.cancel_requested',
    command: run.command,
    environment: run.environment,
    requestId: runId,
    payload: { requester: run.requester },
  });
  deps.live.get(runId)?.abort();
  return { cancelled: true, message: `Cancelling ${what}…` };
}
