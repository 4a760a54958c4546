/**
 * A throwaway database on the test PostgreSQL server, standing for an environment's application database
 * (what the catalog's databaseUrlEnv points at): created with a random name, dropped at the end.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { testDatabaseUrl } from './test-db.js';

export interface AppDatabase {
  name: string;
  url: string;
  /** One connection to it, for the test's own queries. */
  query<T extends pg.QueryResultRow = Record<string, unknown>>(text: string, values?: unknown[]): Promise<T[]>;
  drop(): Promise<void>;
}

const withServer = async (work: (c: pg.Client) => Promise<void>) => {
  const client = new pg.Client({ connectionString: testDatabaseUrl });
  await client.connect();
  try {
    await work(client);
  } finally {
    await client.end();
  }
};

export async function createAppDatabase(prefix: string): Promise<AppDatabase> {
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  await withServer((c) => c.query(`create database ${name}`).then(() => {}));
  const url = new URL(testDatabaseUrl);
  url.pathname = `/${name}`;
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  return {
    name,
    url: url.toString(),
    query: async (text, values) => (await client.query(text, values)).rows,
    async drop() {
      await client.end().catch(() => {});
      await withServer((c) => c.query(`drop database if exists ${name} with (force)`).then(() => {}));
    },
  };
}
