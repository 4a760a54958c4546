/**
 * One audit event per transition (and per refused or recorded decision), written last in the transaction so
 * the chain head is locked only briefly. Kind 'approval.<what>'; the payload carries the request id, the actor
 * as a person, the params hash and the database time the decision was taken at.
 */
import type { ApprovalRequest, ApprovalState } from '../store/approvals.js';
import { appendAudit } from '../store/audit.js';
import type { Queryable } from '../store/db.js';

export interface ApprovalAuditDetails {
  actor: { userId: string; teamId?: string | null | undefined; person?: string | undefined };
  /** The state before, for transitions. */
  from?: ApprovalState | undefined;
  /** now() of the transaction that decided. */
  dbNow: Date;
  payload?: Record<string, unknown> | undefined;
}

/** The audit kind of a transition into `to` ('approval.approved', …; back to pending is 'approval.reopened'). */
export function transitionKind(from: ApprovalState | undefined, to: ApprovalState): string {
  if (from === undefined) return to === 'pending' ? 'approval.requested' : 'approval.break_glass';
  if (to === 'pending') return 'approval.reopened';
  return `approval.${to}`;
}

export async function auditApproval(
  q: Queryable,
  kind: string,
  request: ApprovalRequest,
  details: ApprovalAuditDetails,
): Promise<void> {
  await appendAudit(q, {
    actor: details.actor.userId,
    teamId: details.actor.teamId ?? null,
    kind,
    command: request.command,
    environment: request.env,
    target: request.service,
    requestId: request.id,
    payload: {
      ...(details.from === undefined ? {} : { from: details.from }),
      state: request.state,
      actorPerson: details.actor.person ?? null,
      paramsHash: request.paramsHash,
      breakGlass: request.breakGlass,
      dbTime: details.dbNow.toISOString(),
      ...details.payload,
    },
  });
}

/** A decision or cancel naming a request that does not exist: refused, and the attempt is on the trail. */
export async function auditUnknownRequest(
  q: Queryable,
  input: { requestId: string; actor: { userId: string; teamId: string }; person: string },
  action: string,
): Promise<void> {
  await appendAudit(q, {
    actor: input.actor.userId,
    teamId: input.actor.teamId,
    kind: 'approval.refused',
    requestId: input.requestId,
    payload: { action, refusal: 'not_found', actorPerson: input.person },
  });
}
