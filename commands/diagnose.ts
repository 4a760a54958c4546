import { z } from 'zod';
import { arg, defineCommand, formatAge, formatTable } from '../src/define.js';

export default defineCommand({
  name: 'diagnose',
  summary:
    'Why is a service unhealthy? Pods not ready, restarts, last terminations, events and the crashed log, in one answer.',
  whenToUse: 'CrashLoopBackOff, OOMKilled or high memory alerts (seed 001 procedures).',
  usage: ['diagnose worker dev', 'diagnose api-gateway prod'],
  args: z.object({ service: arg.service(), env: arg.env() }),
  answersAlerts: ['KubePodCrashLooping', 'KubePodNotReady', 'KubeDeploymentReplicasMismatch', 'HighLatency'],
  mutates: false,
  requiredRole: 'viewer',
  async run(ctx, a) {
    const target = ctx.target(a.service, a.env);
    const [d, pods, events] = await Promise.all([
      ctx.k8s.getDeployment(target),
      ctx.k8s.listPods(target),
      ctx.k8s.events(target),
    ]);
    const sick = pods.filter((p) => !p.ready || p.restarts > 0 || p.waitingReason);
    const crashed = sick.find((p) => p.lastTermination) ?? sick[0];
    const previous = crashed ? await ctx.k8s.podLogs(target, { pod: crashed.name, previous: true, tailLines: 20 }) : [];
    const tail = previous.find((l) => l.text)?.text.trimEnd();
    const reasons = sick.map((p) => p.lastTermination?.reason ?? p.waitingReason).filter(Boolean);
    const headline =
      sick.length === 0
        ? `${a.service} in ${a.env} looks healthy: ${d.readyReplicas}/${d.desiredReplicas} ready, no restarts`
        : `${a.service} in ${a.env}: ${sick.length} of ${pods.length} pods unhealthy${reasons.length ? ` (${[...new Set(reasons)].join(', ')})` : ''}`;
    const rows = pods.map((p) => [
      p.name,
      p.readyContainers,
      p.waitingReason ?? p.phase,
      String(p.restarts),
      p.lastTermination ? `${p.lastTermination.reason ?? '?'} exit ${p.lastTermination.exitCode ?? '?'}` : '-',
      formatAge(p.createdAt),
    ]);
    const details = [
      `rollout: ${d.rollout.message}; replicas desired ${d.desiredReplicas}, ready ${d.readyReplicas}, available ${d.availableReplicas}`,
      '',
      formatTable([['POD', 'READY', 'STATUS', 'RESTARTS', 'LAST TERMINATION', 'AGE'], ...rows]),
      '',
      'Recent events:',
      ...(events.length
        ? events
            .slice(-10)
            .map((e) => `  ${e.type} ${e.reason} ${e.object}: ${e.message}${e.count > 1 ? ` (x${e.count})` : ''}`)
        : ['  none']),
      ...(tail ? ['', `Last lines before ${crashed?.name} restarted:`, tail] : []),
    ].join('\n');
    if (sick.length === 0) return { summary: headline, details };
    const actions = [
      { label: 'Previous logs', command: `logs ${a.service} ${a.env} --previous` },
      { label: 'Restart', command: `restart ${a.service} ${a.env}`, style: 'danger' as const },
      { label: 'Roll back', command: `rollback ${a.service} ${a.env}`, style: 'danger' as const },
    ];
    return { summary: headline, details, ok: false, actions };
  },
});
