/** Freezes declared from Slack; "active" is decided by the database clock. */
import type { Queryable } from './db.js';

export interface StoredFreeze {
  id: number;
  environment: string;
  startsAt: Date;
  endsAt: Date;
  reason: string;
  actor: string;
}

const COLUMNS = `id, environment, starts_at as "startsAt", ends_at as "endsAt", reason, actor`;

export async function addFreeze(
  q: Queryable,
  freeze: { environment: string; seconds: number; reason: string; actor: string },
): Promise<StoredFreeze> {
  const { rows } = await q.query<StoredFreeze>(
    `insert into freezes (environment, ends_at, reason, actor) values ($1, now() + make_interval(secs => $2), $3, $4)
     returning ${COLUMNS}`,
    [freeze.environment, freeze.seconds, freeze.reason, freeze.actor],
  );
  return rows[0] as StoredFreeze;
}

export async function activeFreezes(q: Queryable, environment?: string): Promise<StoredFreeze[]> {
  const { rows } = await q.query<StoredFreeze>(
    `select ${COLUMNS} from freezes
     where lifted_at is null and starts_at <= now() and ends_at > now() and ($1::text is null or environment = $1)
     order by ends_at`,
    [environment ?? null],
  );
  return rows;
}

/** Lifts every active freeze of the environment; returns how many. */
export async function liftFreezes(q: Queryable, environment: string, actor: string): Promise<number> {
  const { rowCount } = await q.query(
    `update freezes set lifted_at = now(), lifted_by = $2
     where environment = $1 and lifted_at is null and ends_at > now()`,
    [environment, actor],
  );
  return rowCount;
}
