/**
 * Reminders: when an open incident of a reminded severity has had no status update for its interval,
 * the commander is nudged in the channel, again every interval, until an update is posted or the
 * incident is resolved. Every replica checks every minute; a nudge is claimed by a conditional update
 * of last_nudge_at, so it is posted once. The clock is a parameter, so tests drive it.
 */
import type { Logger } from 'pino';
import { appendAudit } from '../store/audit.js';
import type { Db } from '../store/db.js';
import type { IncidentChat } from './incident-chat.js';
import { mention } from './incident-text.js';
import type { Severity } from './port.js';

/** Minutes without a status update before the commander is nudged; severities absent are never nudged. */
export type ReminderIntervals = Partial<Record<Severity, number>>;
export const DEFAULT_REMINDERS: ReminderIntervals = { SEV1: 30, SEV2: 30 };

export interface ReminderDeps {
  db: Db;
  chat: Pick<IncidentChat, 'post'>;
  intervals: ReminderIntervals;
  logger: Logger;
}

// Due when the last update (or the last nudge) is `minutes` old at `now`. The claim re-checks it in the
// UPDATE itself, so of two replicas checking at once only one sees it still due. Milliseconds, as the clock has.
const DUE = (table: string, minutes: string, now: string) =>
  `date_trunc('milliseconds', coalesce(${table}.last_nudge_at, ${table}.last_update_at)) + make_interval(mins => ${minutes}::int) <= ${now}`;

interface Due {
  id: string;
  commander: string;
  channelId: string;
  lastUpdateAt: Date;
  lastNudgeAt: Date | null;
  minutes: number;
}

/** Sends the nudges due at `now`; returns the incidents nudged. */
export async function sendDueReminders(deps: ReminderDeps, now: Date): Promise<string[]> {
  const severities = Object.entries(deps.intervals).filter(([, m]) => typeof m === 'number' && m > 0);
  if (severities.length === 0) return [];
  const { rows } = await deps.db.query<Due>(
    `select i.id, i.commander, i.channel_id as "channelId", i.last_update_at as "lastUpdateAt",
       i.last_nudge_at as "lastNudgeAt", r.minutes
     from incidents i
     join (select key as severity, value::int as minutes from jsonb_each_text($1::jsonb)) r on r.severity = i.severity
     where i.resolved_at is null and i.channel_id is not null
       and ${DUE('i', 'r.minutes', '$2')}`,
    [JSON.stringify(Object.fromEntries(severities)), now],
  );
  const nudged: string[] = [];
  for (const due of rows) {
    const claimed = await deps.db.transaction(async (tx) => {
      const { rowCount } = await tx.query(
        `update incidents set last_nudge_at = $2 where id = $1 and resolved_at is null and ${DUE('incidents', '$3', '$2')}`,
        [due.id, now, due.minutes],
      );
      if (rowCount === 0) return false;
      await appendAudit(tx, {
        actor: 'opsbot',
        kind: 'incident.reminder',
        payload: { incident: due.id, minutes: due.minutes, commander: due.commander, occurredAt: now.toISOString() },
      });
      return true;
    });
    if (!claimed) continue;
    const silentFor = Math.round((now.getTime() - due.lastUpdateAt.getTime()) / 60_000);
    const text = `:alarm_clock: ${mention(due.commander)} no status update on ${due.id} for ${silentFor} min. Post one: \`/ops incident status identified "…"\``;
    await deps.chat
      .post(due.channelId, { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] })
      .catch((err) => deps.logger.warn({ err, incident: due.id }, 'could not post the reminder'));
    nudged.push(due.id);
  }
  return nudged;
}

/** Checks every minute in this replica; returns stop(). */
export function startReminders(deps: ReminderDeps, now: () => Date = () => new Date(), everyMs = 60_000) {
  const timer = setInterval(() => {
    sendDueReminders(deps, now()).catch((err) => deps.logger.error({ err }, 'incident reminders failed'));
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
