/**
 * Crash mid-execution (case 29): an executing request whose heartbeat lapsed becomes needs_reconciliation and
 * is returned so the caller can tell the channel. It is NEVER re-run: the action may or may not have happened,
 * and only a human looking at the target can say (the deploy API got the request id as idempotency key).
 */
import { type ApprovalRequest, lockStaleExecutions, transitionRequest } from '../store/approvals.js';
import type { Db } from '../store/db.js';
import { auditApproval } from './audit-approval.js';
import { SYSTEM_ACTOR } from './types.js';

export async function reconcileStale(db: Db, options: { heartbeatTimeoutSeconds: number }): Promise<ApprovalRequest[]> {
  if (!(options.heartbeatTimeoutSeconds > 0)) throw new RangeError('heartbeatTimeoutSeconds must be positive');
  return db.transaction(async (tx) => {
    const moved: { request: ApprovalRequest; dbNow: Date; replica: string; heartbeatAt: Date }[] = [];
    for (const stale of await lockStaleExecutions(tx, options.heartbeatTimeoutSeconds)) {
      const m = await transitionRequest(tx, stale.id, ['executing'], {
        to: 'needs_reconciliation',
        summary:
          `Needs reconciliation: replica ${stale.replica} stopped reporting while running it ` +
          `(last heartbeat ${stale.heartbeatAt.toISOString()}). It may or may not have run; opsbot will not ` +
          'run it again. Check the target, then run a new request if needed.',
      });
      if (m) moved.push({ ...m, replica: stale.replica, heartbeatAt: stale.heartbeatAt });
    }
    for (const m of moved) {
      await auditApproval(tx, 'approval.needs_reconciliation', m.request, {
        actor: { userId: SYSTEM_ACTOR },
        from: 'executing',
        dbNow: m.dbNow,
        payload: { replica: m.replica, lastHeartbeat: m.heartbeatAt.toISOString() },
      });
    }
    return moved.map((m) => m.request);
  });
}
