import { z } from 'zod';
import { arg, defineCommand, refuse, scriptFailed } from '../src/define.js';

const RELEASE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export default defineCommand({
  name: 'helm-rollback',
  summary: 'Roll a Helm release back to its previous revision, or to a given one (helm rollback --wait).',
  whenToUse: 'A release broke after an upgrade (seed 001 emergency rollback, seed 002 rollback via Helm).',
  usage: ['helm-rollback neural-hive-mind prod', 'helm-rollback ml-bling-sync-production prod 5'],
  args: z.object({
    release: z
      .string()
      .max(53)
      .regex(RELEASE, 'a Helm release name, e.g. neural-hive-mind')
      .describe('the Helm release'),
    env: arg.env(),
    revision: z.coerce.number().int().positive().optional().describe('defaults to the previous revision'),
    timeout: arg.duration().optional().describe('how long helm waits for the resources (default 10m)'),
  }),
  positional: 3,
  mutates: true,
  requiredRole: 'operator',
  async plan(ctx, a) {
    const revisions = await ctx.helm.history(a.release, a.env);
    const current = revisions.at(-1);
    const target = a.revision === undefined ? revisions.at(-2) : revisions.find((r) => r.revision === a.revision);
    if (!current) refuse(`${a.release} in ${a.env} has no revisions to roll back.`);
    if (!target) {
      refuse(
        a.revision === undefined
          ? `${a.release} in ${a.env} has no revision before ${current.revision}.`
          : `${a.release} in ${a.env} has no revision ${a.revision}.`,
        `/ops helm-history ${a.release} ${a.env} lists the revisions.`,
      );
    }
    if (target.revision === current.revision)
      refuse(`${a.release} in ${a.env} is already at revision ${current.revision}.`);
    const label = (r: typeof current) => `${r.revision} (${r.chart}, app ${r.appVersion || '?'}, ${r.status})`;
    return {
      summary: `roll back Helm release ${a.release} in ${a.env} from revision ${current.revision} to ${target.revision}`,
      changes: [{ what: `release ${a.release}`, from: label(current), to: label(target) }],
    };
  },
  async run(ctx, a) {
    const result = await ctx.helm.rollback(a.release, a.env, a.revision, a.timeout ? { timeoutMs: a.timeout } : {});
    if (!result.ok) return scriptFailed(`helm rollback ${a.release} in ${a.env}`, result);
    const now = (await ctx.helm.history(a.release, a.env, { max: 1 })).at(-1);
    return {
      summary: `Rolled back ${a.release} in ${a.env}${now ? `: now revision ${now.revision} (${now.chart}, ${now.status})` : ''}`,
      details: result.output,
    };
  },
});
