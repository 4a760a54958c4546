import { z } from 'zod';
import { arg, defineCommand } from '../src/define.js';

export default defineCommand({
  name: 'incident commander',
  summary: 'Hand the incident over to a new commander (invited to the channel).',
  usage: ['incident commander @bob'],
  args: z.object({
    user: arg.user(),
    incident: arg.incident(),
  }),
  positional: 1,
  mutates: false,
  requiredRole: 'viewer',
  async run(ctx, a) {
    if (!ctx.incidents) return { summary: 'Incidents are not available in this opsbot.', ok: false };
    const incident = await ctx.incidents.find(a.incident, ctx.channelId);
    const next = await ctx.incidents.setRole(incident, 'commander', a.user, ctx.actor);
    return { summary: `<@${next.commander}> is the commander of ${next.id}.` };
  },
});
