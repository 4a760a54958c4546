/**
 * The incident's records: messages added from Slack, the timeline as lines, and the postmortem built
 * from the timeline and uploaded to the incident channel.
 */
import { appendAudit } from '../store/audit.js';
import type { Db } from '../store/db.js';
import { describeEvents } from './describe-event.js';
import type { IncidentChat } from './incident-chat.js';
import { listTasks } from './incident-store.js';
import { mention } from './incident-text.js';
import type { IncidentActor, IncidentInfo } from './port.js';
import { renderPostmortem } from './postmortem.js';
import { listTimeline } from './timeline-store.js';

const slackTime = (ts: string) => new Date(Math.round(Number(ts) * 1000));

/** Claimed by (incident, message ts) so a second pin, a retried event or another replica adds nothing. */
export async function addMessage(
  db: Db,
  incident: IncidentInfo,
  message: { ts: string; author: string; text: string },
  actor: IncidentActor,
): Promise<boolean> {
  return db.transaction(async (tx) => {
    const { rowCount } = await tx.query(
      `insert into incident_messages (incident_id, message_ts, added_by) values ($1, $2, $3) on conflict do nothing`,
      [incident.id, message.ts, actor.userId],
    );
    if (rowCount === 0) return false;
    // occurredAt and author make the timeline event carry the message's own time and writer.
    await appendAudit(tx, {
      actor: actor.userId,
      teamId: actor.teamId,
      kind: 'incident.message',
      payload: {
        incident: incident.id,
        author: message.author,
        occurredAt: slackTime(message.ts).toISOString(),
        text: message.text,
        addedBy: actor.userId,
        ts: message.ts,
      },
    });
    return true;
  });
}

/** Names for the Slack user ids in `ids` (schedules and opsbot keep theirs). */
async function namesOf(chat: IncidentChat, ids: Iterable<string>): Promise<(id: string) => string> {
  const people = new Map<string, string>();
  for (const id of new Set(ids))
    if (/^[UW][A-Z0-9]+$/.test(id)) people.set(id, (await chat.person(id).catch(() => ({ name: id }))).name);
  return (id) => people.get(id) ?? (id.startsWith('schedule:') ? `schedule ${id.slice(9)}` : id);
}

const idsIn = (text: string) => text.match(/\b[UW][A-Z0-9]{5,}\b/g) ?? [];

/** The timeline as preformatted lines (shown in a code block, where mentions do not render: names instead). */
export async function timelineLines(db: Db, chat: IncidentChat, incident: IncidentInfo): Promise<string[]> {
  const events = describeEvents(await listTimeline(db, incident.id));
  const name = await namesOf(
    chat,
    events.flatMap((e) => [e.actor, ...idsIn(e.what)]),
  );
  return events.map(
    (e) =>
      `${e.at.toISOString().slice(11, 19)} ${name(e.actor)}: ${e.what.replace(/@([UW][A-Z0-9]{2,})/g, (_, id: string) => name(id))}`,
  );
}

export async function writePostmortem(
  db: Db,
  chat: IncidentChat,
  incident: IncidentInfo,
  actor: IncidentActor,
  timeZone: string | undefined,
): Promise<{ filename: string; markdown: string }> {
  const [events, tasks] = await Promise.all([listTimeline(db, incident.id), listTasks(db, incident.id)]);
  // Names, not ids: the document is read outside Slack.
  const ids = new Set([
    incident.commander,
    incident.declaredBy,
    ...Object.values(incident.roles),
    ...tasks.flatMap((t) => (t.owner ? [t.owner] : [])),
    ...events.flatMap((e) => [e.actor, ...idsIn(JSON.stringify(e.payload))]),
  ]);
  const name = await namesOf(chat, ids);
  const zone =
    timeZone ?? (await chat.person(actor.userId).catch(() => ({ name: '', timeZone: 'UTC' }))).timeZone ?? 'UTC';
  const markdown = renderPostmortem({ incident, events, tasks, timeZone: zone, name });
  const filename = `postmortem-${incident.id.toLowerCase()}.md`;
  if (incident.channelId)
    await chat.upload(incident.channelId, {
      filename,
      content: markdown,
      title: `${incident.id} postmortem`,
      comment: `${incident.id} postmortem, built from the timeline (${mention(actor.userId)})`,
    });
  return { filename, markdown };
}
