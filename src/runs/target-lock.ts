/**
 * One mutation per (environment, service) at a time, across replicas: the run
 * holds a PostgreSQL lease on its target and renews it while it works, so a
 * replica that dies mid-change frees the target when the lease lapses.
 */
import { hostname } from 'node:os';
import { OpsError } from '../errors.js';
import type { Db } from '../store/db.js';
import { acquireLock, releaseLock, renewLock } from '../store/locks.js';

const LEASE_SECONDS = 60;
const RENEW_EVERY_MS = 20_000;
export const REPLICA_ID = `${hostname()}:${process.pid}`;

const clock = (at: Date) => `${at.toISOString().slice(11, 16)} UTC`;

export async function withTargetLock<T>(
  db: Db,
  lock: { env: string; service: string; runId: string; holder: string; command: string },
  work: () => Promise<T>,
): Promise<T> {
  const target = `${lock.env}/${lock.service}`;
  const result = await acquireLock(db, { ...lock, target, replica: REPLICA_ID, leaseSeconds: LEASE_SECONDS });
  if (!result.acquired) {
    const held = result.heldBy;
    const who = held.holder.startsWith('schedule:') ? `the ${held.holder.slice(9)} schedule` : `<@${held.holder}>`;
    throw new OpsError(
      'target_locked',
      `${lock.service} in ${lock.env} is busy: ${who} is running ${held.command} (run ${held.runId}) since ${clock(held.acquiredAt)}.`,
      { hint: `Wait for it to finish, then try again. /ops status ${lock.service} ${lock.env} shows where it stands.` },
    );
  }
  const renew = setInterval(() => {
    renewLock(db, target, lock.runId, LEASE_SECONDS).catch(() => {});
  }, RENEW_EVERY_MS);
  renew.unref();
  try {
    return await work();
  } finally {
    clearInterval(renew);
    await releaseLock(db, target, lock.runId);
  }
}
