/**
 * Claim before acting (cases 24, 25): in one transaction, lock the request, re-validate what can be checked
 * in the database (the approval is fresh by now(), the params hash still matches the stored request, the
 * approvers are still eligible, no freeze), then move it approved → executing with a conditional UPDATE and
 * insert its one `executions` row (unique). Only the caller that gets `claimed` may call the deploy API, with
 * `execution.idempotencyKey` (the request id). Re-reading the live target (case 20) comes next, outside this
 * transaction; if it drifted, finish the execution as 'aborted' without running anything.
 */
import {
  type ApprovalRequest,
  claimRequest,
  type Execution,
  findPending,
  insertExecution,
  listDecisions,
  lockApprovalRequest,
  type TransitionChanges,
  transitionRequest,
} from '../store/approvals.js';
import type { Db, Queryable } from '../store/db.js';
import { auditApproval, transitionKind } from './audit-approval.js';
import { countEligibleApprovals } from './decide.js';
import { paramsHash } from './params-hash.js';
import { stateSentence } from './state-text.js';
import { type EligibilityCheck, SYSTEM_ACTOR } from './types.js';

export interface ClaimOptions {
  /**
   * Case 16: re-count the approvals with current eligibility. When fewer than the quorum remain, the request
   * goes back to pending (or, past its TTL or with another request pending for the target, expires unexecuted).
   */
  eligible?: Exclude<EligibilityCheck, boolean> | undefined;
  /**
   * Case 21: the reason of a change freeze in effect at `at` (the database time), if any. Break-glass requests
   * are not blocked.
   */
  frozen?: ((at: Date, request: ApprovalRequest) => string | undefined) | undefined;
}

export type ClaimRefusal = 'not_found' | 'not_approved' | 'expired' | 'params_mismatch' | 'quorum_lost' | 'frozen';

export type ClaimResult =
  | { kind: 'claimed'; request: ApprovalRequest; execution: Execution }
  | { kind: 'not_claimed'; reason: ClaimRefusal; message: string; request: ApprovalRequest | null };

export async function claimExecution(
  db: Db,
  requestId: string,
  replica: string,
  options: ClaimOptions = {},
): Promise<ClaimResult> {
  return db.transaction(async (tx) => {
    const locked = await lockApprovalRequest(tx, requestId);
    if (!locked) return notClaimed('not_found', `There is no approval request ${requestId}.`, null);
    const { request, dbNow } = locked;
    // Another replica claimed it, or it was decided otherwise: nothing to do, and nothing to audit.
    if (request.state !== 'approved') return notClaimed('not_approved', stateSentence(request), request);

    const end = async (reason: ClaimRefusal, changes: TransitionChanges, payload: Record<string, unknown> = {}) => {
      const moved = await move(tx, request, changes, dbNow, { replica, ...payload });
      return notClaimed(reason, moved.summary ?? stateSentence(moved), moved);
    };

    if (locked.windowLapsed) {
      return end('expired', {
        to: 'expired_unexecuted',
        finished: true,
        summary: `Expired unexecuted: approved at ${request.approvedAt?.toISOString()}, but not started within ${request.approvalWindowSeconds / 60} minutes; nothing ran.`,
      });
    }
    if (paramsHash(request) !== request.paramsHash) {
      return end('params_mismatch', {
        to: 'cancelled',
        finished: true,
        summary: 'Cancelled: the stored request no longer matches the hash it was approved for; nothing ran.',
      });
    }
    if (options.eligible) {
      const approvals = (await listDecisions(tx, request.id)).filter((d) => d.decision === 'approve');
      const still = await countEligibleApprovals(approvals, options.eligible, undefined, request);
      if (still.length < request.quorum) {
        const payload = { approvers: still, quorum: request.quorum };
        const blocked = locked.pendingExpired || (await findPending(tx, request.service, request.env)) !== null;
        if (blocked) {
          return end(
            'quorum_lost',
            {
              to: 'expired_unexecuted',
              finished: true,
              summary: `Expired unexecuted: only ${still.length} of ${request.quorum} approvers are still eligible; nothing ran.`,
            },
            payload,
          );
        }
        return end(
          'quorum_lost',
          {
            to: 'pending',
            approvedAt: 'clear',
            summary: `Back to pending: only ${still.length} of ${request.quorum} approvers are still eligible.`,
          },
          payload,
        );
      }
    }
    const freeze = request.breakGlass ? undefined : options.frozen?.(dbNow, request);
    if (freeze !== undefined) {
      return end('frozen', { to: 'blocked_freeze', finished: true, summary: `Blocked by a change freeze: ${freeze}` });
    }

    const claimed = await claimRequest(tx, request.id);
    if (!claimed) throw new Error(`approval request ${request.id} could not be claimed while locked`);
    const execution = await insertExecution(tx, request.id, replica);
    await auditApproval(tx, 'approval.executing', claimed.request, {
      actor: { userId: SYSTEM_ACTOR },
      from: 'approved',
      dbNow,
      payload: { replica, idempotencyKey: execution.idempotencyKey },
    });
    return { kind: 'claimed', request: claimed.request, execution };
  });
}

async function move(
  q: Queryable,
  request: ApprovalRequest,
  changes: TransitionChanges,
  dbNow: Date,
  payload: Record<string, unknown>,
): Promise<ApprovalRequest> {
  const moved = await transitionRequest(q, request.id, [request.state], changes);
  if (!moved) throw new Error(`approval request ${request.id} changed state while locked`);
  await auditApproval(q, transitionKind(request.state, moved.request.state), moved.request, {
    actor: { userId: SYSTEM_ACTOR },
    from: request.state,
    dbNow,
    payload: { reason: changes.summary, ...payload },
  });
  return moved.request;
}

function notClaimed(reason: ClaimRefusal, message: string, request: ApprovalRequest | null): ClaimResult {
  return { kind: 'not_claimed', reason, message, request };
}
