import { z } from 'zod';
import { arg, defineCommand, formatDuration, formatTable } from '../src/define.js';

const oneLine = (query: string, max: number) => {
  const flat = query.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
};

export default defineCommand({
  name: 'db activity',
  summary: 'Queries running longer than a threshold on an environment’s database (pg_stat_activity; default 5m).',
  whenToUse: 'The database is slow, connections time out (seed 002 "Banco de Dados Lento").',
  usage: ['db activity prod', 'db activity staging --min-duration 30s'],
  args: z.object({
    env: arg.env(),
    minDuration: arg.duration().optional().describe('only queries running at least this long (default 5m)'),
  }),
  positional: 1,
  mutates: false,
  requiredRole: 'viewer',
  async run(ctx, a) {
    const db = ctx.database(a.env);
    const threshold = a.minDuration ?? 5 * 60_000;
    const sessions = await db.activity(threshold);
    const longer = `running longer than ${formatDuration(threshold)} on ${db.describe()} (${a.env})`;
    if (sessions.length === 0) return { summary: `No queries ${longer}.` };
    const longest = sessions[0] as (typeof sessions)[number];
    const rows = sessions.map((s) => [
      String(s.pid),
      s.user ?? '',
      formatDuration(s.runningMs),
      s.state ?? '',
      s.waitEvent ?? '',
      oneLine(s.query, 80),
    ]);
    const full = sessions.map(
      (s) => `-- pid ${s.pid} (${s.application ?? 'no application'}, ${s.client ?? 'local'})\n${s.query.trim()}`,
    );
    return {
      summary: `${sessions.length} quer${sessions.length === 1 ? 'y' : 'ies'} ${longer}; the longest: pid ${longest.pid}, ${formatDuration(longest.runningMs)}`,
      details: `${formatTable([['PID', 'USER', 'RUNNING', 'STATE', 'WAITING ON', 'QUERY'], ...rows])}\n\n${full.join('\n\n')}`,
      actions: sessions.slice(0, 3).map((s) => ({
        label: `Terminate ${s.pid}`,
        command: `db terminate ${a.env} ${s.pid}`,
        style: 'danger' as const,
      })),
    };
  },
});
