import { z } from 'zod';
import { arg, defineCommand } from '../src/define.js';

export default defineCommand({
  name: 'incident role',
  summary: 'Give someone an incident role (comms, scribe, ops…); they are invited to the channel.',
  usage: ['incident role comms @carol'],
  args: z.object({
    role: z.string().regex(/^[a-z][a-z-]{1,19}$/, 'a role name like comms or scribe'),
    user: arg.user(),
    incident: arg.incident(),
  }),
  positional: 2,
  mutates: false,
  requiredRole: 'viewer',
  async run(ctx, a) {
    if (!ctx.incidents) return { summary: 'Incidents are not available in this opsbot.', ok: false };
    const incident = await ctx.incidents.find(a.incident, ctx.channelId);
    const next = await ctx.incidents.setRole(incident, a.role, a.user, ctx.actor);
    return { summary: `<@${a.user}> is ${a.role} for ${next.id}.` };
  },
});
