import { z } from 'zod';
import { arg, defineCommand, followRollout, refuse } from '../src/define.js';

// Docker's tag grammar: up to 128 word characters, dots and dashes, not starting with . or -.
const tag = z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/, 'a tag like 1.4.3 or v2024.11.23-rc1');
const withTag = (image: string, next: string) => `${image.replace(/(@sha256:[a-f0-9]+|:[^:/@]+)$/, '')}:${next}`;

export default defineCommand({
  name: 'deploy',
  summary: 'Deploy a new image tag of a service (the same repository, another tag) and follow the rollout.',
  whenToUse: 'Shipping a release, or pinning a known-good tag (seed 000 deploy_service).',
  usage: ['deploy api-gateway staging 1.4.3', 'deploy worker prod 2.0.1 --reason "fix for INC-42"'],
  args: z.object({
    service: arg.service(),
    env: arg.env(),
    tag,
    timeout: arg.duration().optional().describe('how long to follow the rollout (default 5m)'),
  }),
  positional: 3,
  mutates: true,
  requiredRole: 'operator',
  async plan(ctx, a) {
    const target = ctx.target(a.service, a.env);
    const d = await ctx.k8s.getDeployment(target);
    const current = (target.container && d.images[target.container]) || Object.values(d.images)[0];
    if (d.paused)
      refuse(
        `Nothing was changed: ${a.service} in ${a.env} is paused, so a new image would not roll out.`,
        'Resume it first (kubectl rollout resume).',
      );
    if (!current) refuse(`Nothing was changed: ${a.service} in ${a.env} has no container image to update.`);
    const next = withTag(current, a.tag);
    if (next === current) refuse(`Nothing to do: ${a.service} in ${a.env} already runs ${current}.`);
    return {
      summary: `deploy ${a.service} ${a.tag} to ${a.env}`,
      changes: [{ what: 'image', from: current, to: next }],
    };
  },
  async run(ctx, a) {
    const target = ctx.target(a.service, a.env);
    const d = await ctx.k8s.getDeployment(target);
    const current = (target.container && d.images[target.container]) || Object.values(d.images)[0] || '';
    const cause = `deploy ${a.tag} by ${ctx.actor.userId} (run ${ctx.runId})${ctx.reason ? `: ${ctx.reason}` : ''}`;
    await ctx.k8s.setImage(target, withTag(current, a.tag), cause);
    return followRollout(
      ctx,
      target,
      `Deployed ${a.service} ${a.tag} to ${a.env}`,
      a.timeout ? { timeoutMs: a.timeout } : {},
    );
  },
});
