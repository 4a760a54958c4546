import { z } from 'zod';
import { arg, defineCommand } from '../src/define.js';

export default defineCommand({
  name: 'incident resolve',
  summary: 'Resolve the incident with a one-line summary; the channel stays open for the postmortem.',
  usage: ['incident resolve rolled back api-gateway to 4.1, errors gone'],
  args: z.object({
    summary: arg.text('summary'),
    incident: arg.incident(),
  }),
  positional: 1,
  mutates: false,
  requiredRole: 'viewer',
  async run(ctx, a) {
    if (!ctx.incidents) return { summary: 'Incidents are not available in this opsbot.', ok: false };
    const incident = await ctx.incidents.find(a.incident, ctx.channelId);
    const next = await ctx.incidents.resolve(incident, a.summary, ctx.actor);
    return { summary: `${next.id} is resolved. /ops incident postmortem writes the postmortem.` };
  },
});
