import { z } from 'zod';
import { defineCommand } from '../src/define.js';

export default defineCommand({
  name: 'approvals approve',
  summary: 'Approve a request by id (the same as its card’s Approve button); it runs once the approvals are complete.',
  whenToUse: 'From the console, or when the card is out of reach. /ops approvals shows what you may decide.',
  usage: ['approvals approve r-abc1234'],
  args: z.object({ id: z.string().regex(/^[ar]-[a-z0-9]+$/, 'a request id like r-abc1234 (see /ops approvals)') }),
  mutates: false,
  requiredRole: 'approver',
  async run(ctx, { id }) {
    if (!ctx.approvals) return { summary: 'This opsbot cannot ask for approvals.', ok: false };
    const { ok, message } = await ctx.approvals.decide(id, ctx.actor, 'approve');
    return { summary: message, ok };
  },
});
