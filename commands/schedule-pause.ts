import { z } from 'zod';
import { defineCommand } from '../src/define.js';

export default defineCommand({
  name: 'schedule pause',
  summary: 'Pause a schedule: its ticks are recorded as skipped until it is resumed.',
  usage: ['schedule pause weekly-maintenance --reason "cluster upgrade tonight"'],
  args: z.object({ name: z.string().describe('schedule name, see /ops schedule list') }),
  mutates: true,
  requiredRole: 'operator',
  async plan(ctx, { name }) {
    const schedule = (await ctx.schedules?.list())?.find((s) => s.name === name);
    const from = schedule ? (schedule.paused ? 'paused' : 'active') : 'unknown schedule';
    return { summary: `pause the ${name} schedule`, changes: [{ what: name, from, to: 'paused' }] };
  },
  async run(ctx, { name }) {
    if (!ctx.schedules) return { summary: 'The scheduler is not running in this opsbot.', ok: false };
    await ctx.schedules.setPaused(name, true, ctx.actor, ctx.reason);
    return {
      summary: `${name} is paused${ctx.reason ? ` (${ctx.reason})` : ''}; /ops schedule resume ${name} to restart it.`,
    };
  },
});
