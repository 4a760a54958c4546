import { z } from 'zod';
import { arg, defineCommand, followRollout, refuse } from '../src/define.js';

const withinBounds = (a: { service: string; replicas: number }, max: number) => {
  if (a.replicas <= max) return;
  refuse(
    `Nothing was changed: ${a.service} may run at most ${max} replicas, not ${a.replicas}.`,
    `The bound is services.${a.service}.maxReplicas in the catalog.`,
  );
};

export default defineCommand({
  name: 'scale',
  summary: 'Set a deployment’s number of replicas, within the bound the catalog gives it.',
  whenToUse: 'Load is rising or falling (seed 001 scale up / scale down).',
  usage: ['scale worker prod 6', 'scale neural-engine staging 0'],
  args: z.object({
    service: arg.service(),
    env: arg.env(),
    replicas: z.coerce.number().int().min(0),
    timeout: arg.duration().optional().describe('how long to follow the rollout (default 5m)'),
  }),
  positional: 3,
  mutates: true,
  requiredRole: 'operator',
  async plan(ctx, a) {
    const target = ctx.target(a.service, a.env);
    withinBounds(a, target.maxReplicas);
    const from = await ctx.k8s.getReplicas(target);
    return {
      summary: `scale ${a.service} in ${a.env} from ${from} to ${a.replicas} replicas`,
      changes: [{ what: 'replicas', from: String(from), to: String(a.replicas) }],
    };
  },
  async run(ctx, a) {
    const target = ctx.target(a.service, a.env);
    // Checked again here: an approved plan may run later, after the catalog changed.
    withinBounds(a, target.maxReplicas);
    const from = await ctx.k8s.getReplicas(target);
    await ctx.k8s.scale(target, a.replicas);
    const done = `Scaled ${a.service} in ${a.env} from ${from} to ${a.replicas} replicas`;
    return followRollout(ctx, target, done, { rollbackOffered: false, ...(a.timeout ? { timeoutMs: a.timeout } : {}) });
  },
});
