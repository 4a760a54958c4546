import { z } from 'zod';
import { formatAge as age, arg, defineCommand, formatTable as table } from '../src/define.js';

export default defineCommand({
  name: 'history',
  summary: 'Show a deployment’s rollout history: revisions with image, change-cause and age (kubectl rollout history).',
  usage: ['history api-gateway prod'],
  whenToUse: 'Before a rollback: see which revision runs now and what the earlier ones were.',
  args: z.object({ service: arg.service(), env: arg.env() }),
  mutates: false,
  requiredRole: 'viewer',
  async run(ctx, { service, env }) {
    const target = ctx.target(service, env);
    const revisions = await ctx.k8s.rolloutHistory(target);
    const image = (images: Record<string, string>) =>
      ((target.container && images[target.container]) || Object.values(images)[0] || '?').split('/').pop();
    const current = revisions.find((r) => r.current);
    const previous = revisions.filter((r) => !r.current && r.revision < (current?.revision ?? 0)).at(-1);
    const summary =
      `${service} in ${env}: ${revisions.length} revision${revisions.length === 1 ? '' : 's'}` +
      (current ? `, current ${current.revision} (${image(current.images)})` : ', no current revision') +
      (previous
        ? `, previous ${previous.revision} (${image(previous.images)})`
        : ', no earlier revision to roll back to');
    const rows = [...revisions]
      .reverse()
      .map((r) => [
        `${r.revision}${r.current ? ' *' : ''}`,
        image(r.images) ?? '?',
        r.changeCause ?? '<none>',
        age(r.createdAt),
        String(r.replicas),
      ]);
    const details = `${table([['REVISION', 'IMAGE', 'CHANGE-CAUSE', 'AGE', 'PODS'], ...rows])}\n* = current revision`;
    return { summary, details };
  },
});
