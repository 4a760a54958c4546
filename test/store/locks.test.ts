import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acquireLock, releaseLock, renewLock } from '../../src/store/locks.js';
import { type TestDb, testDbLanes } from '../support/test-db.js';

const lock = (runId: string, target = 'prod/api-gateway', leaseSeconds = 60) => ({
  target,
  runId,
  holder: `U-${runId}`,
  command: 'rollback',
  replica: 'replica-a',
  leaseSeconds,
});

describe.each(testDbLanes)('target locks on $name', ({ name, create }) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await create();
  });
  afterAll(async () => t?.close());

  it('lets one run hold a target and tells the next who holds it and since when', async () => {
    expect(await acquireLock(t.db, lock('r-one'))).toEqual({ acquired: true });
    const second = await acquireLock(t.db, lock('r-two'));
    expect(second.acquired).toBe(false);
    if (!second.acquired) {
      expect(second.heldBy).toMatchObject({ runId: 'r-one', holder: 'U-r-one', command: 'rollback' });
      expect(second.heldBy.acquiredAt).toBeInstanceOf(Date);
    }
    await releaseLock(t.db, 'prod/api-gateway', 'r-one');
    expect(await acquireLock(t.db, lock('r-two'))).toEqual({ acquired: true });
    await releaseLock(t.db, 'prod/api-gateway', 'r-two');
  });

  it('takes over a lock whose holder stopped renewing its lease', async () => {
    expect(await acquireLock(t.db, lock('r-dead', 'dev/worker', 0.05))).toEqual({ acquired: true });
    await new Promise((r) => setTimeout(r, 120));
    expect(await acquireLock(t.db, lock('r-alive', 'dev/worker'))).toEqual({ acquired: true });
    expect(await renewLock(t.db, 'dev/worker', 'r-dead', 60)).toBe(false);
    expect(await renewLock(t.db, 'dev/worker', 'r-alive', 60)).toBe(true);
  });

  it.skipIf(name === 'pglite')('grants a target to exactly one of many replicas racing for it', async () => {
    const others = await Promise.all([t.openAnother(), t.openAnother(), t.openAnother()]);
    const results = await Promise.all(
      [t.db, ...others].flatMap((db, i) =>
        [0, 1, 2].map((j) => acquireLock(db, lock(`r-race${i}x${j}`, 'staging/backend'))),
      ),
    );
    expect(results.filter((r) => r.acquired)).toHaveLength(1);
  });
});
