/**
 * Every replica schedules every job; each tick is claimed in PostgreSQL first
 * (run-tick.ts), so it runs once however many replicas fire. At start, ticks
 * missed while no replica ran are reported once, and only the latest of each
 * schedule is caught up, never a burst.
 */
import type { Actor, ScheduleDefinition, SchedulePort, ScheduleRunInfo } from '../define.js';
import { OpsError } from '../errors.js';
import { appendAudit } from '../store/audit.js';
import { claimTick, lastTicks, scheduleControls, scheduleHistory, setPaused } from '../store/schedule-runs.js';
import { runTick, type TickDeps } from './run-tick.js';
import { type ScheduleTimes, scheduleTimes } from './schedule-times.js';
import { roundToMinute, startMinuteTimer, ticksBetween } from './ticks.js';

export interface SchedulerOptions extends TickDeps {
  schedules: readonly ScheduleDefinition[];
  /** Told once about ticks missed while opsbot was down (by the replica that claimed them). */
  reportMissed?(missed: Array<{ schedule: string; ticks: Date[]; caughtUp: boolean }>): Promise<void>;
  now?: () => Date;
}

export interface Scheduler extends SchedulePort {
  stop(): void;
}

export async function startScheduler(options: SchedulerOptions): Promise<Scheduler> {
  const now = options.now ?? (() => new Date());
  const timers = new Map<string, ScheduleTimes>();
  for (const schedule of options.schedules) {
    timers.set(schedule.name, scheduleTimes(schedule.cron, schedule.timezone ?? 'UTC'));
  }
  await catchUp(options, timers, now());
  const clock = startMinuteTimer((minute) => {
    for (const schedule of options.schedules) {
      if (!timers.get(schedule.name)?.fires(minute)) continue;
      void runTick(options, schedule, minute).catch((error) => options.logger.error({ err: error }, 'tick failed'));
    }
  });

  const find = (name: string) => {
    const schedule = options.schedules.find((s) => s.name === name);
    if (!schedule) {
      const known = options.schedules.map((s) => s.name).join(', ') || 'none';
      throw new OpsError('usage', `There is no schedule "${name}". Schedules: ${known}.`);
    }
    return schedule;
  };
  const info = (run: {
    tick: Date;
    state: string;
    reason: string | null;
    summary: string | null;
    runId: string | null;
  }) =>
    ({
      tick: run.tick,
      state: run.state,
      reason: run.reason,
      summary: run.summary,
      runId: run.runId,
    }) satisfies ScheduleRunInfo;

  return {
    stop: () => {
      clock.stop();
      for (const timer of timers.values()) timer.dispose();
    },
    async list() {
      const [last, controls] = await Promise.all([lastTicks(options.db), scheduleControls(options.db)]);
      return options.schedules.map((s) => {
        const run = last.get(s.name);
        const control = controls.get(s.name);
        const next = timers.get(s.name)?.next(now());
        return {
          name: s.name,
          ...(s.summary ? { summary: s.summary } : {}),
          cron: s.cron,
          timezone: s.timezone ?? 'UTC',
          command: s.steps ? `checklist: ${s.steps.map((step) => step.command).join(', ')}` : s.command,
          paused: control?.paused ?? false,
          ...(control?.paused
            ? { pausedBy: control.actor, ...(control.reason ? { pauseReason: control.reason } : {}) }
            : {}),
          ...(next ? { nextRun: next } : {}),
          ...(run ? { lastRun: info(run) } : {}),
        };
      });
    },
    history: async (name, limit) => (await scheduleHistory(options.db, find(name).name, limit)).map(info),
    async runNow(name: string, actor: Actor) {
      const schedule = find(name);
      const tick = new Date(Math.floor(now().getTime() / 1000) * 1000);
      await runTick(options, schedule, tick, { actor });
      const [run] = await scheduleHistory(options.db, schedule.name, 1);
      return info(run ?? { tick, state: 'failed', reason: null, summary: 'no record of the run', runId: null });
    },
    async setPaused(name: string, paused: boolean, actor: Actor, reason?: string) {
      const schedule = find(name);
      await setPaused(options.db, {
        schedule: schedule.name,
        paused,
        actor: actor.userId,
        ...(reason ? { reason } : {}),
      });
      await appendAudit(options.db, {
        actor: actor.userId,
        teamId: actor.teamId,
        kind: paused ? 'schedule.paused' : 'schedule.resumed',
        payload: { schedule: schedule.name, reason: reason ?? null },
      });
    },
  };
}

async function catchUp(options: SchedulerOptions, timers: Map<string, ScheduleTimes>, at: Date): Promise<void> {
  const last = await lastTicks(options.db);
  const missed: Array<{ schedule: string; ticks: Date[]; caughtUp: boolean }> = [];
  const latest: Array<[ScheduleDefinition, Date]> = [];
  for (const schedule of options.schedules) {
    const previous = last.get(schedule.name);
    const timer = timers.get(schedule.name);
    if (!previous || !timer) continue; // never ran here: nothing was missed
    const ticks = ticksBetween(timer, previous.tick, roundToMinute(at)).filter((t) => t < at);
    if (ticks.length === 0) continue;
    const newest = ticks[ticks.length - 1] as Date;
    const caughtUp = schedule.catchUp !== false;
    // Whoever claims a missed row reports it (and runs the latest); replicas starting at once find them taken.
    const claimed: Date[] = [];
    for (const tick of ticks) {
      const isLatest = tick === newest && caughtUp;
      const state = isLatest ? 'running' : 'missed';
      if (await claimTick(options.db, { schedule: schedule.name, tick, replica: options.replica, state })) {
        claimed.push(tick);
        if (isLatest) latest.push([schedule, tick]);
      }
    }
    if (claimed.length > 0)
      missed.push({ schedule: schedule.name, ticks: claimed, caughtUp: latest.some(([s]) => s === schedule) });
  }
  if (missed.length > 0)
    await options.reportMissed?.(missed).catch((e) => options.logger.error({ err: e }, 'missed report failed'));
  for (const [schedule, tick] of latest) void runTick(options, schedule, tick, { alreadyClaimed: true });
}
