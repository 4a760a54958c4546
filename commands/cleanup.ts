import { z } from 'zod';
import { arg, defineCommand, formatAge, type RunContext } from '../src/define.js';

/** The namespaces the catalog's services live in, in this environment. */
const scopesOf = (ctx: RunContext, env: string) => {
  const scopes = new Map<string, { env: string; kubeContext: string; namespace: string }>();
  for (const service of Object.keys(ctx.catalog.services)) {
    const t = ctx.target(service, env);
    scopes.set(t.namespace, { env, kubeContext: t.kubeContext, namespace: t.namespace });
  }
  return [...scopes.values()];
};

async function finished(ctx: RunContext, env: string) {
  const found = await Promise.all(
    scopesOf(ctx, env).map(async (scope) => ({ scope, objects: await ctx.k8s.finishedWork(scope) })),
  );
  return found.filter((f) => f.objects.length > 0);
}

export default defineCommand({
  name: 'cleanup',
  summary: 'Delete pods that finished (Succeeded/Failed) and completed Jobs in an environment’s namespaces.',
  whenToUse:
    'Seed 001 weekly maintenance "limpeza de recursos órfãos": finished pods and jobs pile up. Failed Jobs are kept for investigation.',
  usage: ['cleanup staging', 'cleanup prod --dry-run'],
  args: z.object({ env: arg.env() }),
  mutates: true,
  requiredRole: 'operator',
  async plan(ctx, { env }) {
    const found = await finished(ctx, env);
    const all = found.flatMap((f) => f.objects.map((o) => ({ ...o, namespace: f.scope.namespace })));
    const pods = all.filter((o) => o.kind === 'Pod').length;
    if (all.length === 0)
      return { summary: `nothing to delete in ${env}: no finished pods or completed Jobs`, changes: [] };
    return {
      summary: `delete ${pods} finished pods and ${all.length - pods} completed Jobs in ${env}`,
      changes: all.map((o) => ({
        what: `${o.kind.toLowerCase()} ${o.namespace}/${o.name}`,
        from: `${o.state}${o.createdAt ? `, ${formatAge(o.createdAt)} old` : ''}`,
        to: 'deleted',
      })),
    };
  },
  async run(ctx, { env }) {
    // Looked at again: what finished between the plan and now goes too, what vanished is not an error.
    const found = await finished(ctx, env);
    const lines: string[] = [];
    let deleted = 0;
    let gone = 0;
    for (const { scope, objects } of found) {
      const result = await ctx.k8s.deleteFinished(scope, objects);
      deleted += result.deleted.length;
      gone += result.alreadyGone;
      lines.push(
        ...result.deleted.map((o) => `deleted ${o.kind.toLowerCase()} ${scope.namespace}/${o.name} (${o.state})`),
      );
    }
    const already = gone ? `; ${gone} were already gone` : '';
    return {
      summary:
        deleted === 0 && gone === 0
          ? `Nothing to clean up in ${env}.`
          : `Cleaned up ${env}: deleted ${deleted} finished pods and Jobs${already}.`,
      ...(lines.length ? { details: lines.join('\n') } : {}),
    };
  },
});
