/** Finds and reads the numbered SQL migrations (`NNN-name.sql`). */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Migration {
  version: number;
  /** The file name, e.g. '001-audit-and-requests.sql'. */
  file: string;
  sql: string;
  /** sha256 of the file with line endings normalised, so a Windows checkout does not count as an edit. */
  checksum: string;
}

const FILE_NAME = /^(\d{3,})-[a-z0-9][a-z0-9-]*\.sql$/;

/**
 * tsc does not copy .sql files, so from dist/src/store/ the migrations are still those in the source tree:
 * look beside this module first (vitest, tsx), then walk up to a project root (a package.json) that has them.
 */
export function findMigrationsDir(from = dirname(fileURLToPath(import.meta.url))): string {
  const beside = join(from, 'migrations');
  if (existsSync(beside)) return beside;
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'src', 'store', 'migrations');
    if (existsSync(join(dir, 'package.json')) && existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) {
      throw new Error(`No src/store/migrations folder found above ${from}: ship it next to dist/ (see the README).`);
    }
  }
}

export async function loadMigrations(dir = findMigrationsDir()): Promise<Migration[]> {
  const files = (await readdir(dir)).filter((file) => file.endsWith('.sql')).sort();
  const migrations: Migration[] = [];
  for (const file of files) {
    const version = FILE_NAME.exec(file)?.[1];
    if (version === undefined) {
      throw new Error(`Migration file ${join(dir, file)} is not named NNN-name.sql (e.g. 002-approvals.sql).`);
    }
    const previous = migrations.find((m) => m.version === Number(version));
    if (previous) throw new Error(`Migrations ${previous.file} and ${file} have the same number.`);
    const sql = await readFile(join(dir, file), 'utf8');
    const checksum = createHash('sha256').update(sql.replace(/\r\n/g, '\n')).digest('hex');
    migrations.push({ version: Number(version), file, sql, checksum });
  }
  return migrations.sort((a, b) => a.version - b.version);
}
