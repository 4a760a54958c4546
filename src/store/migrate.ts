/**
 * Applies the numbered SQL migrations at start, each in its own transaction, recorded in schema_migrations.
 * Replicas starting together are serialised by a table lock taken inside each migration's transaction
 * (advisory locks would exclude nothing on PGlite). An applied file that was edited since is an error.
 */
import { OpsError } from '../errors.js';
import type { Db, Queryable } from './db.js';
import { loadMigrations, type Migration } from './load-migrations.js';

export interface MigrateResult {
  /** Files applied by this call, in order; empty when the database was up to date. */
  applied: string[];
  /** Versions recorded in the database that this code does not have (a newer opsbot migrated it). */
  unknown: number[];
}

export async function migrate(db: Db, options: { dir?: string } = {}): Promise<MigrateResult> {
  const migrations = await loadMigrations(options.dir);
  await createMigrationsTable(db);
  const recorded = await listRecorded(db);
  for (const m of migrations) checkUnchanged(m, recorded.get(m.version));
  const applied: string[] = [];
  for (const m of migrations) {
    if (!recorded.has(m.version) && (await applyOnce(db, m))) applied.push(m.file);
  }
  const known = new Set(migrations.map((m) => m.version));
  return { applied, unknown: [...recorded.keys()].filter((v) => !known.has(v)) };
}

async function applyOnce(db: Db, m: Migration): Promise<boolean> {
  return db.transaction(async (tx) => {
    // Conflicts with itself, so a second migrator waits here and then sees the first one's row.
    await tx.query('lock table schema_migrations in exclusive mode');
    const { rows } = await tx.query<{ checksum: string }>('select checksum from schema_migrations where version = $1', [
      m.version,
    ]);
    if (rows[0]) {
      checkUnchanged(m, rows[0].checksum);
      return false;
    }
    try {
      await tx.exec(m.sql);
    } catch (error) {
      throw new OpsError('config', `Migration ${m.file} failed: ${(error as Error).message}`, { cause: error });
    }
    await recordMigration(tx, m);
    return true;
  });
}

function checkUnchanged(m: Migration, recordedChecksum: string | undefined): void {
  if (recordedChecksum === undefined || recordedChecksum === m.checksum) return;
  throw new OpsError(
    'config',
    `Migration ${m.file} was edited after it was applied (checksum ${recordedChecksum.slice(0, 12)}… in the ` +
      `database, ${m.checksum.slice(0, 12)}… on disk).`,
    { hint: 'Restore the file as it was applied and put the change in a new numbered migration.' },
  );
}

async function createMigrationsTable(q: Queryable): Promise<void> {
  try {
    await q.query(`create table if not exists schema_migrations (
      version int primary key,
      name text not null,
      checksum text not null,
      applied_at timestamptz not null default now()
    )`);
  } catch (error) {
    // Two processes creating it at the same moment: the loser gets a duplicate error (on the table, or on its row
    // type: "type schema_migrations already exists", 42710); either way the table exists.
    const code = (error as { code?: string }).code;
    if (code !== '23505' && code !== '42P07' && code !== '42710') throw error;
  }
}

async function listRecorded(q: Queryable): Promise<Map<number, string>> {
  const { rows } = await q.query<{ version: number; checksum: string }>(
    'select version, checksum from schema_migrations',
  );
  return new Map(rows.map((r) => [r.version, r.checksum]));
}

async function recordMigration(q: Queryable, m: Migration): Promise<void> {
  await q.query('insert into schema_migrations (version, name, checksum) values ($1, $2, $3)', [
    m.version,
    m.file,
    m.checksum,
  ]);
}
