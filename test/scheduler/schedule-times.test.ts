import { afterEach, describe, expect, it, vi } from 'vitest';
import { type ScheduleTimes, scheduleTimes } from '../../src/scheduler/schedule-times.js';
import { ticksBetween } from '../../src/scheduler/ticks.js';

const made: ScheduleTimes[] = [];
const times = (cron: string, timezone?: string) => {
  const t = scheduleTimes(cron, timezone);
  made.push(t);
  return t;
};
afterEach(() => {
  for (const t of made.splice(0)) t.dispose();
});
const iso = (dates: Date[]) => dates.map((d) => d.toISOString());
const between = (t: ScheduleTimes, from: string, to: string) => ticksBetween(t, new Date(from), new Date(to));

describe('schedule times', () => {
  it('first Saturday 04:00 fires once a month, on the first Saturday, for a whole year', () => {
    const t = times('0 4 1-7 * 6');
    const fired: Date[] = [];
    // ticksBetween looks back a week at most, so walk the year week by week.
    const yearEnd = Date.parse('2027-12-31T23:59:00Z');
    for (let week = Date.parse('2026-12-31T23:59:00Z'); week < yearEnd; ) {
      const end = Math.min(week + 7 * 86_400_000, yearEnd);
      fired.push(...ticksBetween(t, new Date(week), new Date(end)));
      week = end;
    }
    expect(iso(fired)).toEqual([
      '2027-01-02T04:00:00.000Z',
      '2027-02-06T04:00:00.000Z',
      '2027-03-06T04:00:00.000Z',
      '2027-04-03T04:00:00.000Z',
      '2027-05-01T04:00:00.000Z',
      '2027-06-05T04:00:00.000Z',
      '2027-07-03T04:00:00.000Z',
      '2027-08-07T04:00:00.000Z',
      '2027-09-04T04:00:00.000Z',
      '2027-10-02T04:00:00.000Z',
      '2027-11-06T04:00:00.000Z',
      '2027-12-04T04:00:00.000Z',
    ]);
    for (const d of fired) expect(d.getUTCDay()).toBe(6);
  });

  it('a time the spring change skips runs once, right after the gap; the days around it are untouched', () => {
    // Europe/Berlin jumps from 02:00 to 03:00 on 2026-03-29: 02:30 does not exist that day.
    const t = times('30 2 * * *', 'Europe/Berlin');
    expect(iso(between(t, '2026-03-27T12:00:00Z', '2026-03-30T12:00:00Z'))).toEqual([
      '2026-03-28T01:30:00.000Z', // 02:30 CET
      '2026-03-29T01:00:00.000Z', // 03:00 CEST, the first minute after the gap
      '2026-03-30T00:30:00.000Z', // 02:30 CEST
    ]);
  });

  it('a time the autumn change repeats runs once, the first time', () => {
    // Europe/Berlin goes from 03:00 back to 02:00 on 2026-10-25: 02:30 happens twice.
    const t = times('30 2 * * *', 'Europe/Berlin');
    expect(iso(between(t, '2026-10-23T12:00:00Z', '2026-10-26T12:00:00Z'))).toEqual([
      '2026-10-24T00:30:00.000Z',
      '2026-10-25T00:30:00.000Z', // 02:30 CEST; 02:30 CET an hour later does not run again
      '2026-10-26T01:30:00.000Z',
    ]);
  });

  it('every-15-minutes schedules keep their count through both changes (no hour lost, none doubled)', () => {
    const t = times('*/15 * * * *', 'America/New_York');
    // New York: 2026-03-08 02:00 → 03:00 (the day has 23 hours), 2026-11-01 02:00 → 01:00 (25 hours).
    const spring = between(t, '2026-03-08T04:59:00Z', '2026-03-09T03:59:00Z');
    const autumn = between(t, '2026-11-01T03:59:00Z', '2026-11-02T04:59:00Z');
    // The skipped 02:00-02:45 run at 03:00, together with 03:00's own run: one run, not five.
    expect(spring).toHaveLength(23 * 4);
    expect(new Set(iso(spring)).size).toBe(spring.length);
    expect(iso(spring)).toContain('2026-03-08T07:00:00.000Z');
    expect(autumn).toHaveLength(24 * 4); // the repeated 01:00-01:45 run once
  });

  it('UTC schedules are plain: next run of the seed schedules', () => {
    const now = new Date();
    const friday = times('0 2 * * 5').next(now);
    expect(friday?.getUTCDay()).toBe(5);
    expect(friday?.getUTCHours()).toBe(2);
    const daily = times('0 1 * * *').next(now);
    expect((daily?.getTime() ?? 0) - now.getTime()).toBeLessThanOrEqual(86_400_000);
  });

  it('lists as next run of a zoned schedule the minute after a spring gap that swallows its time', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(new Date('2026-11-23T09:00:00Z'));
      // 02:30 on 28 March 2027 does not exist in Berlin (clocks jump 02:00 → 03:00).
      const t = times('30 2 28 3 *', 'Europe/Berlin');
      expect(t.next(new Date())?.toISOString()).toBe('2027-03-28T01:00:00.000Z');
    } finally {
      vi.useRealTimers();
    }
  });
});
