/** The half-TTL reminders of pending approval requests (migration 007). */
import type { Queryable } from './db.js';

/**
 * Pending requests past half their time to live that have not been reminded about, claimed in one statement
 * (the insert's primary key), so each reminder is sent once whichever replica sweeps.
 */
export async function claimDueReminders(q: Queryable): Promise<string[]> {
  const { rows } = await q.query<{ id: string }>(
    `insert into approval_reminders (request_id)
     select id from approval_requests
     where state = 'pending' and now() >= created_at + (expires_at - created_at) / 2 and now() < expires_at
     on conflict do nothing
     returning request_id as id`,
  );
  return rows.map((r) => r.id);
}
