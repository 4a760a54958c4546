/**
 * Where a schedule's outcome goes: its `postTo` channel from the catalog.
 * Failures always go somewhere: to the alerts channel when the schedule names
 * none, so a broken nightly job is never silent.
 */
import type { Catalog } from '../catalog.js';
import type { ScheduleDefinition } from '../define.js';
import type { Outcome, Replies } from '../runs/outcome.js';
import type { ChecklistMessage } from './run-checklist.js';

export type PostOutcome = (channel: string, outcome: Outcome, schedule: ScheduleDefinition) => Promise<void>;

export function scheduleReplies(catalog: Catalog, post: PostOutcome) {
  return (schedule: ScheduleDefinition): Replies => ({
    async send(outcome) {
      if (outcome.kind === 'result' && outcome.result.quiet) return;
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
    const at = (t: Date) => t.toISOString().slice(0, 16).replace('T', ' ');
    // A frequent schedule misses many ticks in an hour of downtime: name the range, not each one.
    const list =
      ticks.length > 5 ? `${at(ticks[0] as Date)} to ${at(ticks[ticks.length - 1] as Date)}` : ticks.map(at).join(', ');
    return `• ${schedule}: ${ticks.length} missed (${list} UTC)${caughtUp ? '; the latest runs now' : ''}`;
  });
  return `opsbot was not running when these schedules were due:\n${lines.join('\n')}`;
}

/** What a checklist needs of Slack: post once, then edit that message. */
export interface MessageClient {
  chat: {
    postMessage(args: { channel: string; text: string }): Promise<{ ts?: string }>;
    update(args: { channel: string; ts: string; text: string }): Promise<unknown>;
  };
}

/**
 * A checklist's one message, in its `postTo` channel (the alerts channel when it names none).
 * Without Slack (the console) the finished checklist is written out once.
 */
export function checklistMessages(catalog: Catalog, client: MessageClient | undefined, write: (text: string) => void) {
  return (schedule: ScheduleDefinition): ChecklistMessage => {
    const channel = (schedule.postTo && catalog.channels[schedule.postTo]) || catalog.channels.alerts;
    let ts: string | undefined;
    return {
      async update(text, done) {
        if (!client || !channel) {
          if (done) write(`[schedule ${schedule.name}]\n${text}\n`);
          return;
        }
        if (ts) await client.chat.update({ channel, ts, text });
        else ts = (await client.chat.postMessage({ channel, text })).ts;
      },
    };
  };
}
