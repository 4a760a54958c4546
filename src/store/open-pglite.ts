/** The embedded lane: PGlite (PostgreSQL compiled to WebAssembly), one session in this process. */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import { lockDataDir } from './data-dir-lock.js';
import type { Db, Tx } from './db.js';
import { pgliteParsers } from './type-parsers.js';

export const IN_MEMORY = 'memory://';

export async function openPglite(dataDir: string): Promise<Db> {
  const inMemory = dataDir.startsWith(IN_MEMORY);
  const path = inMemory ? undefined : join(dataDir, 'db');
  const where = path === undefined ? 'in memory' : `in ${dataDir.replace(/\/+$/, '')}/db`;
  // PGlite does not lock its folder: a second process on the same files silently loses writes.
  const unlock = path === undefined ? undefined : await lockDataDir(dataDir);
  let pglite: PGlite;
  try {
    if (path !== undefined) await mkdir(path, { recursive: true });
    pglite = await PGlite.create({ dataDir: path, parsers: pgliteParsers });
  } catch (error) {
    await unlock?.();
    throw new Error(
      `Could not open the embedded database ${where}: ${(error as Error).message}. ` +
        'A folder made by a PGlite of another PostgreSQL major version cannot be opened: move it aside, ' +
        'or set DATABASE_URL to use a PostgreSQL server.',
      { cause: error },
    );
  }
  return pgliteDb(pglite, `embedded PostgreSQL (PGlite) ${where}`, unlock);
}

/** A Db over an open PGlite, which must have been created with `pgliteParsers` (tests load prepared ones). */
export function pgliteDb(pglite: PGlite, description: string, onClose?: () => Promise<void>): Db {
  let closed = false;
  return {
    kind: 'pglite',
    ...wrap(pglite),
    transaction: (fn) => pglite.transaction((tx) => fn(wrap(tx))),
    async ping() {
      await pglite.query('select 1');
    },
    describe: () => description,
    async close() {
      if (closed) return;
      closed = true;
      await pglite.close();
      await onClose?.();
    },
  };
}

function wrap(target: PGlite | Transaction): Tx {
  return {
    async query<T>(text: string, values?: unknown[]) {
      const result = await target.query<T>(text, values);
      return { rows: result.rows, rowCount: result.rowCount ?? result.affectedRows ?? result.rows.length };
    },
    async exec(script: string) {
      await target.exec(script);
    },
  };
}
