/**
 * When a schedule fires, judged on the wall clock of its time zone as Vixie cron does
 * around daylight saving changes: a time that the spring change skips (02:30 in
 * Europe/Berlin on the last Sunday of March) fires once, at the first minute after the
 * gap; a time that the autumn change repeats fires once, the first time. node-cron
 * matches instants, so on its own it would skip the first and double the second.
 *
 * Day-of-month and day-of-week are ANDed (node-cron's rule, unlike Vixie cron's OR):
 * "0 4 1-7 * 6" is the first Saturday of the month, not every Saturday.
 */
import cron, { type ScheduledTask } from 'node-cron';

const MINUTE = 60_000;

export interface ScheduleTimes {
  /** Does the schedule fire at this minute (a UTC instant on a whole minute)? */
  fires(at: Date): boolean;
  /** The next minute after `after` at which it fires (looks at most ~13 months ahead). */
  next(after: Date): Date | undefined;
  /** Releases node-cron's registration of the expression. */
  dispose(): void;
}

const formats = new Map<string, Intl.DateTimeFormat>();

/** Minutes the zone's wall clock is ahead of UTC at `at`. */
export function utcOffsetMinutes(timezone: string, at: Date): number {
  let format = formats.get(timezone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
    });
    formats.set(timezone, format);
  }
  const part = Object.fromEntries(format.formatToParts(at).map((p) => [p.type, Number(p.value)]));
  const wall = Date.UTC(part.year ?? 0, (part.month ?? 1) - 1, part.day, part.hour, part.minute);
  return Math.round((wall - Math.floor(at.getTime() / MINUTE) * MINUTE) / MINUTE);
}

const unstarted = (expression: string, timezone: string): ScheduledTask =>
  cron.createTask(expression, () => {}, { timezone });

export function scheduleTimes(expression: string, timezone = 'UTC'): ScheduleTimes {
  const inZone = unstarted(expression, timezone);
  // The same expression read on a UTC clock: matching it against a wall-clock time written as UTC
  // tells whether that wall-clock time is scheduled, even when the zone skips it.
  const onWallClock = unstarted(expression, 'UTC');
  const offset = (t: number) => utcOffsetMinutes(timezone, new Date(t));

  /** The autumn change repeats an hour: fire only the first time a wall-clock minute comes round. */
  function isRepeat(t: number): boolean {
    const fellBackBy = offset(t - 3 * 3600_000) - offset(t);
    return fellBackBy > 0 && offset(t - fellBackBy * MINUTE) === offset(t) + fellBackBy;
  }

  /** The spring change skips wall-clock minutes: their runs happen at the first minute after the gap. */
  function skippedMinuteScheduled(t: number): boolean {
    const gap = offset(t) - offset(t - MINUTE);
    if (gap <= 0) return false;
    const wallNow = t + offset(t) * MINUTE;
    for (let m = 1; m <= gap; m++) if (onWallClock.match(new Date(wallNow - m * MINUTE))) return true;
    return false;
  }

  function fires(at: Date): boolean {
    const t = Math.floor(at.getTime() / MINUTE) * MINUTE;
    if (inZone.match(new Date(t))) return !isRepeat(t);
    return timezone !== 'UTC' && skippedMinuteScheduled(t);
  }

  function next(after: Date): Date | undefined {
    const from = Math.floor(after.getTime() / MINUTE) * MINUTE;
    // node-cron's next match counts from the current time; skip repeats it may offer.
    const candidate = inZone.getNextRuns(4).find((d) => d.getTime() > from && fires(d));
    if (timezone === 'UTC') return candidate;
    // A run moved to the end of a spring gap is not a node-cron match: look for gaps before the candidate.
    const limit = candidate?.getTime() ?? from + 400 * 24 * 3600_000;
    for (let h = from; h < limit; h += 3600_000) {
      if (offset(h + 3600_000) > offset(h)) {
        for (let m = h + MINUTE; m <= h + 3600_000 && m < limit; m += MINUTE) {
          if (skippedMinuteScheduled(m)) return new Date(m);
        }
      }
    }
    return candidate;
  }

  return {
    fires,
    next,
    dispose: () => {
      inZone.destroy();
      onWallClock.destroy();
    },
  };
}
