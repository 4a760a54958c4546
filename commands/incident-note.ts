import { z } from 'zod';
import { arg, defineCommand } from '../src/define.js';

export default defineCommand({
  name: 'incident note',
  summary: 'Add a note to the incident’s timeline (or 📌 any message in the channel).',
  usage: ['incident note failover to the replica started', 'incident note "customer reports from EU only"'],
  args: z.object({
    text: arg.text('note'),
    incident: arg.incident(),
  }),
  positional: 1,
  mutates: false,
  requiredRole: 'viewer',
  async run(ctx, a) {
    if (!ctx.incidents) return { summary: 'Incidents are not available in this opsbot.', ok: false };
    const incident = await ctx.incidents.find(a.incident, ctx.channelId);
    await ctx.incidents.note(incident, a.text, ctx.actor);
    return { summary: `Noted on ${incident.id}’s timeline.` };
  },
});
