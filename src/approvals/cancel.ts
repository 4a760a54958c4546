/**
 * Cancel (case 33): the requester (as a person) or an approver, while the request is pending or approved; never
 * once it is executing. The row lock serialises it with decisions and claims (case 30): whichever commits first
 * wins, and the other sees the new state.
 */
import { type ApprovalRequest, lockApprovalRequest, transitionRequest } from '../store/approvals.js';
import type { Db } from '../store/db.js';
import { auditApproval, auditUnknownRequest } from './audit-approval.js';
import { stateSentence } from './state-text.js';
import type { SlackActor } from './types.js';

export interface CancelInput {
  requestId: string;
  actor: SlackActor;
  /** personOf(catalog, actor.userId). */
  person: string;
  /** eligibleApprover(…) for the request's service, computed by the caller. */
  isApprover: boolean;
  reason?: string | undefined;
}

export type CancelRefusal = 'not_found' | 'not_cancellable' | 'expired' | 'not_allowed';

export type CancelOutcome =
  | { kind: 'cancelled'; request: ApprovalRequest; message: string }
  | { kind: 'refused'; reason: CancelRefusal; message: string; request: ApprovalRequest | null };

export async function cancel(db: Db, input: CancelInput): Promise<CancelOutcome> {
  return db.transaction(async (tx) => {
    const locked = await lockApprovalRequest(tx, input.requestId);
    if (!locked) {
      await auditUnknownRequest(tx, input, 'cancel');
      return {
        kind: 'refused',
        reason: 'not_found',
        message: `There is no approval request ${input.requestId}.`,
        request: null,
      };
    }
    const { request, dbNow } = locked;
    const actor = { ...input.actor, person: input.person };
    const refuse = async (reason: CancelRefusal, message: string, current: ApprovalRequest = request) => {
      await auditApproval(tx, 'approval.refused', current, {
        actor,
        dbNow,
        payload: { action: 'cancel', refusal: reason },
      });
      return { kind: 'refused' as const, reason, message, request: current };
    };

    if (request.state !== 'pending' && request.state !== 'approved') {
      const why = request.state === 'executing' ? ' It can no longer be cancelled.' : '';
      return refuse('not_cancellable', `${stateSentence(request)}${why}`);
    }
    const isRequester = input.person === request.requesterPerson || input.actor.userId === request.requester;
    if (!isRequester && !input.isApprover) {
      return refuse('not_allowed', 'Only the requester or an approver can cancel this request; nothing changed.');
    }
    // Past its time, it is expired rather than cancelled: say what really happened.
    const lapsed = request.state === 'pending' ? locked.pendingExpired : locked.windowLapsed;
    if (lapsed) {
      const to = request.state === 'pending' ? 'expired' : 'expired_unexecuted';
      const moved = await transitionRequest(tx, request.id, [request.state], {
        to,
        finished: true,
        summary:
          to === 'expired'
            ? 'Expired: nobody decided before the request’s time ran out.'
            : 'Expired unexecuted: approved, but not started in time; nothing ran.',
      });
      if (!moved) throw new Error(`approval request ${request.id} changed state while locked`);
      await auditApproval(tx, `approval.${to}`, moved.request, {
        actor,
        from: request.state,
        dbNow,
        payload: { noticedBy: 'cancel' },
      });
      return { kind: 'refused', reason: 'expired', message: `${stateSentence(moved.request)}`, request: moved.request };
    }

    const reason = input.reason?.trim().slice(0, 500) || null;
    const by = isRequester ? 'the requester' : 'an approver';
    const moved = await transitionRequest(tx, request.id, [request.state], {
      to: 'cancelled',
      finished: true,
      summary: `Cancelled by ${by}${reason ? `: ${reason}` : '.'}`,
    });
    if (!moved) throw new Error(`approval request ${request.id} changed state while locked`);
    await auditApproval(tx, 'approval.cancelled', moved.request, {
      actor,
      from: request.state,
      dbNow,
      payload: { by: isRequester ? 'requester' : 'approver', reason },
    });
    return { kind: 'cancelled', request: moved.request, message: 'Cancelled; nothing will run.' };
  });
}
