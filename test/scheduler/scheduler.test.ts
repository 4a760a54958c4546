import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import scheduleHistory_ from '../../commands/schedule-history.js';
import scheduleList from '../../commands/schedule-list.js';
import schedulePause from '../../commands/schedule-pause.js';
import scheduleResume from '../../commands/schedule-resume.js';
import scheduleRun from '../../commands/schedule-run.js';
import { loadCatalog } from '../../src/catalog.js';
import { type Actor, arg, defineCommand, defineSchedule } from '../../src/define.js';
import { createKubeCluster } from '../../src/kubernetes/kube-cluster.js';
import { type Sandbox, sandboxEnvironments, startSandbox } from '../../src/kubernetes/sandbox.js';
import { createRegistry } from '../../src/registry/registry.js';
import { createEngine, type Engine } from '../../src/runs/engine.js';
import type { Outcome, Replies } from '../../src/runs/outcome.js';
import { runTick } from '../../src/scheduler/run-tick.js';
import { type Scheduler, startScheduler } from '../../src/scheduler/start-scheduler.js';
import { listAudit } from '../../src/store/audit.js';
import { claimTick, finishTick, scheduleHistory } from '../../src/store/schedule-runs.js';
import { collectLogs } from '../support/collect-logs.js';
import { createTestDb, type TestDb } from '../support/test-db.js';

const runs: string[] = [];
let hold: Promise<void> | undefined;
const check = defineCommand({
  name: 'check',
  summary: 'Checks an environment.',
  usage: ['check dev'],
  args: z.object({ env: arg.env() }),
  mutates: false,
  requiredRole: 'operator',
  run: async (ctx, a) => {
    runs.push(`${a.env}:${ctx.actor.userId}`);
    await hold;
    return { summary: `checked ${a.env}` };
  },
});
const nightly = defineSchedule({ name: 'nightly-check', cron: '0 1 * * *', command: 'check', args: { env: 'dev' } });
// Fires only on 1 January, so no real timer fires while the tests run; ticks are driven by hand.
const quarterly = defineSchedule({
  name: 'quarter-check',
  cron: '*/15 * 1 1 *',
  command: 'check',
  args: { env: 'staging' },
  catchUp: false,
});

let testDb: TestDb;
let sandbox: Sandbox;
const logs = collectLogs();
const posted: Array<{ schedule: string; outcome: Outcome }> = [];
const engines: Engine[] = [];
const schedulers: Scheduler[] = [];

async function replica(name: string, db = testDb.db, now = () => new Date('2026-11-23T09:07:00Z')) {
  const engine = createEngine({
    registry: createRegistry(
      [check, scheduleList, scheduleHistory_, schedulePause, scheduleResume, scheduleRun],
      [nightly, quarterly],
      [],
    ),
    catalog: loadCatalog('catalog.yaml'),
    db,
    cluster: createKubeCluster({ kubeConfig: sandbox.kubeConfig, sandbox: true }),
    directory: {
      groupMembers: async () => [],
      user: async (id) => ({ id, isGuest: false, isBot: false, deleted: false }),
    },
    logger: logs.logger,
  });
  engines.push(engine);
  const missed: Array<{ schedule: string; ticks: Date[]; caughtUp: boolean }> = [];
  const scheduler = await startScheduler({
    engine,
    db,
    logger: logs.logger,
    replica: name,
    schedules: [nightly, quarterly],
    now,
    repliesFor: (schedule): Replies => ({
      send: async (outcome) => void posted.push({ schedule: schedule.name, outcome }),
      progress: async () => {},
    }),
    reportMissed: async (m) => void missed.push(...m),
  });
  schedulers.push(scheduler);
  engine.deps.schedules = scheduler; // as start-opsbot does
  return { engine, scheduler, missed, db };
}

beforeAll(async () => {
  testDb = await createTestDb();
  sandbox = await startSandbox(sandboxEnvironments(loadCatalog('catalog.yaml')));
});
afterAll(async () => {
  for (const s of schedulers) s.stop();
  await sandbox?.close();
  await testDb?.close();
});

describe('the scheduler', () => {
  it('runs a tick once across three replicas, as the schedule, and records it', async () => {
    const [a, b, c] = [
      await replica('a'),
      await replica('b', await testDb.openAnother()),
      await replica('c', await testDb.openAnother()),
    ];
    const tick = new Date('2026-11-24T01:00:00Z');
    runs.length = 0;
    await Promise.all([a, b, c].map((r) => runTick(deps(r), nightly, tick)));
    expect(runs).toEqual(['dev:schedule:nightly-check']);
    const [run] = await scheduleHistory(testDb.db, 'nightly-check', 1);
    expect(run).toMatchObject({ tick, state: 'succeeded', summary: 'checked dev' });
    expect(posted.at(-1)).toMatchObject({ schedule: 'nightly-check', outcome: { kind: 'result' } });
  });

  it('does not start a tick while the previous run is still going', async () => {
    const r = await replica('d');
    let release: () => void = () => {};
    hold = new Promise((resolve) => (release = resolve));
    const first = runTick(deps(r), quarterly, new Date('2026-11-24T02:00:00Z'));
    await expect.poll(() => runs.filter((x) => x.startsWith('staging')).length).toBe(1);
    await runTick(deps(r), quarterly, new Date('2026-11-24T02:15:00Z'));
    expect(runs.filter((x) => x.startsWith('staging'))).toHaveLength(1);
    release();
    await first;
    hold = undefined;
    const [latest, earlier] = await scheduleHistory(testDb.db, 'quarter-check', 2);
    expect(latest).toMatchObject({ state: 'skipped', reason: 'the run of 2026-11-24T02:00:00.000Z is still going' });
    expect(earlier).toMatchObject({ state: 'succeeded' });
  });

  it('skips a paused schedule and says who paused it, until resumed; both are audited', async () => {
    const { scheduler, ...r } = await replica('e');
    const alice: Actor = { kind: 'user', userId: 'U0ALICE', teamId: 'T1', roles: ['operator'] };
    await scheduler.setPaused('nightly-check', true, alice, 'maintenance window');
    await runTick(deps(r), nightly, new Date('2026-11-25T01:00:00Z'));
    expect((await scheduler.list()).find((s) => s.name === 'nightly-check')).toMatchObject({
      paused: true,
      pausedBy: 'U0ALICE',
      pauseReason: 'maintenance window',
      lastRun: { state: 'skipped', reason: 'paused by U0ALICE' },
    });
    await scheduler.setPaused('nightly-check', false, alice);
    const kinds = (await listAudit(testDb.db, { actor: 'U0ALICE', limit: 5 })).map((e) => e.kind);
    expect(kinds.slice(0, 2)).toEqual(['schedule.resumed', 'schedule.paused']);
  });

  it('after downtime reports the missed ticks once and runs only the latest, never a burst', async () => {
    // The last nightly run was three days before "now": two nights were missed.
    await claimTick(testDb.db, { schedule: 'nightly-check', tick: new Date('2026-12-01T01:00:00Z'), replica: 'old' });
    await finishTick(testDb.db, {
      schedule: 'nightly-check',
      tick: new Date('2026-12-01T01:00:00Z'),
      state: 'succeeded',
    });
    runs.length = 0;
    const now = () => new Date('2026-12-03T09:00:00Z');
    const first = await replica('f', testDb.db, now);
    const second = await replica('g', await testDb.openAnother(), now);
    const nightlyMissed = [...first.missed, ...second.missed].filter((m) => m.schedule === 'nightly-check');
    expect(nightlyMissed).toEqual([
      {
        schedule: 'nightly-check',
        ticks: [new Date('2026-12-02T01:00:00Z'), new Date('2026-12-03T01:00:00Z')],
        caughtUp: true,
      },
    ]);
    await expect.poll(() => runs.filter((x) => x.startsWith('dev')).length).toBe(1);
    const states = async () =>
      (await scheduleHistory(testDb.db, 'nightly-check', 3)).map((h) => [h.tick.toISOString(), h.state]);
    await expect.poll(states).toEqual([
      ['2026-12-03T01:00:00.000Z', 'succeeded'],
      ['2026-12-02T01:00:00.000Z', 'missed'],
      ['2026-12-01T01:00:00.000Z', 'succeeded'],
    ]);
  });

  it('is listed, paused, resumed and run from /ops, as the person who asked', async () => {
    const { engine } = await replica('i');
    const say = async (text: string, userId = 'U0ALICE') => {
      const sent: Outcome[] = [];
      await engine.run(
        { text, actor: { userId, teamId: 'T1' }, source: 'console' },
        { send: async (o) => void sent.push(o), progress: async () => {} },
      );
      return sent[0] as Outcome;
    };
    const paused = await say('schedule pause quarter-check --reason "upgrade tonight"');
    expect(paused).toMatchObject({
      kind: 'result',
      result: {
        summary: 'quarter-check is paused (upgrade tonight); /ops schedule resume quarter-check to restart it.',
      },
    });
    const list = await say('schedule list');
    expect(list.kind === 'result' && list.result.details).toMatch(
      /quarter-check .* PAUSED .* paused by <@U0ALICE>: upgrade tonight/,
    );
    expect(await say('schedule pause quarter-check', 'U0CAROL')).toMatchObject({ kind: 'error', code: 'forbidden' });
    runs.length = 0;
    const ran = await say('schedule run nightly-check');
    expect(ran).toMatchObject({ kind: 'result', result: { ok: true } });
    expect(runs).toEqual(['dev:U0ALICE']);
    const history = await say('schedule history nightly-check --limit 1');
    expect(history.kind === 'result' && history.result.summary).toMatch(
      /^nightly-check: last 1 runs, 0 failed; latest succeeded$/,
    );
    expect(await say('schedule resume quarter-check')).toMatchObject({ kind: 'result' });
  });

  it('says which schedules exist when a name is wrong', async () => {
    const { scheduler } = await replica('h');
    await expect(scheduler.history('nighty-check')).rejects.toThrow(
      'There is no schedule "nighty-check". Schedules: nightly-check, quarter-check.',
    );
  });
});

function deps(r: { engine: Engine; db: TestDb['db'] }) {
  return {
    engine: r.engine,
    db: r.db,
    logger: logs.logger,
    replica: 'test',
    repliesFor: (schedule: { name: string }): Replies => ({
      send: async (outcome) => void posted.push({ schedule: schedule.name, outcome }),
      progress: async () => {},
    }),
  };
}
