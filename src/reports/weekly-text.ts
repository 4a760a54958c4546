/** The weekly report as a command result: one summary line, then the sections as plain text. */
import type { CommandResult } from '../define.js';
import { formatDuration } from '../incidents/describe-event.js';
import { weeklyChart } from './weekly-chart.js';
import type { WeeklyData } from './weekly-data.js';

const day = (d: Date) => d.toISOString().slice(0, 10);
const at = (d: Date) => `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;

export function median(values: number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

const spread = (ms: number[]) => {
  const m = median(ms);
  return m === undefined ? 'none' : `median ${formatDuration(m)}, worst ${formatDuration(Math.max(...ms))}`;
};

export interface CatalogFreeze {
  environment: string;
  from: Date;
  to: Date;
  reason: string;
}

export function renderWeekly(data: WeeklyData, catalogFreezes: CatalogFreeze[] = []): CommandResult {
  const { since, until } = data;
  const inRange = (d: Date | null) => !!d && d >= since && d < until;
  const opened = data.incidents.filter((i) => inRange(i.declaredAt));
  const resolved = data.incidents.filter((i) => inRange(i.resolvedAt));
  const bySeverity = (list: typeof opened) =>
    ['SEV1', 'SEV2', 'SEV3', 'SEV4']
      .map((s) => [s, list.filter((i) => i.severity === s).length] as const)
      .filter(([, n]) => n > 0)
      .map(([s, n]) => `${n} ${s}`)
      .join(', ') || 'none';
  const toMitigate = resolved.flatMap((i) => (i.mitigatedAt ? [i.mitigatedAt.getTime() - i.declaredAt.getTime()] : []));
  const toResolve = resolved.map((i) => (i.resolvedAt as Date).getTime() - i.declaredAt.getTime());
  const total = (k: 'succeeded' | 'failed' | 'refused' | 'planned') => data.commands.reduce((n, c) => n + c[k], 0);
  const runs = total('succeeded') + total('failed');
  const scheduleRuns = data.schedules.reduce((n, s) => n + s.succeeded + s.failed, 0);
  const scheduleFailures = data.schedules.reduce((n, s) => n + s.failed, 0);
  const waits = data.approvals.waitsSeconds.map((s) => s * 1000);
  const openReviews = data.breakGlass.filter((b) => !b.acknowledged).length;

  const lines = [
    `Week ${day(since)} → ${day(until)} (UTC)`,
    '',
    'INCIDENTS',
    `  opened ${opened.length} (${bySeverity(opened)}), resolved ${resolved.length} (${bySeverity(resolved)})`,
    `  time to mitigate: ${spread(toMitigate)}`,
    `  time to resolve:  ${spread(toResolve)}`,
    ...data.incidents.map(
      (i) =>
        `  ${i.id} ${i.severity} ${i.title} — ${i.resolvedAt ? `resolved in ${formatDuration(i.resolvedAt.getTime() - i.declaredAt.getTime())}` : 'open'}`,
    ),
    '',
    'COMMANDS (succeeded / failed / refused / dry runs)',
    ...(data.commands.length
      ? data.commands.map((c) => `  ${c.command.padEnd(20)} ${c.succeeded} / ${c.failed} / ${c.refused} / ${c.planned}`)
      : ['  none']),
    `  total                ${total('succeeded')} / ${total('failed')} / ${total('refused')} / ${total('planned')}`,
    '',
    'APPROVALS',
    `  given ${data.approvals.given}, waiting ${spread(waits)}`,
    `  rejected ${data.approvals.rejected}, expired ${data.approvals.expired}, cancelled ${data.approvals.cancelled}`,
    `  break-glass: ${data.breakGlass.length ? '' : 'none'}`,
    ...data.breakGlass.map(
      (b) =>
        `    ${b.id} ${b.command} ${b.service} ${b.env} by ${b.requester} ${at(b.at)} — ${b.acknowledged ? 'review acknowledged' : 'REVIEW PENDING'}`,
    ),
    '',
    'SCHEDULES (succeeded / failed / skipped / missed)',
    ...(data.schedules.length
      ? data.schedules.flatMap((s) => [
          `  ${s.schedule.padEnd(20)} ${s.succeeded} / ${s.failed} / ${s.skipped} / ${s.missed}`,
          ...s.failures.map((f) => `    failed ${f}`),
        ])
      : ['  no runs']),
    `  paused: ${data.paused.length ? data.paused.map((p) => `${p.schedule} (by ${p.actor}${p.reason ? `: ${p.reason}` : ''})`).join(', ') : 'none'}`,
    `  freezes: ${
      [...data.freezes, ...catalogFreezes.map((f) => ({ ...f, actor: 'catalog' }))]
        .map((f) => `${f.environment} ${at(f.from)} → ${at(f.to)} (${f.reason}, ${f.actor})`)
        .join('; ') || 'none'
    }`,
    '',
    'PER DAY (commands run, of which failed, incidents opened)',
    ...data.perDay.map(
      (d) =>
        `  ${d.day}  ${String(d.commands).padStart(4)} ${String(d.failed).padStart(4)} ${String(d.incidents).padStart(4)}`,
    ),
    '',
    'MOST FAILING SERVICES',
    ...(data.failingServices.length
      ? data.failingServices.map((s) => `  ${s.service.padEnd(20)} ${s.failures} failed`)
      : ['  none']),
  ];
  const summary =
    `Week ${day(since)} → ${day(until)}: ${opened.length} incidents opened, ${resolved.length} resolved; ` +
    `${runs} commands run (${total('failed')} failed, ${total('refused')} refused); ` +
    `${data.approvals.given} approvals; ${scheduleRuns} schedule runs (${scheduleFailures} failed)` +
    (openReviews ? `; ${openReviews} break-glass review${openReviews > 1 ? 's' : ''} pending` : '');
  const chart = {
    filename: `weekly-${day(since)}.png`,
    title: 'Per day: commands run (blue, failed in orange) and incidents opened (red)',
    png: weeklyChart(data.perDay),
  };
  return { summary, details: lines.join('\n'), ok: true, images: [chart] };
}
