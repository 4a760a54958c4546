/** The PostgreSQL lane: a pg.Pool, with transactions on one checked-out client. */
import pg from 'pg';
import type { Db, Tx } from './db.js';
import { pgTypes } from './type-parsers.js';

const SCHEMA_NAME = /^[a-z_][a-z0-9_]*$/;

export function openPostgres(url: string, options: { schema?: string | undefined } = {}): Db {
  const { schema } = options;
  if (schema !== undefined && !SCHEMA_NAME.test(schema)) {
    throw new TypeError(`schema must match ${SCHEMA_NAME} (got '${schema}')`);
  }
  const pool = new pg.Pool({
    connectionString: url,
    application_name: 'opsbot',
    types: pgTypes,
    // Sent in the startup packet, so every connection of the pool has it before its first query.
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  });
  // An idle client that loses its connection (server restart, network) is removed from the pool and
  // reported here; without a listener the process would crash. The next query opens a new connection.
  pool.on('error', () => {});
  let closed = false;
  const db: Db = {
    kind: 'postgres',
    ...wrap(pool),
    async transaction(fn) {
      const client = await pool.connect();
      let discard: Error | undefined;
      try {
        await client.query('begin');
        const result = await fn(wrap(client));
        await client.query('commit');
        return result;
      } catch (error) {
        // If even the rollback fails the session is in an unknown state: destroy the client, do not reuse it.
        await client.query('rollback').catch((rollbackError: Error) => {
          discard = rollbackError;
        });
        throw error;
      } finally {
        client.release(discard);
      }
    },
    async ping() {
      await pool.query('select 1');
    },
    describe: () => describePostgres(url, schema),
    async close() {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };
  return db;
}

function wrap(client: pg.Pool | pg.PoolClient): Tx {
  return {
    async query<T>(text: string, values?: unknown[]) {
      const result = await client.query(text, values);
      return { rows: result.rows as T[], rowCount: result.rowCount ?? 0 };
    },
    async exec(script: string) {
      // Without values pg uses the simple query protocol, which accepts several statements.
      await client.query(script);
    },
  };
}

/** "PostgreSQL at host:port/database": the URL without user or password. */
export function describePostgres(url: string, schema?: string): string {
  let where = 'an unparseable DATABASE_URL';
  try {
    const u = new URL(url);
    const host = u.hostname || u.searchParams.get('host') || 'localhost';
    const database = decodeURIComponent(u.pathname.slice(1)) || decodeURIComponent(u.username) || 'postgres';
    where = `${host}:${u.port || '5432'}/${database}`;
  } catch {
    // keep the generic text: the URL may be a key=value string we do not parse here
  }
  return `PostgreSQL at ${where}${schema ? ` (schema ${schema})` : ''}`;
}
