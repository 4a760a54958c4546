/** Key-value facts commands keep between runs (see migration 008). */
import type { Queryable } from './db.js';

/**
 * Stores `value` under `key` and returns the value it replaced (undefined the first time).
 * The row lock of the select makes concurrent swaps of one key see each other's values in turn.
 */
export async function swapMemory(q: Queryable, key: string, value: string): Promise<string | undefined> {
  const { rows } = await q.query<{ previous: string | null }>(
    `with old as (select value from command_memory where key = $1 for update)
     insert into command_memory (key, value) values ($1, $2)
     on conflict (key) do update set value = excluded.value, updated_at = now()
     returning (select value from old) as previous`,
    [key, value],
  );
  return rows[0]?.previous ?? undefined;
}

export async function readMemory(q: Queryable, prefix: string): Promise<Map<string, string>> {
  const { rows } = await q.query<{ key: string; value: string }>(
    'select key, value from command_memory where starts_with(key, $1) order by key',
    [prefix],
  );
  return new Map(rows.map((r) => [r.key, r.value]));
}
