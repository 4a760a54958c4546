/**
 * `/ops approvals`: pending requests (not past their TTL by the database clock) that this person could still
 * decide: not their own, not already decided by them. Whether they are eligible for each request's service is
 * the caller's filter (eligibleApprover), as it needs the Directory.
 */
import { type ApprovalRequest, listPendingRequests } from '../store/approvals.js';
import type { Queryable } from '../store/db.js';

export async function listPendingFor(
  db: Queryable,
  who: { userId: string; person: string },
  options: { limit?: number } = {},
): Promise<ApprovalRequest[]> {
  return listPendingRequests(db, {
    excludePerson: who.person,
    excludeUser: who.userId,
    limit: clampLimit(options.limit),
  });
}

/** The person's own pending requests (what counts against the cap of 3). */
export async function listPendingOf(
  db: Queryable,
  requesterPerson: string,
  options: { limit?: number } = {},
): Promise<ApprovalRequest[]> {
  return listPendingRequests(db, { requesterPerson, limit: clampLimit(options.limit) });
}

const clampLimit = (limit = 50) => Math.min(Math.max(Math.trunc(limit), 1), 200);
