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
