import { z } from 'zod';
import { defineCommand } from '../src/define.js';

// Not itself a change: the schedule's command runs through the whole pipeline as the person who asked,
// so their roles, the target lock and the approval rules apply to it there.
export default defineCommand({
  name: 'schedule run',
  summary: 'Run a schedule now, as yourself, instead of waiting for its next tick.',
  usage: ['schedule run daily-backup'],
  args: z.object({ name: z.string().describe('schedule name, see /ops schedule list') }),
  mutates: false,
  requiredRole: 'operator',
  async run(ctx, { name }) {
    if (!ctx.schedules) return { summary: 'The scheduler is not running in this opsbot.', ok: false };
    const run = await ctx.schedules.runNow(name, ctx.actor);
    return {
      summary: `${name} ran now: ${run.state}${run.summary ? ` — ${run.summary}` : ''}`,
      ok: run.state === 'succeeded',
      ...(run.runId ? { details: `run ${run.runId}; its result was posted where the schedule posts.` } : {}),
    };
  },
});
