/**
 * Three opsbot replicas on one real PostgreSQL, their timers driven by a fake clock over eight
 * simulated days, a tick at a time (Friday 30 October to Saturday 7 November 2026, across New York's autumn DST change
 * and the first Saturday of November): each tick runs exactly once, a long run does not overlap
 * the next tick, and the first-Saturday schedule runs on 7 November only.
 */
import { setTimeout as realSleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { loadCatalog } from '../../src/catalog.js';
import { arg, defineCommand, defineSchedule } from '../../src/define.js';
import { createKubeCluster } from '../../src/kubernetes/kube-cluster.js';
import { type Sandbox, sandboxEnvironments, startSandbox } from '../../src/kubernetes/sandbox.js';
import { createRegistry } from '../../src/registry/registry.js';
import { createEngine } from '../../src/runs/engine.js';
import type { Replies } from '../../src/runs/outcome.js';
import { scheduleTimes } from '../../src/scheduler/schedule-times.js';
import { type Scheduler, startScheduler } from '../../src/scheduler/start-scheduler.js';
import { ticksBetween } from '../../src/scheduler/ticks.js';
import type { Db } from '../../src/store/db.js';
import { collectLogs } from '../support/collect-logs.js';
import { createTestDb, type TestDb } from '../support/test-db.js';

const START = new Date('2026-10-30T00:00:00Z'); // a Friday
const END = new Date('2026-11-07T06:00:00Z'); // the first Saturday of November, after 04:00

const ran: Array<{ schedule: string; at: string; replica: string }> = [];
let releaseSlow: () => void = () => {};
const slowGate = new Promise<void>((resolve) => (releaseSlow = resolve));
let slowHeld = false;

const note = defineCommand({
  name: 'note',
  summary: 'Notes that a schedule ran.',
  usage: ['note dev --what x'],
  args: z.object({ env: arg.env(), what: z.string() }),
  mutates: false,
  requiredRole: 'viewer',
  async run(ctx, a) {
    ran.push({ schedule: a.what, at: new Date().toISOString(), replica: ctx.log.bindings().replica as string });
    // The first hourly run takes two hours: the next tick must not start beside it.
    if (a.what === 'hourly' && !slowHeld) {
      slowHeld = true;
      await slowGate;
    }
    return { summary: `${a.what} ran` };
  },
});

const schedules = [
  // Every quarter hour on the first simulated day (the loop then moves an hour at a time to keep the test short).
  defineSchedule({ name: 'quarter', cron: '*/15 * 30 10 *', command: 'note', args: { env: 'dev', what: 'quarter' } }),
  defineSchedule({ name: 'hourly', cron: '0 * * * *', command: 'note', args: { env: 'dev', what: 'hourly' } }),
  defineSchedule({ name: 'friday', cron: '0 2 * * 5', command: 'note', args: { env: 'dev', what: 'friday' } }),
  defineSchedule({ name: 'first-sat', cron: '0 4 1-7 * 6', command: 'note', args: { env: 'dev', what: 'first-sat' } }),
  defineSchedule({
    name: 'ny-night',
    cron: '30 1 * * *',
    timezone: 'America/New_York',
    command: 'note',
    args: { env: 'dev', what: 'ny-night' },
  }),
];

let testDb: TestDb;
let sandbox: Sandbox;
const schedulers: Scheduler[] = [];
const posts: Record<string, number> = {};

async function startReplica(name: string, db: Db) {
  const logs = collectLogs();
  const engine = createEngine({
    registry: createRegistry([note], schedules, []),
    catalog: loadCatalog('catalog.yaml'),
    db,
    cluster: createKubeCluster({ kubeConfig: sandbox.kubeConfig, sandbox: true }),
    directory: {
      groupMembers: async () => [],
      user: async (id) => ({ id, isGuest: false, isBot: false, deleted: false }),
    },
    logger: logs.logger.child({ replica: name }),
  });
  const scheduler = await startScheduler({
    engine,
    db,
    logger: logs.logger,
    replica: name,
    schedules,
    repliesFor: (schedule): Replies => ({
      send: async () => {
        posts[schedule.name] = (posts[schedule.name] ?? 0) + 1;
      },
      progress: async () => {},
    }),
  });
  schedulers.push(scheduler);
}

async function rows(db: Db) {
  const { rows: all } = await db.query<{ schedule: string; tick: Date; state: string; reason: string | null }>(
    'select schedule, tick, state, reason from schedule_runs order by tick, schedule',
  );
  return all;
}

/** Every scheduled time in the simulated days, by the same calendar the timers use (to know when to look). */
function dueTicks(): number[] {
  const due: number[] = [];
  for (const s of schedules) {
    const times = scheduleTimes(s.cron, s.timezone);
    for (let from = START.getTime(); from < END.getTime(); from += 7 * 86_400_000) {
      const until = new Date(Math.min(from + 7 * 86_400_000, END.getTime()));
      due.push(...ticksBetween(times, new Date(from), until).map((d) => d.getTime()));
    }
    times.dispose();
  }
  return due;
}

/** Every due tick claimed and finished (or, for the held run, still running). */
async function settle(db: Db, due: number[], until: Date) {
  const expected = due.filter((t) => t <= until.getTime()).length;
  for (let i = 0; i < 3_000; i++) {
    const { rows: counts } = await db.query<{ total: number; running: number }>(
      `select count(*)::int as total, (count(*) filter (where state = 'running'))::int as running from schedule_runs`,
    );
    const { total, running } = counts[0] ?? { total: -1, running: -1 };
    if (total === expected && running === (slowHeld && !released ? 1 : 0)) return;
    await realSleep(5);
  }
  throw new Error(`ticks up to ${until.toISOString()} did not settle`);
}
let released = false;

beforeAll(async () => {
  testDb = await createTestDb();
  sandbox = await startSandbox(sandboxEnvironments(loadCatalog('catalog.yaml')));
});
afterAll(async () => {
  vi.useRealTimers();
  for (const s of schedulers) s.stop();
  await sandbox?.close();
  await testDb?.close();
});

describe('three replicas over eight simulated days', () => {
  it('run every tick exactly once, never overlap a long run, and keep the calendar rules', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    vi.setSystemTime(START);
    await startReplica('a', testDb.db);
    await startReplica('b', await testDb.openAnother());
    await startReplica('c', await testDb.openAnother());

    const due = dueTicks();
    // One step per tick of the busiest schedule: in compressed time, two ticks in one step would overlap.
    const firstDayEnd = Date.parse('2026-10-31T00:00:00Z');
    for (let t = START.getTime(); t < END.getTime(); ) {
      const step = t < firstDayEnd ? 15 * 60_000 : 60 * 60_000;
      await vi.advanceTimersByTimeAsync(step);
      t += step;
      const now = new Date(t);
      if (now.toISOString() === '2026-10-30T02:30:00.000Z') {
        released = true;
        releaseSlow();
      }
      await settle(testDb.db, due, now);
    }

    const all = await rows(testDb.db);
    const of = (name: string) => all.filter((r) => r.schedule === name);
    const ranOf = (name: string) => ran.filter((r) => r.schedule === name);

    // Every quarter hour of the first day after the start, once each, on whichever replica claimed it.
    const quarters = of('quarter');
    expect(quarters).toHaveLength(95);
    expect(quarters.every((r) => r.state === 'succeeded')).toBe(true);
    expect(ranOf('quarter')).toHaveLength(quarters.length);
    expect(posts.quarter).toBe(quarters.length);
    expect(new Set(ranOf('quarter').map((r) => r.replica)).size).toBeGreaterThan(1);
    // Every hour of the eight days, once each (one skipped for the overlap below).
    expect(of('hourly')).toHaveLength(8 * 24 + 6);
    expect(new Set(of('hourly').map((r) => r.tick.getTime())).size).toBe(8 * 24 + 6);

    // The 01:00 hourly run took until 02:30: 02:00 was skipped, not run beside it; 03:00 ran.
    expect(
      of('hourly')
        .slice(0, 3)
        .map((r) => [r.tick.toISOString(), r.state, r.reason]),
    ).toEqual([
      ['2026-10-30T01:00:00.000Z', 'succeeded', null],
      ['2026-10-30T02:00:00.000Z', 'skipped', 'the run of 2026-10-30T01:00:00.000Z is still going'],
      ['2026-10-30T03:00:00.000Z', 'succeeded', null],
    ]);
    expect(ranOf('hourly')).toHaveLength(of('hourly').length - 1);

    expect(of('friday').map((r) => r.tick.toISOString())).toEqual([
      '2026-10-30T02:00:00.000Z',
      '2026-11-06T02:00:00.000Z',
    ]);
    // Saturday 31 October is not the first Saturday of its month; 7 November is.
    expect(of('first-sat').map((r) => r.tick.toISOString())).toEqual(['2026-11-07T04:00:00.000Z']);
    // 01:30 in New York: EDT until 1 November, whose 01:30 comes twice and runs once, EST after.
    expect(of('ny-night').map((r) => r.tick.toISOString())).toEqual([
      '2026-10-30T05:30:00.000Z',
      '2026-10-31T05:30:00.000Z',
      '2026-11-01T05:30:00.000Z',
      '2026-11-02T06:30:00.000Z',
      '2026-11-03T06:30:00.000Z',
      '2026-11-04T06:30:00.000Z',
      '2026-11-05T06:30:00.000Z',
      '2026-11-06T06:30:00.000Z',
    ]);
    expect(ranOf('ny-night')).toHaveLength(8);
  }, 240_000);
});
