/**
 * Scheduled times. A tick is named by its scheduled minute, so two replicas whose
 * clocks differ by a few seconds claim the same row.
 *
 * One timer per scheduler wakes at every minute boundary and fires the schedules due
 * in each minute since it last looked: an event loop that stalls for a few seconds
 * (a long GC, a busy replica) fires late instead of dropping the tick, which node-cron's
 * one-second tolerance would do.
 */
import type { ScheduleTimes } from './schedule-times.js';

const MINUTE = 60_000;
/** A stall longer than this is downtime: the start-up catch-up reports it, the timer does not burst. */
const MAX_LATE_MINUTES = 10;
const LOOKBACK_MINUTES = 7 * 24 * 60;

export const roundToMinute = (at: Date) => new Date(Math.round(at.getTime() / MINUTE) * MINUTE);

/** The scheduled times after `since` and up to `until` (at most a week back), oldest first. */
export function ticksBetween(times: ScheduleTimes, since: Date, until: Date): Date[] {
  const ticks: Date[] = [];
  const start = Math.max(since.getTime() + MINUTE, until.getTime() - LOOKBACK_MINUTES * MINUTE);
  for (let t = Math.ceil(start / MINUTE) * MINUTE; t <= until.getTime(); t += MINUTE) {
    if (times.fires(new Date(t))) ticks.push(new Date(t));
  }
  return ticks;
}

export interface MinuteTimer {
  stop(): void;
}

/** Calls `onMinute` once for every whole minute from now on, in order, until stopped. */
export function startMinuteTimer(onMinute: (at: Date) => void): MinuteTimer {
  let checked = Math.floor(Date.now() / MINUTE) * MINUTE;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const arm = () => {
    if (stopped) return;
    const due = checked + MINUTE;
    timer = setTimeout(() => beat(due), Math.max(0, due - Date.now()));
    timer.unref?.();
  };
  const beat = (due: number) => {
    // A timer may wake a hair before the boundary by the wall clock; the minute it was armed for is due.
    const reached = Math.max(due, Math.floor(Date.now() / MINUTE) * MINUTE);
    const first = Math.max(checked + MINUTE, reached - MAX_LATE_MINUTES * MINUTE);
    for (let t = first; t <= reached; t += MINUTE) onMinute(new Date(t));
    checked = reached;
    arm();
  };
  arm();
  return {
    stop: () => {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
