import { z } from 'zod';
import { arg, defineCommand, followRollout, refuse } from '../src/define.js';

export default defineCommand({
  name: 'restart',
  summary: 'Restart a deployment’s pods one by one (kubectl rollout restart).',
  whenToUse: 'Pods are stuck or leaking memory and a fresh start is the known fix (seed 001 selective restart).',
  usage: ['restart neural-engine staging', 'restart api-gateway prod'],
  args: z.object({
    service: arg.service(),
    env: arg.env(),
    timeout: arg.duration().optional().describe('how long to follow the rollout (default 5m)'),
  }),
  positional: 2,
  answersAlerts: ['KubePodCrashLooping', 'KubePodNotReady'],
  mutates: true,
  requiredRole: 'operator',
  async plan(ctx, a) {
    const d = await ctx.k8s.getDeployment(ctx.target(a.service, a.env));
    if (d.paused)
      refuse(`Nothing was changed: ${a.service} in ${a.env} is paused.`, 'Resume it first (kubectl rollout resume).');
    return {
      summary: `restart all ${d.desiredReplicas} pods of ${a.service} in ${a.env}, one by one`,
      changes: [
        {
          what: 'pods',
          from: `${d.readyReplicas}/${d.desiredReplicas} ready`,
          to: 'replaced by fresh pods',
          volatile: true,
        },
      ],
    };
  },
  async run(ctx, a) {
    const target = ctx.target(a.service, a.env);
    await ctx.k8s.restart(target, new Date());
    return followRollout(ctx, target, `Restarted ${a.service} in ${a.env}`, a.timeout ? { timeoutMs: a.timeout } : {});
  },
});
