/**
 * Databases for tests. The real lane is the PostgreSQL server at DATABASE_URL (default the local one), with a
 * fresh randomly named schema per test file, migrated, dropped afterwards, and kept when a test failed so it can
 * be inspected. The PGlite lane is in memory. `useTestDb` wires either into a describe block's hooks.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { type Db, openDb } from '../../src/store/db.js';
import { loadMigrations } from '../../src/store/load-migrations.js';
import { migrate } from '../../src/store/migrate.js';
import { pgliteDb } from '../../src/store/open-pglite.js';
import { pgliteParsers } from '../../src/store/type-parsers.js';

export const testDatabaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestDb {
  readonly db: Db;
  readonly kind: Db['kind'];
  /** The schema on the real server; undefined on PGlite. */
  readonly schema: string | undefined;
  /** Another pool on the same schema, as a second replica would have (real PostgreSQL only). */
  openAnother(): Promise<Db>;
  /** Closes every pool; drops the schema unless `keep` (then says where it is). */
  close(options?: { keep?: boolean }): Promise<void>;
}

export interface TestDbOptions {
  /** Default true. False gives an empty schema, for testing migrate itself. */
  migrate?: boolean;
}

export async function createTestDb(options: TestDbOptions = {}): Promise<TestDb> {
  const schema = `test_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const open = () => openDb({ databaseUrl: testDatabaseUrl, dataDir: 'memory://', schema });
  const db = await open();
  try {
    await db.query(`create schema ${schema}`);
  } catch (error) {
    await db.close();
    throw new Error(`${db.describe()} is not reachable (start it or set DATABASE_URL): ${(error as Error).message}`, {
      cause: error,
    });
  }
  const others: Db[] = [];
  const testDb: TestDb = {
    db,
    kind: 'postgres',
    schema,
    async openAnother() {
      const other = await open();
      others.push(other);
      return other;
    },
    async close({ keep = false } = {}) {
      await Promise.all(others.map((other) => other.close()));
      if (keep) {
        console.warn(`Kept schema ${schema} for inspection: psql ${testDatabaseUrl} -c 'set search_path = ${schema}'`);
      } else {
        await db.query(`drop schema ${schema} cascade`);
      }
      await db.close();
    },
  };
  if (options.migrate !== false) await migrateOrKeep(testDb);
  return testDb;
}

export async function createPgliteTestDb(options: TestDbOptions = {}): Promise<TestDb> {
  const db = options.migrate === false ? await openDb({ dataDir: 'memory://' }) : await openMigratedPglite();
  return {
    db,
    kind: 'pglite',
    schema: undefined,
    openAnother: () => Promise.reject(new Error('PGlite is one session in one process: race tests need PostgreSQL')),
    close: () => db.close(),
  };
}

/**
 * Starting PGlite costs ~2.5 s of CPU (initdb); loading a dumped data directory ~0.6 s. So the first test file
 * migrates a fresh PGlite and dumps it to the temp folder, keyed by the PGlite version and the migrations'
 * checksums, and the others load that dump. Written to a temporary name and renamed, so readers never see half.
 */
async function openMigratedPglite(): Promise<Db> {
  const migrations = await loadMigrations();
  const pgliteVersion = JSON.parse(await readFile(PGLITE_PACKAGE_JSON, 'utf8')).version as string;
  const key = createHash('sha256').update(pgliteVersion);
  for (const m of migrations) key.update(m.checksum);
  const file = join(tmpdir(), `opsbot-pglite-migrated-${key.digest('hex').slice(0, 16)}.tar`);
  const description = 'embedded PostgreSQL (PGlite) in memory';
  if (existsSync(file)) {
    const dump = new Blob([await readFile(file)]);
    return pgliteDb(await PGlite.create({ loadDataDir: dump, parsers: pgliteParsers }), description);
  }
  const pglite = await PGlite.create({ parsers: pgliteParsers });
  const db = pgliteDb(pglite, description);
  await migrateOrKeep({ db, close: () => db.close() });
  const partial = `${file}.${process.pid}`;
  await writeFile(partial, Buffer.from(await (await pglite.dumpDataDir('none')).arrayBuffer()));
  await rename(partial, file);
  return db;
}

const PGLITE_PACKAGE_JSON = join(import.meta.dirname, '../../node_modules/@electric-sql/pglite/package.json');

async function migrateOrKeep(testDb: Pick<TestDb, 'db' | 'close'>): Promise<void> {
  try {
    await migrate(testDb.db);
  } catch (error) {
    await testDb.close({ keep: true });
    throw error;
  }
}

/** The two lanes, for `describe.each(testDbLanes)('store on $name', ({ create }) => …)`. */
export const testDbLanes = [
  { name: 'postgres', create: createTestDb },
  { name: 'pglite', create: createPgliteTestDb },
] as const;

/**
 * Opens a test database in beforeAll and closes it in afterAll, keeping the schema if anything in the
 * enclosing suite failed. Read `.db` inside tests and hooks, not while the suite is being collected.
 */
export function useTestDb(
  create: (options?: TestDbOptions) => Promise<TestDb> = createTestDb,
  options?: TestDbOptions,
) {
  let testDb: TestDb | undefined;
  let failed = false;
  beforeAll(async () => {
    testDb = await create(options);
  });
  beforeEach(({ onTestFailed }) => {
    onTestFailed(() => {
      failed = true;
    });
  });
  afterAll(async () => {
    await testDb?.close({ keep: failed });
  });
  const current = () => {
    if (!testDb) throw new Error('useTestDb: the database opens in beforeAll; read it inside tests');
    return testDb;
  };
  return {
    get db() {
      return current().db;
    },
    get testDb() {
      return current();
    },
  };
}
