import { z } from 'zod';
import { arg, defineCommand } from '../src/define.js';

export default defineCommand({
  name: 'incident status',
  summary: 'Post a status update (investigating, identified, monitoring, resolved) to the incident.',
  usage: [
    'incident status identified bad deploy of api-gateway 4.2',
    'incident status monitoring "error rate back to normal"',
  ],
  args: z.object({
    status: z.enum(['investigating', 'identified', 'monitoring', 'resolved']),
    update: arg.text('update'),
    incident: arg.incident(),
  }),
  positional: 2,
  mutates: false,
  requiredRole: 'viewer',
  async run(ctx, a) {
    if (!ctx.incidents) return { summary: 'Incidents are not available in this opsbot.', ok: false };
    const incident = await ctx.incidents.find(a.incident, ctx.channelId);
    const next = await ctx.incidents.setStatus(incident, a.status, a.update, ctx.actor);
    return { summary: `${next.id} is ${next.status}.` };
  },
});
