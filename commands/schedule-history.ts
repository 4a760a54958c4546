import { z } from 'zod';
import { defineCommand, formatTable } from '../src/define.js';

export default defineCommand({
  name: 'schedule history',
  summary: 'Show the recent runs of a schedule: when, how each ended, and why a run was skipped.',
  usage: ['schedule history daily-backup', 'schedule history health-monitor --limit 50'],
  args: z.object({
    name: z.string().describe('schedule name, see /ops schedule list'),
    limit: z.coerce.number().int().min(1).max(200).default(20),
  }),
  positional: 1,
  mutates: false,
  requiredRole: 'viewer',
  async run(ctx, { name, limit }) {
    if (!ctx.schedules) return { summary: 'The scheduler is not running in this opsbot.', ok: false };
    const runs = await ctx.schedules.history(name, limit);
    if (runs.length === 0) return { summary: `${name} has not run yet.` };
    const failed = runs.filter((r) => r.state === 'failed').length;
    const rows = runs.map((r) => [
      `${r.tick.toISOString().slice(0, 16).replace('T', ' ')}`,
      r.state,
      (r.reason ?? r.summary ?? '').slice(0, 120),
      r.runId ?? '',
    ]);
    return {
      summary: `${name}: last ${runs.length} runs, ${failed} failed; latest ${runs[0]?.state}`,
      details: formatTable([['TICK (UTC)', 'STATE', 'WHAT', 'RUN'], ...rows]),
    };
  },
});
