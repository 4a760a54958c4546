import { describe, expect, it } from 'vitest';
import { describeMissed } from '../../src/scheduler/schedule-replies.js';

describe('the missed-ticks report', () => {
  it('names each missed tick of a rare schedule, and only the range of a frequent one', () => {
    const quarterHours = Array.from({ length: 12 }, (_, i) => new Date(Date.UTC(2026, 10, 23, 9, i * 15)));
    const text = describeMissed([
      { schedule: 'daily-backup', ticks: [new Date('2026-11-23T01:00:00Z')], caughtUp: true },
      { schedule: 'health-monitor', ticks: quarterHours, caughtUp: false },
    ]);
    expect(text.split('\n')).toEqual([
      'opsbot was not running when these schedules were due:',
      '• daily-backup: 1 missed (2026-11-23 01:00 UTC); the latest runs now',
      '• health-monitor: 12 missed (2026-11-23 09:00 to 2026-11-23 11:45 UTC)',
    ]);
  });
});
