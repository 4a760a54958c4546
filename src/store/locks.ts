/**
 * Target locks held in PostgreSQL rows with a lease (no advisory locks: they
 * exclude nothing on PGlite). Acquiring is one statement: insert, or take over
 * a lock whose lease has lapsed; the database clock decides what has lapsed.
 */
import type { Queryable } from './db.js';

export interface LockHolder {
  target: string;
  runId: string;
  holder: string;
  command: string;
  replica: string;
  acquiredAt: Date;
  expiresAt: Date;
}

export type AcquireResult = { acquired: true } | { acquired: false; heldBy: LockHolder };

const COLUMNS = `target, run_id as "runId", holder, command, replica, acquired_at as "acquiredAt", expires_at as "expiresAt"`;

export async function acquireLock(
  q: Queryable,
  lock: { target: string; runId: string; holder: string; command: string; replica: string; leaseSeconds: number },
): Promise<AcquireResult> {
  const taken = await q.query(
    `insert into target_locks (target, run_id, holder, command, replica, expires_at)
     values ($1, $2, $3, $4, $5, now() + make_interval(secs => $6))
     on conflict (target) do update
       set run_id = excluded.run_id, holder = excluded.holder, command = excluded.command,
           replica = excluded.replica, acquired_at = now(), expires_at = excluded.expires_at
       where target_locks.expires_at < now()
     returning target`,
    [lock.target, lock.runId, lock.holder, lock.command, lock.replica, lock.leaseSeconds],
  );
  if (taken.rowCount === 1) return { acquired: true };
  const { rows } = await q.query<LockHolder>(`select ${COLUMNS} from target_locks where target = $1`, [lock.target]);
  // Released between the two statements: try once more rather than report a holder that is gone.
  if (!rows[0]) return acquireLock(q, lock);
  return { acquired: false, heldBy: rows[0] };
}

/** Extends the lease; false when the lock is no longer ours (it lapsed and someone else took it). */
export async function renewLock(q: Queryable, target: string, runId: string, leaseSeconds: number): Promise<boolean> {
  const { rowCount } = await q.query(
    `update target_locks set expires_at = now() + make_interval(secs => $3) where target = $1 and run_id = $2`,
    [target, runId, leaseSeconds],
  );
  return rowCount === 1;
}

export async function releaseLock(q: Queryable, target: string, runId: string): Promise<void> {
  await q.query('delete from target_locks where target = $1 and run_id = $2', [target, runId]);
}
