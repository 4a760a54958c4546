/**
 * The store's one seam: PostgreSQL (pg.Pool) when DATABASE_URL is set, else embedded PostgreSQL (PGlite).
 * The same SQL runs on both and returns the same JavaScript types (see type-parsers.ts).
 * Store functions take a `Queryable`, so they work on the Db or inside `db.transaction`.
 */
import { openPostgres } from './open-postgres.js';

export interface QueryResult<T> {
  rows: T[];
  /** Rows returned by a SELECT or changed by INSERT/UPDATE/DELETE. */
  rowCount: number;
}

export interface Queryable {
  /** One SQL statement with $1… placeholders. jsonb values: pass JSON.stringify(value), as pg and PGlite differ. */
  query<T = Record<string, unknown>>(text: string, values?: unknown[]): Promise<QueryResult<T>>;
}

/** What a transaction callback gets. */
export interface Tx extends Queryable {
  /** Runs a script of several statements without parameters (migrations). */
  exec(script: string): Promise<void>;
}

export interface Db extends Queryable {
  readonly kind: 'postgres' | 'pglite';
  /**
   * Runs fn in one transaction: committed when fn resolves, rolled back when it throws. Use only `tx` inside:
   * on PGlite a query on the Db itself waits for the transaction to end, so it would never return.
   */
  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  /** Resolves when the database answers (for /readyz). */
  ping(): Promise<void>;
  /** Where the data lives, for the start banner; never contains a password. */
  describe(): string;
  /** Idempotent. */
  close(): Promise<void>;
}

export interface OpenDbOptions {
  /** postgres://… → PostgreSQL; absent → PGlite. */
  databaseUrl?: string | undefined;
  /** PGlite keeps its files in `<dataDir>/db`; 'memory://' keeps them in memory. */
  dataDir: string;
  /** PostgreSQL only: the schema to work in (tests use a fresh one per file). */
  schema?: string | undefined;
}

export async function openDb(options: OpenDbOptions): Promise<Db> {
  if (options.databaseUrl) return openPostgres(options.databaseUrl, { schema: options.schema });
  if (options.schema) throw new TypeError('openDb: `schema` applies to PostgreSQL only (set databaseUrl)');
  // Loaded only when used: a replica on PostgreSQL should not carry the embedded database's code (~2 MB).
  const { openPglite } = await import('./open-pglite.js');
  return openPglite(options.dataDir);
}
