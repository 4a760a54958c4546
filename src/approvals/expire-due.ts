/**
 * The sweeper (any replica, any time, as often as wanted): pending requests past their TTL become `expired`,
 * approved requests not started within their window become `expired_unexecuted` (case 23). The database clock
 * decides (case 22). Rows locked by a decision in progress are skipped; that decision checks expiry itself.
 * Returns the changed requests so the caller can update their cards.
 */
import { type ApprovalRequest, type ApprovalState, lockDue, transitionRequest } from '../store/approvals.js';
import type { Db, Queryable } from '../store/db.js';
import { auditApproval, transitionKind } from './audit-approval.js';
import { SYSTEM_ACTOR } from './types.js';

export async function expireDue(db: Db): Promise<ApprovalRequest[]> {
  return db.transaction(async (tx) => {
    const moved = [...(await expireLocked(tx, 'pending-expired')), ...(await expireLocked(tx, 'approval-lapsed'))];
    await auditExpired(tx, moved);
    return moved.map((m) => m.request);
  });
}

export interface Expired {
  request: ApprovalRequest;
  from: ApprovalState;
  dbNow: Date;
}

/**
 * Expires what is due (all of it, or only that of one (service, env) or requester). Audit the result with
 * auditExpired, last in the transaction.
 */
export async function expireLocked(
  q: Queryable,
  due: 'pending-expired' | 'approval-lapsed',
  only?: { service: string; env: string; requesterPerson: string },
): Promise<Expired[]> {
  const from: ApprovalState = due === 'pending-expired' ? 'pending' : 'approved';
  const changed: Expired[] = [];
  for (const id of await lockDue(q, due, only)) {
    const moved =
      due === 'pending-expired'
        ? await transitionRequest(q, id, [from], {
            to: 'expired',
            finished: true,
            summary: 'Expired: nobody decided before the request’s time ran out.',
          })
        : await transitionRequest(q, id, [from], {
            to: 'expired_unexecuted',
            finished: true,
            summary: 'Expired unexecuted: approved, but not started in time; nothing ran.',
          });
    if (moved) changed.push({ ...moved, from });
  }
  return changed;
}

/** One audit event per expired request. */
export async function auditExpired(q: Queryable, expired: readonly Expired[]): Promise<void> {
  for (const { request, from, dbNow } of expired) {
    await auditApproval(q, transitionKind(from, request.state), request, {
      actor: { userId: SYSTEM_ACTOR },
      from,
      dbNow,
    });
  }
}
