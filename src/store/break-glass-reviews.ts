/** Rows of break_glass_reviews (migration 006): one per break-glass change, open until another approver acknowledges it. */
import type { Queryable } from './db.js';

export interface BreakGlassReview {
  requestId: string;
  dueAt: Date;
  acknowledgedBy: string | null;
  acknowledgedAt: Date | null;
}

const COLUMNS = `request_id as "requestId", due_at as "dueAt", acknowledged_by as "acknowledgedBy",
  acknowledged_at as "acknowledgedAt"`;

export async function openBreakGlassReview(q: Queryable, requestId: string): Promise<void> {
  await q.query('insert into break_glass_reviews (request_id) values ($1) on conflict do nothing', [requestId]);
}

/** Records the acknowledgement once; null when it was already acknowledged (or there is no such review). */
export async function acknowledgeReview(
  q: Queryable,
  requestId: string,
  by: string,
  note: string | null,
): Promise<BreakGlassReview | null> {
  const { rows } = await q.query<BreakGlassReview>(
    `update break_glass_reviews set acknowledged_by = $2, acknowledged_at = now(), note = $3
     where request_id = $1 and acknowledged_at is null returning ${COLUMNS}`,
    [requestId, by, note],
  );
  return rows[0] ?? null;
}

export async function getReview(q: Queryable, requestId: string): Promise<BreakGlassReview | null> {
  const { rows } = await q.query<BreakGlassReview>(`select ${COLUMNS} from break_glass_reviews where request_id = $1`, [
    requestId,
  ]);
  return rows[0] ?? null;
}

export async function listOpenReviews(q: Queryable): Promise<BreakGlassReview[]> {
  const { rows } = await q.query<BreakGlassReview>(
    `select ${COLUMNS} from break_glass_reviews where acknowledged_at is null order by due_at`,
  );
  return rows;
}

/** Overdue reviews not yet reported, claimed in one statement so only one replica reports each. */
export async function claimOverdueReviews(q: Queryable): Promise<string[]> {
  const { rows } = await q.query<{ requestId: string }>(
    `update break_glass_reviews set overdue_reported_at = now()
     where acknowledged_at is null and overdue_reported_at is null and due_at <= now()
     returning request_id as "requestId"`,
  );
  return rows.map((r) => r.requestId);
}
