import { z } from 'zod';
import { arg, defineCommand, formatTable } from '../src/define.js';

export default defineCommand({
  name: 'helm-history',
  summary: 'Show a Helm release’s revisions in an environment (helm history, with the environment’s kube context).',
  whenToUse: 'Before a helm rollback: which revision was the last good one (seeds 001 and 002).',
  usage: ['helm-history neural-hive-mind prod', 'helm-history ml-bling-sync-production prod'],
  args: z.object({
    release: z
      .string()
      .max(53)
      .regex(
        /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/,
        'a Helm release name, e.g. neural-hive-mind',
      )
      .describe('the Helm release'),
    env: arg.env(),
  }),
  mutates: false,
  requiredRole: 'viewer',
  async run(ctx, a) {
    const revisions = await ctx.helm.history(a.release, a.env);
    const current = revisions.at(-1);
    if (!current) return { summary: `${a.release} in ${a.env} has no revisions.`, ok: false };
    const rows = revisions.map((r) => [
      String(r.revision),
      r.updated.slice(0, 19).replace('T', ' '),
      r.status,
      r.chart,
      r.appVersion,
      r.description,
    ]);
    return {
      summary: `${a.release} in ${a.env}: revision ${current.revision} ${current.status} (${current.chart}, app ${current.appVersion || '?'})`,
      details: formatTable([['REVISION', 'UPDATED', 'STATUS', 'CHART', 'APP VERSION', 'DESCRIPTION'], ...rows]),
      ok: current.status === 'deployed',
    };
  },
});
