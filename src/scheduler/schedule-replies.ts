/**
 * Where a schedule's outcome goes: its `postTo` channel from the catalog.
 * Failures always go somewhere: to the alerts channel when the schedule names
 * none, so a broken nightly job is never silent.
 */
import type { Catalog } from '../catalog.js';
import type { ScheduleDefinition } from '../define.js';
import type { Outcome, Replies } from '../runs/outcome.js';

export type PostOutcome = (channel: string, outcome: Outcome, schedule: ScheduleDefinition) => Promise<void>;

export function scheduleReplies(catalog: Catalog, post: PostOutcome) {
  return (schedule: ScheduleDefinition): Replies => ({
    async send(outcome) {
      const failed = outcome.kind === 'error' || (outcome.kind === 'result' && outcome.result.ok === false);
      const channel =
        (schedule.postTo && catalog.channels[schedule.postTo]) || (failed ? catalog.channels.alerts : undefined);
      if (channel) await post(channel, outcome, schedule);
    },
    progress: async () => {},
  });
}

export function describeMissed(missed: Array<{ schedule: string; ticks: Date[]; caughtUp: boolean }>): string {
  const lines = missed.map(({ schedule, ticks, caughtUp }) => {
    const list = ticks.map((t) => t.toISOString().slice(0, 16).replace('T', ' ')).join(', ');
    return `• ${schedule}: ${ticks.length} missed (${list} UTC)${caughtUp ? '; the latest runs now' : ''}`;
  });
  return `opsbot was not running when these schedules were due:\n${lines.join('\n')}`;
}
