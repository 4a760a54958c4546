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
  name: 'status',
  summary: 'Show a deployment’s replicas, image, revision, rollout conditions and pods.',
  usage: ['status api-gateway prod', 'status neural-engine staging'],
  whenToUse: 'First look at a service: is the last rollout done, are the pods ready, is anything restarting?',
  args: z.object({ service: arg.service(), env: arg.env() }),
  mutates: false,
  requiredRole: 'viewer',
  async run(ctx, { service, env }) {
    const target = ctx.target(service, env);
    const [d, pods] = await Promise.all([ctx.k8s.getDeployment(target), ctx.k8s.listPods(target)]);
    const image = (target.container && d.images[target.container]) || Object.values(d.images)[0] || '?';
    const stuck = [...new Set(pods.flatMap((p) => (p.waitingReason ? [p.waitingReason] : [])))];
    const waiting = pods.filter((p) => p.waitingReason).length;
    const rollout = d.rollout.state === 'failed' ? `rollout FAILED: ${d.rollout.message}` : d.rollout.message;
    const summary =
      `${service} in ${env}: ${d.readyReplicas}/${d.desiredReplicas} ready, ` +
      `revision ${d.revision}, image ${image.split('/').pop()}, ${rollout}` +
      (waiting ? `; ${waiting} pod${waiting > 1 ? 's' : ''} ${stuck.join('/')}` : '');
    const pod = (p: (typeof pods)[number]) => {
      const last = p.lastTermination?.reason ? ` (last: ${p.lastTermination.reason})` : '';
      return [p.name, p.readyContainers, p.waitingReason ?? p.phase, `${p.restarts}${last}`, age(p.createdAt)];
    };
    const lines = [
      `deployment  ${target.namespace}/${d.name} (context ${target.kubeContext})`,
      `replicas    desired ${d.desiredReplicas}, updated ${d.updatedReplicas}, ready ${d.readyReplicas}, available ${d.availableReplicas}`,
      `revision    ${d.revision} (generation ${d.generation}, observed ${d.observedGeneration})`,
      ...Object.entries(d.images).map(([name, img]) => `image       ${name}=${img}`),
      ...d.conditions.map((c) => `${c.type.padEnd(11)} ${c.status} ${c.reason ?? ''}: ${c.message ?? ''}`),
      '',
      table([['POD', 'READY', 'STATUS', 'RESTARTS', 'AGE'], ...pods.map(pod)]),
    ];
    return { summary, details: lines.join('\n'), ok: d.rollout.state !== 'failed' };
  },
});
