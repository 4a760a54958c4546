import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  claimTick,
  finishTick,
  lastTicks,
  runningTick,
  scheduleControls,
  scheduleHistory,
  setPaused,
} from '../../src/store/schedule-runs.js';
import { type TestDb, testDbLanes } from '../support/test-db.js';

describe.each(testDbLanes)('schedule runs on $name', ({ name, create }) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await create();
  });
  afterAll(async () => t?.close());
  const tick = new Date('2026-11-23T01:00:00Z');

  it('lets one claim per scheduled time through, and keeps the history', async () => {
    expect(await claimTick(t.db, { schedule: 'daily-backup', tick, replica: 'a' })).toBe(true);
    expect(await claimTick(t.db, { schedule: 'daily-backup', tick, replica: 'b' })).toBe(false);
    expect(await runningTick(t.db, 'daily-backup', 3600, tick)).toBeNull();
    const next = new Date('2026-11-24T01:00:00Z');
    expect(await runningTick(t.db, 'daily-backup', 3600, next)).toMatchObject({ replica: 'a', state: 'running' });
    await finishTick(t.db, {
      schedule: 'daily-backup',
      tick,
      state: 'succeeded',
      runId: 'r-abc',
      summary: 'backup ok',
    });
    expect(await runningTick(t.db, 'daily-backup', 3600, next)).toBeNull();
    const [run] = await scheduleHistory(t.db, 'daily-backup');
    expect(run).toMatchObject({ state: 'succeeded', runId: 'r-abc', summary: 'backup ok', tick });
    expect((await lastTicks(t.db)).get('daily-backup')?.tick).toEqual(tick);
  });

  it('records pause and resume with who and why', async () => {
    await setPaused(t.db, { schedule: 'weekly-report', paused: true, actor: 'U0ALICE', reason: 'holidays' });
    expect((await scheduleControls(t.db)).get('weekly-report')).toMatchObject({
      paused: true,
      actor: 'U0ALICE',
      reason: 'holidays',
    });
    await setPaused(t.db, { schedule: 'weekly-report', paused: false, actor: 'U0BOB' });
    expect((await scheduleControls(t.db)).get('weekly-report')).toMatchObject({
      paused: false,
      actor: 'U0BOB',
      reason: null,
    });
  });

  it.skipIf(name === 'pglite')('runs each tick once with three replicas racing for it', async () => {
    const replicas = [t.db, await t.openAnother(), await t.openAnother()];
    for (let minute = 0; minute < 30; minute++) {
      const at = new Date(Date.UTC(2026, 10, 23, 2, minute));
      const claims = await Promise.all(
        replicas.map((db, i) => claimTick(db, { schedule: 'health-monitor', tick: at, replica: `r${i}` })),
      );
      expect(claims.filter(Boolean)).toHaveLength(1);
    }
  });
});
