import { z } from 'zod';
import { arg, defineCommand, followRollout, refuse } from '../src/define.js';

export default defineCommand({
  name: 'scale',
  summary: 'Set a deployment’s number of replicas, within the bound the catalog gives it.',
  whenToUse: 'Load is rising or falling (seed 001 scale up / scale down).',
  usage: ['scale worker prod 6', 'scale neural-engine staging 0'],
  args: z.object({ service: arg.service(), env: arg.env(), replicas: z.coerce.number().int().min(0) }),
  mutates: true,
  requiredRole: 'operator',
  async plan(ctx, a) {
    const target = ctx.target(a.service, a.env);
    if (a.replicas > target.maxReplicas) {
      refuse(
        `Nothing was changed: ${a.service} may run at most ${target.maxReplicas} replicas, not ${a.replicas}.`,
        `The bound is services.${a.service}.maxReplicas in the catalog.`,
      );
    }
    const from = await ctx.k8s.getReplicas(target);
    return {
      summary: `scale ${a.service} in ${a.env} from ${from} to ${a.replicas} replicas`,
      changes: [{ what: 'replicas', from: String(from), to: String(a.replicas) }],
    };
  },
  async run(ctx, a) {
    const target = ctx.target(a.service, a.env);
    const from = await ctx.k8s.getReplicas(target);
    await ctx.k8s.scale(target, a.replicas);
    return followRollout(ctx, target, `Scaled ${a.service} in ${a.env} from ${from} to ${a.replicas} replicas`, {
      rollbackOffered: false,
    });
  },
});
