/**
 * One timeline event → one line of what happened, the same for Slack and the postmortem.
 * Outcomes carry their duration, measured from the run's command.started event.
 */
import type { TimelineEvent } from './timeline-store.js';

export interface DescribedEvent {
  at: Date;
  actor: string;
  what: string;
  /** The group the postmortem lists it under. */
  section: 'action' | 'approval' | 'alert' | 'incident' | 'note' | 'other';
  ok?: boolean;
  durationMs?: number;
}

const str = (v: unknown) => (typeof v === 'string' ? v : v == null ? '' : JSON.stringify(v));
const cut = (text: string, n = 300) => (text.length > n ? `${text.slice(0, n - 1)}…` : text);

export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}

function runName(e: TimelineEvent): string {
  const text = str(e.payload.text);
  return text ? `/ops ${text}` : [e.command, e.target, e.environment].filter(Boolean).join(' ');
}

export function describeEvents(events: TimelineEvent[]): DescribedEvent[] {
  const started = new Map<string, Date>();
  return events.map((e) => {
    if (e.kind === 'command.started' && e.requestId) started.set(e.requestId, e.at);
    const begin = e.requestId ? started.get(e.requestId) : undefined;
    const base = { at: e.at, actor: e.actor };
    const p = e.payload;
    const schedule = e.actor.startsWith('schedule:') ? ` (schedule ${e.actor.slice(9)})` : '';
    switch (e.kind) {
      case 'command.started': {
        const plan = p.plan as { summary?: string; changes?: Array<{ what: string; from: string; to: string }> };
        const changes = (plan?.changes ?? []).map((c) => `${c.what}: ${c.from} → ${c.to}`).join('; ');
        const planText = plan?.summary ? ` — plan: ${plan.summary}${changes ? ` (${changes})` : ''}` : '';
        return { ...base, section: 'action', what: cut(`started ${runName(e)}${schedule}${planText}`, 600) };
      }
      case 'command.succeeded':
      case 'command.failed': {
        const ok = e.kind === 'command.succeeded';
        const took = begin ? e.at.getTime() - begin.getTime() : undefined;
        const result = str(p.summary || p.message);
        const verb = ok ? 'succeeded' : 'failed';
        return {
          ...base,
          section: 'action',
          ok,
          ...(took !== undefined ? { durationMs: took } : {}),
          what: cut(
            `${runName(e)}${schedule} ${verb}${took !== undefined ? ` in ${formatDuration(took)}` : ''}: ${result}`,
          ),
        };
      }
      case 'command.refused':
        return {
          ...base,
          section: 'action',
          ok: false,
          what: cut(`${runName(e)}${schedule} refused: ${str(p.message)}`),
        };
      case 'command.planned':
        return {
          ...base,
          section: 'action',
          what: cut(`dry run ${runName(e)}: ${str((p.plan as { summary?: string })?.summary)}`),
        };
      case 'alert.firing':
      case 'alert.resolved': {
        const state = e.kind === 'alert.firing' ? 'firing' : 'resolved';
        return {
          ...base,
          section: 'alert',
          what: cut(
            `alert ${str(p.alertname)} ${state} on ${e.target ?? '?'}${e.environment ? ` (${e.environment})` : ''}: ${str(p.summary)}`,
          ),
        };
      }
      case 'incident.declared':
        return { ...base, section: 'incident', what: cut(`declared ${str(p.severity)}: ${str(p.title)}`) };
      case 'incident.status':
        return { ...base, section: 'incident', what: cut(`status → ${str(p.status)}: ${str(p.update)}`, 600) };
      case 'incident.severity':
        return { ...base, section: 'incident', what: `severity ${str(p.from)} → ${str(p.severity)}` };
      case 'incident.role':
        return { ...base, section: 'incident', what: `${str(p.role)} → @${str(p.user)}` };
      case 'incident.note':
        return { ...base, section: 'note', what: cut(`note: ${str(p.text)}`, 600) };
      case 'incident.message':
        return { ...base, section: 'note', what: cut(`message (added by @${str(p.addedBy)}): ${str(p.text)}`, 600) };
      case 'incident.task':
        return {
          ...base,
          section: 'note',
          what: cut(`task #${str(p.number)}: ${str(p.text)}${p.owner ? ` (owner @${str(p.owner)})` : ''}`),
        };
      case 'incident.reminder':
        return { ...base, section: 'other', what: `reminder: no status update for ${str(p.minutes)} minutes` };
      case 'incident.resolved':
        return { ...base, section: 'incident', what: cut(`resolved: ${str(p.summary)}`, 600) };
      case 'incident.postmortem':
        return { ...base, section: 'other', what: `postmortem written (${str(p.filename)})` };
      default:
        if (e.kind.startsWith('approval.')) {
          const what = e.kind.slice('approval.'.length).replaceAll('_', ' ');
          const reason = p.reason ? `: ${str(p.reason)}` : '';
          return {
            ...base,
            section: 'approval',
            what: cut(`approval ${what} — ${[e.command, e.target, e.environment].filter(Boolean).join(' ')}${reason}`),
          };
        }
        return {
          ...base,
          section: 'other',
          what: cut(`${e.kind} ${[e.command, e.target, e.environment].filter(Boolean).join(' ')}`),
        };
    }
  });
}
