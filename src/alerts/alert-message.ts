/** Alert group and storm messages (pure): the headline first, a few alerts, the buttons that fit. */
import type { NextAction } from '../define.js';
import type { ChatMessage } from '../incidents/incident-chat.js';
import { escapeMrkdwn } from '../slack/mrkdwn.js';
import { actionButtons } from '../slack/render-outcome.js';
import type { AlertGroup } from './alert-group.js';
import type { AlertmanagerPayload } from './alertmanager-payload.js';

const SHOWN = 10;
const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text: text.slice(0, 2_900) } });
const context = (text: string) => ({ type: 'context', elements: [{ type: 'mrkdwn', text: text.slice(0, 2_900) }] });
const hhmm = (iso: string) => `${iso.slice(11, 16)} UTC`;

export function where(group: AlertGroup): string {
  if (!group.service) return '';
  return ` on ${group.service}${group.environment ? ` (${group.environment})` : ''}`;
}

export function groupMessage(group: AlertGroup, payload: AlertmanagerPayload, actions: NextAction[]): ChatMessage {
  const resolved = group.status === 'resolved';
  const count = group.firing + group.resolved + group.truncated;
  const headline = resolved
    ? `:white_check_mark: RESOLVED ${group.alertname}${where(group)}`
    : `:fire: ${group.alertname}${where(group)}: ${group.firing} firing${group.resolved ? `, ${group.resolved} resolved` : ''}`;
  const lines = payload.alerts.slice(0, SHOWN).map((a) => {
    const what =
      a.annotations.summary ?? a.annotations.description ?? a.labels.pod ?? a.labels.instance ?? a.fingerprint;
    const icon = a.status === 'firing' ? '•' : '✓';
    return `${icon} ${escapeMrkdwn(what)} (since ${hhmm(a.startsAt)}${a.status === 'resolved' && a.endsAt ? `, resolved ${hhmm(a.endsAt)}` : ''})`;
  });
  const more = count - Math.min(payload.alerts.length, SHOWN);
  if (more > 0) lines.push(`… and ${more} more`);
  const blocks: Array<Record<string, unknown>> = [
    section(`*${escapeMrkdwn(headline)}*${group.summary ? `\n${escapeMrkdwn(group.summary)}` : ''}`),
    section(lines.join('\n')),
  ];
  if (!resolved && actions.length) blocks.push(actionButtons(actions));
  blocks.push(
    context(
      `Alertmanager · ${count} alert${count === 1 ? '' : 's'} · group \`${escapeMrkdwn(group.groupKey.slice(0, 200))}\``,
    ),
  );
  return { text: headline, blocks };
}

export interface StormCounts {
  since: Date;
  groups: number;
  firingGroups: number;
  alerts: number;
  top: Array<{ alertname: string; groups: number; services: string[] }>;
}

export function stormMessage(channelHasMore: StormCounts): ChatMessage {
  const s = channelHasMore;
  const headline = `:rotating_light: Alert storm: ${s.groups} more alert groups since ${hhmm(s.since.toISOString())} (${s.firingGroups} still firing, ${s.alerts} alerts)`;
  const top = s.top.map(
    (t) =>
      `• ${escapeMrkdwn(t.alertname)} ×${t.groups}${t.services.length ? ` (${escapeMrkdwn(t.services.join(', '))})` : ''}`,
  );
  return {
    text: headline,
    blocks: [
      section(`*${headline}*`),
      section(top.join('\n') || '—'),
      context(
        'Too many at once to post one by one: this message is kept up to date. Check Alertmanager for each alert.',
      ),
    ],
  };
}
