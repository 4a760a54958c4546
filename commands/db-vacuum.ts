import { z } from 'zod';
import { arg, defineCommand, formatTable } from '../src/define.js';

const when = (at: Date | null) => (at ? `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC` : 'never');

export default defineCommand({
  name: 'db vacuum',
  summary: 'VACUUM (ANALYZE) one table, or the whole database, of an environment (seed 002 maintenance).',
  whenToUse: 'Many dead rows, stale planner statistics after a bulk change, the monthly database maintenance.',
  usage: ['db vacuum prod', 'db vacuum staging products'],
  args: z.object({
    env: arg.env(),
    table: z.string().min(1).max(200).optional().describe('a table, e.g. products or sales.orders (default: all)'),
  }),
  mutates: true,
  target: () => 'database',
  requiredRole: 'operator',
  async plan(ctx, a) {
    const db = ctx.database(a.env);
    const stats = await db.tableStats(a.table);
    const dead = stats.reduce((n, t) => n + t.deadRows, 0);
    return {
      summary: `VACUUM (ANALYZE) ${a.table ? (stats[0]?.table ?? a.table) : 'every table'} on ${db.describe()} (${a.env})`,
      changes: stats
        .map((t) => ({
          what: `table ${t.table}`,
          from: `${t.deadRows} dead rows, last vacuum ${when(t.lastVacuum ?? t.lastAutovacuum)}`,
          volatile: true,
          to: 'vacuumed and analyzed',
        }))
        .concat(
          stats.length === 0
            ? [{ what: 'database', from: `${dead} dead rows known`, to: 'vacuumed and analyzed', volatile: true }]
            : [],
        ),
    };
  },
  async run(ctx, a) {
    const db = ctx.database(a.env);
    await ctx.progress(`VACUUM (ANALYZE) ${a.table ?? 'of the whole database'} on ${db.describe()}…`);
    const done = await db.vacuum(a.table);
    const after = await db.tableStats(a.table);
    return {
      summary: `Vacuumed ${done.table ?? 'the whole database'} on ${db.describe()} (${a.env}) in ${(done.durationMs / 1000).toFixed(1)}s`,
      details: formatTable([
        ['TABLE', 'LIVE ROWS', 'DEAD ROWS', 'LAST VACUUM'],
        ...after.map((t) => [t.table, String(t.liveRows), String(t.deadRows), when(t.lastVacuum ?? t.lastAutovacuum)]),
      ]),
    };
  },
});
