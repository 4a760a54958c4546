import { z } from 'zod';
import { defineCommand } from '../src/define.js';

export default defineCommand({
  name: 'schedule resume',
  summary: 'Resume a paused schedule from its next tick (missed ticks are not run).',
  usage: ['schedule resume weekly-maintenance'],
  args: z.object({ name: z.string().describe('schedule name, see /ops schedule list') }),
  mutates: true,
  requiredRole: 'operator',
  async plan(ctx, { name }) {
    const schedule = (await ctx.schedules?.list())?.find((s) => s.name === name);
    const from = schedule ? (schedule.paused ? 'paused' : 'active') : 'unknown schedule';
    return { summary: `resume the ${name} schedule`, changes: [{ what: name, from, to: 'active' }] };
  },
  async run(ctx, { name }) {
    if (!ctx.schedules) return { summary: 'The scheduler is not running in this opsbot.', ok: false };
    await ctx.schedules.setPaused(name, false, ctx.actor, ctx.reason);
    const next = (await ctx.schedules.list()).find((s) => s.name === name)?.nextRun;
    return {
      summary: `${name} is active again${next ? `; next run ${next.toISOString().slice(0, 16).replace('T', ' ')} UTC` : ''}.`,
    };
  },
});
