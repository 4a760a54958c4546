/**
 * The short texts an incident commander sees mid-SEV1: the channel name, the topic, the pinned summary,
 * the announcement. Pure functions.
 */
import type { ChatMessage } from './incident-chat.js';
import type { IncidentInfo, IncidentStatus } from './port.js';

const STATUS_ICON: Record<IncidentStatus, string> = {
  investigating: ':red_circle:',
  identified: ':large_orange_circle:',
  monitoring: ':large_blue_circle:',
  resolved: ':large_green_circle:',
};

export const statusIcon = (status: IncidentStatus) => STATUS_ICON[status];
export const mention = (userId: string) => (/^[UW][A-Z0-9]+$/.test(userId) ? `<@${userId}>` : userId);

/** `inc-20261123-checkout-errors`: Slack channel names are lowercase letters, digits, - and _, at most 80. */
export function channelName(declaredAt: Date, title: string): string {
  const day = declaredAt.toISOString().slice(0, 10).replaceAll('-', '');
  const slug = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
  return `inc-${day}-${slug || 'incident'}`;
}

export function where(incident: IncidentInfo): string {
  const services = incident.services.length ? incident.services.join(', ') : 'no service named';
  return incident.environment ? `${services} (${incident.environment})` : services;
}

export function topic(incident: IncidentInfo): string {
  const text = `${incident.id} ${incident.severity} · ${incident.status} · IC ${mention(incident.commander)} · ${where(incident)} · ${incident.title}`;
  return text.slice(0, 250);
}

const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text } });
const context = (text: string) => ({ type: 'context', elements: [{ type: 'mrkdwn', text }] });
const hhmm = (at: Date) => `${at.toISOString().slice(11, 16)} UTC`;

/** The pinned summary, edited on every change. */
export function summaryMessage(incident: IncidentInfo): ChatMessage {
  const roles = Object.entries(incident.roles).map(([role, user]) => `${role} ${mention(user)}`);
  const lines = [
    `${statusIcon(incident.status)} *${incident.id} ${incident.severity}: ${incident.title}*`,
    `*Status:* ${incident.status}${incident.resolution ? ` — ${incident.resolution}` : ''}`,
    `*Commander:* ${mention(incident.commander)}${roles.length ? ` · ${roles.join(' · ')}` : ''}`,
    `*Affected:* ${where(incident)}`,
  ];
  const times = [`declared ${hhmm(incident.declaredAt)} by ${mention(incident.declaredBy)}`];
  if (incident.mitigatedAt) times.push(`mitigated ${hhmm(incident.mitigatedAt)}`);
  if (incident.resolvedAt) times.push(`resolved ${hhmm(incident.resolvedAt)}`);
  return {
    text: `${incident.id} ${incident.severity} ${incident.status}: ${incident.title}`,
    blocks: [
      section(lines.join('\n').slice(0, 2_900)),
      context(
        `${times.join(' · ')} · \`/ops incident status identified "…"\` · \`/ops incident timeline\` · 📌 a message to add it`,
      ),
    ],
  };
}

/** In the incidents channel; edited as the incident changes, so it always shows where it stands. */
export function announcement(incident: IncidentInfo): ChatMessage {
  const channel = incident.channelId ? `<#${incident.channelId}>` : '(no channel)';
  const icon = incident.resolvedAt ? statusIcon('resolved') : ':rotating_light:';
  const state = incident.status === 'investigating' ? '' : ` · ${incident.status}`;
  const text = `${icon} ${incident.id} ${incident.severity}: ${incident.title} — ${where(incident)}${state} · IC ${mention(incident.commander)} · join ${channel}`;
  return { text, blocks: [section(text.slice(0, 2_900))] };
}

export function updateMessage(incident: IncidentInfo, line: string, actor: string): ChatMessage {
  const text = `${statusIcon(incident.status)} ${line} — ${mention(actor)}`;
  return { text, blocks: [section(text.slice(0, 2_900))] };
}
