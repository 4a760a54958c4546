import { z } from 'zod';
import { defineCommand } from '../src/define.js';

export default defineCommand({
  name: 'approvals cancel',
  summary: 'Withdraw an approval request (yours, or as an approver) before it runs.',
  usage: ['approvals cancel r-abc1234'],
  args: z.object({ id: z.string().regex(/^[ar]-[a-z0-9]+$/, 'a request id like r-abc1234 (see /ops approvals)') }),
  mutates: false,
  requiredRole: 'viewer',
  async run(ctx, { id }) {
    if (!ctx.approvals) return { summary: 'This opsbot cannot ask for approvals.', ok: false };
    const { ok, message } = await ctx.approvals.cancel(id, ctx.actor);
    return { summary: message, ok };
  },
});
