/**
 * Scheduled times. A tick is named by its scheduled minute, rounded, so two
 * replicas whose clocks differ by a few seconds claim the same row.
 */
import cron, { type ScheduledTask } from 'node-cron';

export const roundToMinute = (at: Date) => new Date(Math.round(at.getTime() / 60_000) * 60_000);

const LOOKBACK_MINUTES = 7 * 24 * 60;

/** The scheduled times after `since` and up to `until` (at most a week back), oldest first. */
export function ticksBetween(task: ScheduledTask, since: Date, until: Date): Date[] {
  const ticks: Date[] = [];
  const start = Math.max(since.getTime() + 60_000, until.getTime() - LOOKBACK_MINUTES * 60_000);
  for (let t = Math.ceil(start / 60_000) * 60_000; t <= until.getTime(); t += 60_000) {
    if (task.match(new Date(t))) ticks.push(new Date(t));
  }
  return ticks;
}

export function createTimer(
  expression: string,
  timezone: string,
  name: string,
  onTick: (at: Date) => void,
): ScheduledTask {
  return cron.createTask(expression, (context) => onTick(roundToMinute(context.date)), {
    timezone,
    name,
    noOverlap: true,
  });
}
