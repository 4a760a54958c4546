/**
 * Records how an execution ended: executing → executed (succeeded) or failed (failed, or aborted before any
 * change, e.g. the target drifted: case 20). A replica that was declared stale (needs_reconciliation) but was
 * only slow may still report here: what really happened beats "unknown". Null when the request is in neither
 * state (already finished, or never claimed), so a repeated call changes nothing.
 */
import {
  type ApprovalRequest,
  type ExecutionOutcome,
  finishExecutionRow,
  lockApprovalRequest,
  transitionRequest,
} from '../store/approvals.js';
import type { Db } from '../store/db.js';
import { auditApproval } from './audit-approval.js';
import { SYSTEM_ACTOR } from './types.js';

/** The end of the output is kept: that is where errors are. */
export const OUTPUT_EXCERPT_CHARS = 4000;

export async function finishExecution(
  db: Db,
  requestId: string,
  outcome: ExecutionOutcome,
  summary: string,
  options: { output?: string | undefined } = {},
): Promise<ApprovalRequest | null> {
  return db.transaction(async (tx) => {
    const locked = await lockApprovalRequest(tx, requestId);
    if (!locked) return null;
    const from = locked.request.state;
    if (from !== 'executing' && from !== 'needs_reconciliation') return null;
    const to = outcome === 'succeeded' ? 'executed' : 'failed';
    const moved = await transitionRequest(tx, requestId, [from], { to, finished: true, outcome, summary });
    if (!moved) throw new Error(`approval request ${requestId} changed state while locked`);
    const excerpt = options.output === undefined ? null : options.output.slice(-OUTPUT_EXCERPT_CHARS);
    const execution = await finishExecutionRow(tx, requestId, outcome, excerpt);
    await auditApproval(tx, `approval.${to}`, moved.request, {
      actor: { userId: SYSTEM_ACTOR },
      from,
      dbNow: locked.dbNow,
      payload: {
        outcome,
        summary,
        replica: execution?.replica ?? null,
        ...(from === 'needs_reconciliation' ? { late: true } : {}),
      },
    });
    return moved.request;
  });
}
