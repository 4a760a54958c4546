import { z } from 'zod';
import { arg, defineCommand, formatAge } from '../src/define.js';

const DAY_MS = 86_400_000;
// Not credentials someone rotates by hand: Kubernetes and Helm manage these, certificates have their own check.
const MANAGED_TYPES = new Set(['kubernetes.io/service-account-token', 'helm.sh/release.v1', 'kubernetes.io/tls']);

export default defineCommand({
  name: 'secrets-age',
  summary: 'Secrets not rotated for longer than a number of days (default 90), per environment.',
  usage: ['secrets-age prod', 'secrets-age', 'secrets-age staging --max-age 30d'],
  whenToUse: 'Seed 001 monthly maintenance "rotação de secrets": which secrets are due for rotation.',
  args: z.object({
    env: arg.env().optional().describe('one environment (default: all)'),
    maxAge: z
      .string()
      .regex(/^[1-9]\d{0,3}d$/, 'a number of days like 90d')
      .default('90d')
      .describe('older than this is due for rotation, e.g. 90d'),
  }),
  positional: 1,
  mutates: false,
  requiredRole: 'viewer',
  async run(ctx, a) {
    const days = Number.parseInt(a.maxAge, 10);
    const envs = a.env ? [a.env] : Object.keys(ctx.catalog.environments);
    const rows: Array<{ where: string; name: string; createdAt?: string; old: boolean }> = [];
    for (const env of envs) {
      const namespaces = new Map<string, { env: string; kubeContext: string; namespace: string }>();
      for (const service of Object.keys(ctx.catalog.services)) {
        const t = ctx.target(service, env);
        namespaces.set(t.namespace, { env, kubeContext: t.kubeContext, namespace: t.namespace });
      }
      for (const scope of namespaces.values()) {
        for (const secret of await ctx.k8s.secrets(scope)) {
          if (MANAGED_TYPES.has(secret.type)) continue;
          const created = secret.createdAt ? Date.parse(secret.createdAt) : Number.NaN;
          const old = Number.isNaN(created) || Date.now() - created > days * DAY_MS;
          rows.push({
            where: `${env}/${scope.namespace}`,
            name: secret.name,
            old,
            ...(secret.createdAt ? { createdAt: secret.createdAt } : {}),
          });
        }
      }
    }
    const due = rows.filter((r) => r.old);
    const where = a.env ?? `all ${envs.length} environments`;
    const line = (r: (typeof rows)[number]) =>
      `${r.old ? 'WARN' : 'OK  '} ${r.where} secret ${r.name} (${r.createdAt ? `${formatAge(r.createdAt)} old` : 'age unknown'})`;
    return {
      summary:
        due.length === 0
          ? `${rows.length} secrets in ${where}, none older than ${days} days.`
          : `${due.length} of ${rows.length} secrets in ${where} are older than ${days} days: ${due
              .slice(0, 3)
              .map((r) => `${r.where} ${r.name}`)
              .join(', ')}${due.length > 3 ? ', …' : ''}`,
      ...(rows.length ? { details: rows.map(line).join('\n') } : {}),
      ok: due.length === 0,
    };
  },
});
