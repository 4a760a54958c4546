import { z } from 'zod';
import { defineCommand, formatTable } from '../src/define.js';

const when = (at?: Date) => (at ? `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC` : '-');

export default defineCommand({
  name: 'schedule list',
  summary: 'List the schedules: when they run, the next and the last run, and which are paused.',
  usage: ['schedule list'],
  args: z.object({}),
  mutates: false,
  requiredRole: 'viewer',
  async run(ctx) {
    if (!ctx.schedules) return { summary: 'The scheduler is not running in this opsbot.', ok: false };
    const schedules = await ctx.schedules.list();
    if (schedules.length === 0) return { summary: 'No schedules are defined (add one in schedules/).' };
    const rows = schedules.map((s) => [
      s.name,
      `${s.cron} ${s.timezone}`,
      s.paused ? 'PAUSED' : when(s.nextRun),
      s.lastRun ? `${s.lastRun.state} ${when(s.lastRun.tick)}` : 'never',
      s.paused ? `paused by <@${s.pausedBy}>${s.pauseReason ? `: ${s.pauseReason}` : ''}` : s.command,
    ]);
    const paused = schedules.filter((s) => s.paused).length;
    const failing = schedules.filter((s) => s.lastRun?.state === 'failed').length;
    return {
      summary: `${schedules.length} schedules, ${paused} paused, ${failing} whose last run failed`,
      details: formatTable([['SCHEDULE', 'WHEN', 'NEXT', 'LAST', 'RUNS'], ...rows]),
    };
  },
});
