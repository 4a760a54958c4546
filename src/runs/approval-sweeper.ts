/**
 * Keeps approval requests honest when nobody clicks (any replica, every few seconds; each change is claimed
 * in PostgreSQL, so each card is redrawn once):
 *   - pending past its TTL → expired; approved but not started in time → expired_unexecuted (cases 22, 23);
 *   - executing with a lapsed heartbeat → needs_reconciliation, never re-run (case 29);
 *   - a pending request whose requester's account is gone → cancelled (case 39);
 *   - a pending request at half its time to live → one reminder to approvers;
 *   - a break-glass review past its 24 hours → reported once.
 */
import type { Logger } from 'pino';
import { cancel } from '../approvals/cancel.js';
import { expireDue } from '../approvals/expire-due.js';
import { reconcileStale } from '../approvals/reconcile-stale.js';
import { SYSTEM_ACTOR } from '../approvals/types.js';
import { claimDueReminders } from '../store/approval-reminders.js';
import { type ApprovalRequest, getApprovalRequest, listPendingRequests } from '../store/approvals.js';
import { claimOverdueReviews } from '../store/break-glass-reviews.js';
import type { Db } from '../store/db.js';
import type { ApprovalNotifier } from './approval-notifier.js';
import type { Directory } from './authorize.js';

export interface SweeperOptions {
  db: Db;
  directory: Directory;
  notifier: ApprovalNotifier;
  logger: Logger;
  everyMs?: number;
  /** An executing request whose replica has not reported for this long needs reconciliation. */
  heartbeatTimeoutSeconds?: number;
}

export async function sweepApprovals(options: SweeperOptions): Promise<ApprovalRequest[]> {
  const { db, notifier } = options;
  const changed = [
    ...(await expireDue(db)),
    ...(await reconcileStale(db, { heartbeatTimeoutSeconds: options.heartbeatTimeoutSeconds ?? 60 })),
  ];
  for (const request of await listPendingRequests(db, { limit: 100 })) {
    if (request.requester.startsWith('schedule:')) continue;
    const user = await (options.directory.uncached?.() ?? options.directory).user(request.requester).catch(() => null);
    // undefined: Slack says there is no such user; null: Slack did not answer (try again next sweep).
    if (user === null || (user && !user.deleted)) continue;
    const outcome = await cancel(db, {
      requestId: request.id,
      actor: { userId: SYSTEM_ACTOR, teamId: request.teamId },
      person: SYSTEM_ACTOR,
      isApprover: true,
      reason: 'the requester’s Slack account was deactivated',
    });
    if (outcome.kind === 'cancelled') changed.push(outcome.request);
  }
  for (const request of changed) await notifier.changed(request);
  for (const id of await claimDueReminders(db)) {
    const request = await getApprovalRequest(db, id);
    if (request?.state === 'pending') await notifier.reminder(request);
  }
  for (const id of await claimOverdueReviews(db)) {
    const request = await getApprovalRequest(db, id);
    if (request) await notifier.reviewOverdue(request);
  }
  return changed;
}

export function startApprovalSweeper(options: SweeperOptions): { stop(): void } {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    sweepApprovals(options)
      .catch((error) => options.logger.error({ err: error }, 'approval sweep failed'))
      .finally(() => {
        running = false;
      });
  }, options.everyMs ?? 15_000);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
