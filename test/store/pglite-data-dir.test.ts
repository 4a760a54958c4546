import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { lockDataDir } from '../../src/store/data-dir-lock.js';
import { openDb } from '../../src/store/db.js';

let dataDir = '';
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});
const freshDataDir = async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'opsbot-data-'));
  return join(dataDir, 'nested');
};

describe('the embedded database folder', () => {
  it('is created under <dataDir>/db, keeps data across restarts, and is locked while open', async () => {
    const dir = await freshDataDir();
    const first = await openDb({ dataDir: dir });
    expect(first.describe()).toBe(`embedded PostgreSQL (PGlite) in ${dir}/db`);
    await first.query('create table kept (note text)');
    await first.query('insert into kept values ($1)', ['still here']);
    await expect(openDb({ dataDir: dir })).rejects.toThrow(/already open in this process/);
    await first.close();
    expect(existsSync(join(dir, 'db.lock'))).toBe(false);

    const second = await openDb({ dataDir: dir });
    expect((await second.query('select note from kept')).rows).toEqual([{ note: 'still here' }]);
    await second.close();
  });

  it('refuses a folder locked by another live process, and takes over a lock left by a dead one', async () => {
    const dir = await freshDataDir();
    await lockDataDir(dir).then((unlock) => unlock());
    await writeFile(join(dir, 'db.lock'), `${process.ppid}\n`);
    await expect(lockDataDir(dir)).rejects.toThrow(/in use by another opsbot \(pid \d+\)/);

    await writeFile(join(dir, 'db.lock'), '2147483646\n');
    const unlock = await lockDataDir(dir);
    expect(await readFile(join(dir, 'db.lock'), 'utf8')).toBe(`${process.pid}\n`);
    await unlock();
  });
});
