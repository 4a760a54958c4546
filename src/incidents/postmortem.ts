/**
 * The postmortem: markdown built only from the incident row, its tasks and its timeline, so it can be
 * committed to git as written. Times in the reader's time zone and in UTC.
 */
import { type DescribedEvent, describeEvents, formatDuration } from './describe-event.js';
import { where } from './incident-text.js';
import type { IncidentInfo } from './port.js';
import type { TimelineEvent } from './timeline-store.js';

export interface PostmortemInput {
  incident: IncidentInfo;
  events: TimelineEvent[];
  tasks: Array<{ number: number; text: string; owner: string | null }>;
  timeZone: string;
  name(userId: string): string;
}

export function formatIn(at: Date, timeZone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second}`;
}

const cell = (text: string) => text.replaceAll('|', '\\|').replaceAll('\n', ' ');

/** Time to acknowledge: the first thing a person did after the declaration (alerts do not count). */
export function keyTimes(incident: IncidentInfo, events: DescribedEvent[]) {
  const first = events.find((e) => e.at > incident.declaredAt && e.section !== 'alert' && /^[UW]/.test(e.actor))?.at;
  const acknowledged = [first, incident.acknowledgedAt].filter((d): d is Date => !!d).sort((a, b) => +a - +b)[0];
  return {
    declared: incident.declaredAt,
    acknowledged,
    mitigated: incident.mitigatedAt ?? undefined,
    resolved: incident.resolvedAt ?? undefined,
  };
}

export function renderPostmortem(input: PostmortemInput): string {
  const { incident, timeZone, name } = input;
  // Mentions (@U…) become names: the document is read outside Slack.
  const named = (text: string) => text.replace(/@([UW][A-Z0-9]{2,})/g, (_, id: string) => name(id));
  const events = describeEvents(input.events).map((e) => ({ ...e, what: named(e.what) }));
  const who = (id: string) => (id.startsWith('schedule:') ? `schedule ${id.slice(9)}` : name(id));
  const utc = (at: Date) => `${formatIn(at, 'UTC')} UTC`;
  const local = (at: Date) => `${formatIn(at, timeZone)}`;
  const times = keyTimes(incident, events);
  const since = (at: Date | undefined) =>
    at ? formatDuration(at.getTime() - incident.declaredAt.getTime()) : 'not yet';
  const lines: string[] = [
    `# ${incident.id}: ${incident.title}`,
    '',
    `Severity ${incident.severity} · ${where(incident)} · commander ${name(incident.commander)} · declared by ${name(incident.declaredBy)}`,
    '',
    '## Summary',
    '',
    incident.resolution ?? `Not resolved yet (status: ${incident.status}).`,
    '',
    '## Impact',
    '',
    `- Services: ${where(incident)}`,
    `- Duration: ${incident.resolvedAt ? formatDuration(incident.resolvedAt.getTime() - incident.declaredAt.getTime()) : 'ongoing'} (declared to resolved)`,
    `- Alerts on the timeline: ${events.filter((e) => e.section === 'alert').length}`,
    '',
    '## Key times',
    '',
    `| | ${timeZone} | UTC | since declared |`,
    '| --- | --- | --- | --- |',
    ...(['declared', 'acknowledged', 'mitigated', 'resolved'] as const).map((k) => {
      const at = times[k];
      return `| ${k} | ${at ? local(at) : '—'} | ${at ? utc(at) : '—'} | ${k === 'declared' ? '' : since(at)} |`;
    }),
    '',
    `Time to acknowledge ${since(times.acknowledged)} · to mitigate ${since(times.mitigated)} · to resolve ${since(times.resolved)}.`,
    '',
    '## Timeline',
    '',
    `| ${timeZone} | UTC | who | what |`,
    '| --- | --- | --- | --- |',
    ...events.map((e) => `| ${local(e.at)} | ${utc(e.at)} | ${cell(who(e.actor))} | ${cell(e.what)} |`),
    '',
    '## Actions taken',
    '',
    ...list(
      events.filter((e) => e.section === 'action' && e.ok !== undefined),
      (e) => `- ${e.ok ? '✅' : '❌'} ${utc(e.at)} — ${who(e.actor)}: ${e.what}`,
      'No opsbot action was run.',
    ),
    '',
    '## Approvals',
    '',
    ...list(
      events.filter((e) => e.section === 'approval'),
      (e) => `- ${utc(e.at)} — ${who(e.actor)}: ${e.what}`,
      'No approval was asked for.',
    ),
    '',
    '## Follow-up tasks',
    '',
    ...list(
      input.tasks,
      (t) => `- [ ] #${t.number} ${t.text}${t.owner ? ` (owner: ${name(t.owner)})` : ''}`,
      'None recorded.',
    ),
    '',
  ];
  return lines.join('\n');
}

function list<T>(items: T[], line: (item: T) => string, none: string): string[] {
  return items.length ? items.map(line) : [none];
}
