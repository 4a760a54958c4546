/** One sentence per state, for refusals ("This request is cancelled.") and `/ops approvals`. */
import type { ApprovalRequest } from '../store/approvals.js';

export function stateSentence(request: Pick<ApprovalRequest, 'id' | 'state'>): string {
  switch (request.state) {
    case 'pending':
      return `Request ${request.id} is waiting for approval.`;
    case 'approved':
      return `Request ${request.id} is already approved and about to run.`;
    case 'executing':
      return `Request ${request.id} is running.`;
    case 'executed':
      return `Request ${request.id} has run.`;
    case 'failed':
      return `Request ${request.id} ran and failed.`;
    case 'needs_reconciliation':
      return `Request ${request.id} needs reconciliation: it was running when its replica stopped.`;
    case 'rejected':
      return `Request ${request.id} was rejected.`;
    case 'cancelled':
      return `Request ${request.id} was cancelled.`;
    case 'expired':
      return `Request ${request.id} expired before anyone decided.`;
    case 'expired_unexecuted':
      return `Request ${request.id} expired unexecuted: it was approved but did not start in time.`;
    case 'blocked_freeze':
      return `Request ${request.id} was blocked by a change freeze.`;
  }
}
