/**
 * The executing replica renews its heartbeat while the action runs (every few seconds). False when the request
 * is no longer executing, e.g. another replica already marked it needs_reconciliation: keep going, and report
 * the result with finishExecution anyway.
 */
import { touchExecution } from '../store/approvals.js';
import type { Queryable } from '../store/db.js';

export async function heartbeat(db: Queryable, requestId: string): Promise<boolean> {
  return touchExecution(db, requestId);
}
