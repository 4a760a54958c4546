import { z } from 'zod';
import { formatAge as age, arg, defineCommand, formatTable as table } from '../src/define.js';

export default defineCommand({
  name: 'status',
  summary: 'Show a deployment’s replicas, image, revision, rollout conditions and pods.',
  usage: ['status api-gateway prod', 'status neural-engine staging'],
  whenToUse: 'First look at a service: is the last rollout done, are the pods ready, is anything restarting?',
  args: z.object({ service: arg.service(), env: arg.env() }),
  answersAlerts: ['HighErrorRate', 'HighLatency', 'KubeDeploymentReplicasMismatch'],
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
