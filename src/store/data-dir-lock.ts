/**
 * A pid file beside PGlite's folder, because PGlite takes no lock of its own: two processes on the same
 * files both "succeed" and one loses its writes. Protects processes on one host only (not a shared volume).
 */
import { mkdir, open, readFile, unlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';

// Locks this process holds: a file naming our own pid is ours only if it is in here; otherwise it was left
// by an earlier life of this container, where pids repeat.
const held = new Set<string>();

export async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  await mkdir(dataDir, { recursive: true });
  const file = resolve(dataDir, 'db.lock');
  if (held.has(file))
    throw new Error(`The embedded database in ${join(dataDir, 'db')} is already open in this process.`);
  for (let attempt = 0; ; attempt++) {
    try {
      const handle = await open(file, 'wx');
      await handle.writeFile(`${process.pid}\n`);
      await handle.close();
      held.add(file);
      return async () => {
        held.delete(file);
        await unlink(file).catch(() => {});
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw error;
    }
    const holder = Number.parseInt(await readFile(file, 'utf8').catch(() => ''), 10);
    if (isAlive(holder)) {
      throw new Error(
        `The embedded database in ${join(dataDir, 'db')} is in use by another opsbot (pid ${holder}). ` +
          `Stop it, or give this one its own OPSBOT_DATA_DIR. If no such process exists, delete ${file}.`,
      );
    }
    await unlink(file).catch(() => {}); // left by a process that died; take it over
  }
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
