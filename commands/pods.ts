import { z } from 'zod';
import { arg, defineCommand } from '../src/define.js';

const age = (iso?: string) => {
  const m = iso ? Math.max(0, Math.floor((Date.now() - Date.parse(iso)) / 60_000)) : Number.NaN;
  if (Number.isNaN(m)) return '-';
  const h = Math.floor(m / 60);
  if (h === 0) return `${m}m`;
  return h < 24 ? `${h}h${m % 60 ? `${m % 60}m` : ''}` : `${Math.floor(h / 24)}d${h % 24 ? `${h % 24}h` : ''}`;
};

const table = (rows: string[][]) => {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows
    .map((r) =>
      r
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
};

export default defineCommand({
  name: 'pods',
  summary: 'List a deployment’s pods: readiness, status, restarts, last termination, age and node.',
  usage: ['pods api-gateway prod', 'pods worker dev'],
  whenToUse:
    'A service is degraded: find the pods that are not ready or keep restarting (OOMKilled, CrashLoopBackOff).',
  args: z.object({ service: arg.service(), env: arg.env() }),
  mutates: false,
  requiredRole: 'viewer',
  async run(ctx, { service, env }) {
    const target = ctx.target(service, env);
    const pods = await ctx.k8s.listPods(target);
    const ready = pods.filter((p) => p.ready).length;
    const restarts = pods.reduce((sum, p) => sum + p.restarts, 0);
    const reasons = [...new Set(pods.flatMap((p) => [p.waitingReason, p.lastTermination?.reason]).filter(Boolean))];
    const summary =
      `${service} in ${env}: ${pods.length} pod${pods.length === 1 ? '' : 's'}, ` +
      `${ready} ready, ${restarts} restart${restarts === 1 ? '' : 's'}${reasons.length ? ` (${reasons.join(', ')})` : ''}`;
    const rows = pods.map((p) => {
      const t = p.lastTermination;
      const last = t ? `${t.reason ?? 'terminated'} (exit ${t.exitCode ?? '?'}) ${age(t.finishedAt)} ago` : '-';
      const status = p.waitingReason ?? p.phase;
      return [p.name, p.readyContainers, status, String(p.restarts), last, age(p.createdAt), p.node ?? '-'];
    });
    const header = ['NAME', 'READY', 'STATUS', 'RESTARTS', 'LAST TERMINATION', 'AGE', 'NODE'];
    const details = pods.length
      ? table([header, ...rows])
      : `No pods match ${target.deployment} in ${target.namespace}.`;
    return { summary, details };
  },
});
