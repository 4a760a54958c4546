import { copyFile, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findMigrationsDir, loadMigrations } from '../../src/store/load-migrations.js';
import { migrate } from '../../src/store/migrate.js';
import { createTestDb, testDbLanes, useTestDb } from '../support/test-db.js';

const sourceDir = join(import.meta.dirname, '../../src/store/migrations');

/** A copy of the real migrations plus `extra` files, to try edits without touching the source tree. */
async function migrationsWith(extra: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'opsbot-migrations-'));
  for (const file of await readdir(sourceDir)) await copyFile(join(sourceDir, file), join(dir, file));
  for (const [file, sql] of Object.entries(extra)) await writeFile(join(dir, file), sql);
  return dir;
}

const tempDirs: string[] = [];
afterAll(() => Promise.all(tempDirs.map((dir) => rm(dir, { recursive: true, force: true }))));

describe('finding migrations', () => {
  it('finds src/store/migrations from the source tree and from the compiled dist/src/store', () => {
    expect(findMigrationsDir()).toBe(sourceDir);
    expect(findMigrationsDir(join(import.meta.dirname, '../../dist/src/store'))).toBe(sourceDir);
  });

  it('refuses a file that is not named NNN-name.sql', async () => {
    const dir = await migrationsWith({ '002_approvals.sql': 'select 1;' });
    tempDirs.push(dir);
    await expect(loadMigrations(dir)).rejects.toThrow(/002_approvals\.sql is not named NNN-name\.sql/);
  });
});

describe.each(testDbLanes)('migrate on $name', ({ create }) => {
  const t = useTestDb(create);

  it('records every migration once, and a second run applies nothing', async () => {
    const files = (await loadMigrations()).map((m) => m.file);
    const { rows } = await t.db.query<{ version: number; name: string; applied_at: Date }>(
      'select version, name, applied_at from schema_migrations order by version',
    );
    expect(rows.map((r) => r.name)).toEqual(files);
    expect(rows[0]?.version).toBe(1);
    expect(rows[0]?.applied_at).toBeInstanceOf(Date);
    expect(await migrate(t.db)).toEqual({ applied: [], unknown: [] });
  });

  it('applies a new file, and refuses an applied file that was edited, naming it', async () => {
    const dir = await migrationsWith({ '900-extra.sql': 'create table extra (id int);\ncreate index on extra (id);' });
    tempDirs.push(dir);
    expect((await migrate(t.db, { dir })).applied).toEqual(['900-extra.sql']);
    expect((await migrate(t.db, { dir })).applied).toEqual([]);

    await writeFile(join(dir, '900-extra.sql'), 'create table extra (id bigint);');
    await expect(migrate(t.db, { dir })).rejects.toThrow(/Migration 900-extra\.sql was edited after it was applied/);
    // The code that knows 001 only is told that the database has more.
    expect((await migrate(t.db)).unknown).toEqual([900]);
  });

  it('rolls back a failing migration entirely and names the file', async () => {
    const dir = await migrationsWith({ '901-broken.sql': 'create table half (id int);\nselect * from missing_table;' });
    tempDirs.push(dir);
    await expect(migrate(t.db, { dir })).rejects.toThrow(/Migration 901-broken\.sql failed: .*missing_table/);
    const { rows } = await t.db.query(
      `select (select count(*) from schema_migrations where version = 901) as recorded,
              to_regclass('half') is not null as created`,
    );
    expect(rows).toEqual([{ recorded: 0, created: false }]);
  });
});

describe('migrate on postgres, from two replicas at once', () => {
  const t = useTestDb(createTestDb, { migrate: false });

  it('applies each migration exactly once', async () => {
    const other = await t.testDb.openAnother();
    const [a, b] = await Promise.all([migrate(t.db), migrate(other)]);
    const files = (await loadMigrations()).map((m) => m.file);
    expect([...a.applied, ...b.applied].sort()).toEqual(files);
    const { rows } = await t.db.query('select count(*) as n from schema_migrations');
    expect(rows).toEqual([{ n: files.length }]);
  });
});
