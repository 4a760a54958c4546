import { z } from 'zod';
import { formatAge as age, arg, defineCommand, formatTable as table } from '../src/define.js';

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
