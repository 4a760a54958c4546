import { z } from 'zod';
import { arg, type ComponentHealth, checkHealth, defineCommand, describeComponent, refuse } from '../src/define.js';

const count = (all: ComponentHealth[], level: ComponentHealth['level']) => all.filter((c) => c.level === level).length;

export default defineCommand({
  name: 'health',
  summary: 'Health of every service: deployment availability and HTTP checks, one OK/WARN/CRITICAL line each.',
  usage: ['health prod', 'health', 'health --changes'],
  whenToUse: 'Is anything down? The seed health check and monitor: a quick look, or what changed since the last look.',
  args: z.object({
    env: arg.env().optional().describe('one environment (default: all)'),
    changes: z
      .boolean()
      .optional()
      .describe('only what changed since the last look (OK to WARN/CRITICAL and back); the health monitor uses it'),
  }),
  mutates: false,
  requiredRole: 'viewer',
  async run(ctx, a) {
    const envs = a.env ? [a.env] : Object.keys(ctx.catalog.environments);
    const all = (await Promise.all(envs.map((env) => checkHealth(ctx, env)))).flat();
    const critical = count(all, 'CRITICAL');
    const totals = `${count(all, 'OK')} OK, ${count(all, 'WARN')} WARN, ${critical} CRITICAL`;
    const where = a.env ?? `all ${envs.length} environments`;
    const lines = all.map(describeComponent);
    if (!a.changes) {
      const bad = all.filter((c) => c.level !== 'OK').map((c) => `${c.env}/${c.component} ${c.level}`);
      const summary = `Health of ${where}: ${totals}${bad.length ? ` (${bad.slice(0, 3).join(', ')}${bad.length > 3 ? ', …' : ''})` : ''}`;
      return { summary, details: lines.join('\n'), ok: critical === 0 };
    }
    if (!ctx.memory) refuse('health --changes needs opsbot’s database to remember the last states.');
    const memory = ctx.memory;
    // Replicas share the last state in PostgreSQL, so whichever runs the monitor compares with the same past.
    const changed: string[] = [];
    const changedLines: string[] = [];
    for (const c of all) {
      const before = await memory.swap(`health:${c.env}/${c.component}`, c.level);
      const isChange = before === undefined ? c.level !== 'OK' : before !== c.level;
      if (!isChange) continue;
      changed.push(`${c.env}/${c.component} ${before ?? 'new'} → ${c.level}`);
      changedLines.push(describeComponent(c));
    }
    if (changed.length === 0)
      return { summary: `No health changes in ${where} (${totals}).`, quiet: true, ok: critical === 0 };
    const recovered = changed.every((line) => line.endsWith('→ OK'));
    return {
      summary: `${recovered ? '✅ Recovered' : '🚨 Health changed'}: ${changed.join('; ')}`,
      details: [...changedLines, '', `Now: ${totals}`, ...lines].join('\n'),
      ok: critical === 0,
      actions: all
        .filter((c) => c.level !== 'OK')
        .slice(0, 3)
        .map((c) => ({ label: `Status ${c.component} ${c.env}`, command: `status ${c.component} ${c.env}` })),
    };
  },
});
