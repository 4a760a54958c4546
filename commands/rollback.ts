import { z } from 'zod';
import { arg, defineCommand, followRollout } from '../src/define.js';

const imageList = (images: Record<string, string>) => Object.values(images).join(', ');

export default defineCommand({
  name: 'rollback',
  summary: 'Roll a deployment back to its previous revision, or to a given one (kubectl rollout undo).',
  whenToUse: 'A release fails health checks or raises the error rate (seed 000 rollback_service).',
  usage: ['rollback api-gateway prod', 'rollback neural-engine staging 3'],
  args: z.object({
    service: arg.service(),
    env: arg.env(),
    revision: z.coerce.number().int().positive().optional().describe('defaults to the previous revision'),
    timeout: arg.duration().optional().describe('how long to follow the rollout (default 5m)'),
  }),
  positional: 3,
  answersAlerts: ['HighErrorRate', 'KubeDeploymentRolloutStuck'],
  mutates: true,
  requiredRole: 'operator',
  async plan(ctx, a) {
    const p = await ctx.k8s.planRollback(ctx.target(a.service, a.env), a.revision);
    return {
      summary: `roll back ${a.service} in ${a.env} from revision ${p.fromRevision} to ${p.toRevision}`,
      changes: [
        { what: 'revision', from: String(p.fromRevision), to: String(p.toRevision) },
        { what: 'image', from: imageList(p.fromImages), to: imageList(p.toImages) },
      ],
    };
  },
  async run(ctx, a) {
    const target = ctx.target(a.service, a.env);
    await ctx.progress(`Rolling back ${a.service} in ${a.env}…`);
    const p = await ctx.k8s.rollback(target, a.revision);
    const done = `Rolled back ${a.service} in ${a.env} to revision ${p.toRevision} (${imageList(p.toImages)})`;
    return followRollout(ctx, target, done, { rollbackOffered: false, ...(a.timeout ? { timeoutMs: a.timeout } : {}) });
  },
});
