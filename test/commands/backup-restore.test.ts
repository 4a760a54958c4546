import { readdirSync, writeFileSync } from 'node:fs';
import { copyFile, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAudit } from '../../src/store/audit.js';
import { type AppDatabase, createAppDatabase } from '../support/app-database.js';
import { copyExampleScripts, resultOf, startToolsEngine, type ToolsEngine, tempDir } from '../support/tools-engine.js';

// Seed 001's backup and restore, with the shipped example scripts, pg_dump and pg_restore against a real
// PostgreSQL database standing for staging's.
let t: ToolsEngine;
let app: AppDatabase;
let backupDir: string;
let remove: () => void;

beforeAll(async () => {
  const tmp = tempDir('opsbot-backups-');
  remove = tmp.remove;
  backupDir = path.join(tmp.dir, 'backups');
  app = await createAppDatabase('opsbot_backup');
  await app.query('create table products (id int primary key, name text not null)');
  await app.query(`insert into products select g, 'product ' || g from generate_series(1, 40) g`);
  await app.query('analyze products');
  t = await startToolsEngine({
    scriptsDir: copyExampleScripts(tmp.dir),
    variables: { STAGING_DATABASE_URL: app.url, BACKUP_DIR: backupDir },
  });
});
afterAll(async () => {
  await t?.close();
  await app?.drop();
  remove?.();
});

const backupIds = () =>
  readdirSync(path.join(backupDir, 'staging'))
    .filter((f) => f.endsWith('.dump'))
    .map((f) => f.replace('.dump', ''))
    .sort();

describe('backup, backups, backup-verify, restore and backup-prune', () => {
  it('backs up staging with pg_dump, verifies it, and lists it with its age, size and label', async () => {
    const { outcome, progress } = await t.run('backup staging --label pre-deploy');
    const result = resultOf(outcome);
    expect(result.ok).not.toBe(false);
    expect(result.summary).toMatch(/^Backup of staging done: backup_\d{8}_\d{6} \(\d+ bytes\)/);
    expect(result.details).toContain('verified backup_');
    expect(progress[0]).toMatchObject({ text: 'Backing up the staging database…', cancelRunId: outcome.runId });
    const [id] = backupIds();

    const list = resultOf((await t.run('backups staging')).outcome);
    expect(list.summary).toMatch(/^1 backup of staging; the latest is 0m old \(\d+(\.\d)? kB\)$/);
    expect(list.details).toMatch(new RegExp(`${id}\\s+0m\\s+\\d+(\\.\\d)? kB\\s+pre-deploy`));

    const verified = resultOf((await t.run('backup-verify staging')).outcome);
    expect(verified.summary).toMatch(new RegExp(`^staging: verified ${id}: checksum matches, archive readable`));
  });

  it('reports a damaged backup as a failed verification with the script’s last lines, audited', async () => {
    const [id] = backupIds();
    const file = path.join(backupDir, 'staging', `${id}.dump`);
    const good = await readFile(file);
    writeFileSync(file, Buffer.concat([good, Buffer.from('tampered')]));
    try {
      const { outcome } = await t.run(`backup-verify staging ${id}`);
      const result = resultOf(outcome);
      expect(result.ok).toBe(false);
      expect(result.summary).toBe(`Verifying ${id} of staging failed (exit 2)`);
      expect(result.details).toContain(`error: ${id} is damaged: its checksum does not match`);
      const [audit] = await listAudit(t.testDb.db, { requestId: outcome.runId, limit: 5 });
      expect(audit).toMatchObject({ kind: 'command.failed', command: 'backup-verify', environment: 'staging' });
    } finally {
      writeFileSync(file, good);
    }
  });

  it('shows what a restore will overwrite before it runs, then puts the backed-up rows back', async () => {
    const [id] = backupIds();
    await app.query('delete from products where id > 5');
    await app.query('create table scratch (x int)');
    await app.query('analyze products');

    const plan = (await t.run(`restore staging ${id} --dry-run`)).outcome;
    expect(plan.kind).toBe('plan');
    if (plan.kind !== 'plan') return;
    expect(plan.plan.summary).toMatch(
      new RegExp(`^overwrite the ${app.name} database of staging \\(\\d+ kB, 2 tables\\) with backup ${id} \\(`),
    );
    expect(plan.plan.changes[0]).toMatchObject({
      what: `database ${app.name} in staging`,
      from: expect.stringMatching(/public\.products\(5 rows\), public\.scratch\(0 rows\)/),
      to: expect.stringMatching(/\(pre-deploy\); public\.products$/),
    });
    expect(await app.query('select count(*)::int as n from products')).toEqual([{ n: 5 }]);

    const restored = resultOf((await t.run(`restore staging ${id}`)).outcome);
    expect(restored.summary).toBe(`Restored the staging database from ${id}`);
    expect(await app.query('select count(*)::int as n from products')).toEqual([{ n: 40 }]);
  });

  it('refuses to restore from a backup that does not exist, naming the command that lists them', async () => {
    const { outcome } = await t.run('restore staging backup_20200101_000000');
    expect(outcome).toMatchObject({
      kind: 'error',
      code: 'refused',
      message:
        'Cannot restore staging from backup_20200101_000000: there is no backup backup_20200101_000000 in staging',
      hint: '/ops backups staging lists the backups.',
    });
  });

  it('deletes only the backups older than the retention, and says which before it does', async () => {
    const [id] = backupIds() as [string];
    const dir = path.join(backupDir, 'staging');
    // A backup from 40 days ago and one from 10 days ago, made from the real one.
    const stamp = (daysAgo: number) => {
      const at = new Date(Date.now() - daysAgo * 86_400_000).toISOString();
      return `backup_${at.slice(0, 10).replaceAll('-', '')}_${at.slice(11, 19).replaceAll(':', '')}`;
    };
    const [fortyDays, tenDays] = [stamp(40), stamp(10)];
    for (const old of [fortyDays, tenDays]) {
      await copyFile(path.join(dir, `${id}.dump`), path.join(dir, `${old}.dump`));
      const sum = (await readFile(path.join(dir, `${id}.sha256`), 'utf8')).replace(id, old);
      writeFileSync(path.join(dir, `${old}.sha256`), sum);
    }
    const plan = (await t.run('backup-prune staging --older-than 30d --dry-run')).outcome;
    expect(plan).toMatchObject({
      kind: 'plan',
      plan: {
        summary: 'delete 1 of the 3 backups of staging older than 30 days',
        changes: [
          { what: 'backups of staging', from: '3', to: '2' },
          { what: `backup ${fortyDays}`, to: 'deleted' },
        ],
      },
    });
    const pruned = resultOf((await t.run('backup-prune staging --older-than 30d')).outcome);
    expect(pruned.summary).toBe('pruned 1 backups of staging older than 30 days');
    expect(backupIds()).toEqual([tenDays, id].sort());
  });

  it('says which variable to set when the environment’s database URL is missing', async () => {
    const { outcome } = await t.run('backup dev');
    expect(outcome).toMatchObject({
      kind: 'error',
      code: 'config',
      message: 'DEV_DATABASE_URL is not set: the database URL of dev is read from it.',
    });
  });
});
