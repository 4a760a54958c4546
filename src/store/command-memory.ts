/** Key-value facts commands keep between runs (see migration 008). */
import type { Queryable } from './db.js';

/**
 * Stores `value` under `key` and returns the value it replaced (undefined the first time).
 * The update locks the row and reads its previous value in one statement, so concurrent swaps
 * of one key see each other's values in turn; a first insert that loses a race retries as an update.
 */
export async function swapMemory(q: Queryable, key: string, value: string): Promise<string | undefined> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const updated = await q.query<{ previous: string }>(
      `update command_memory m set value = $2, updated_at = now()
       from (select key, value as previous from command_memory where key = $1 for update) old
       where m.key = old.key returning old.previous`,
      [key, value],
    );
    if (updated.rows[0]) return updated.rows[0].previous;
    const inserted = await q.query(
      'insert into command_memory (key, value) values ($1, $2) on conflict (key) do nothing',
      [key, value],
    );
    if (inserted.rowCount === 1) return undefined;
  }
  throw new Error(`command_memory: could not store ${key}`);
}
