import { z } from 'zod';
import { defineCommand, refuse } from '../src/define.js';

export default defineCommand({
  name: 'approvals reject',
  summary: 'Reject a request by id, saying why with --reason (final; the requester reads the reason).',
  usage: ['approvals reject r-abc1234 --reason "not during the sale"'],
  args: z.object({ id: z.string().regex(/^[ar]-[a-z0-9]+$/, 'a request id like r-abc1234 (see /ops approvals)') }),
  mutates: false,
  requiredRole: 'approver',
  async run(ctx, { id }) {
    if (!ctx.approvals) return { summary: 'This opsbot cannot ask for approvals.', ok: false };
    if (!ctx.reason?.trim())
      refuse('A rejection needs a reason; nothing was recorded.', `Type: /ops approvals reject ${id} --reason "why"`);
    const { ok, message } = await ctx.approvals.decide(id, ctx.actor, 'reject', ctx.reason);
    return { summary: message, ok };
  },
});
