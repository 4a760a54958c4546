import { z } from 'zod';
import { arg, defineCommand } from '../src/define.js';

export default defineCommand({
  name: 'incident task',
  summary: 'Record a follow-up task (listed in the postmortem), optionally with an owner.',
  usage: ['incident task "add an alert on queue depth" --owner @bob'],
  args: z.object({
    text: arg.text('task'),
    owner: arg.user().optional(),
    incident: arg.incident(),
  }),
  positional: 1,
  mutates: false,
  requiredRole: 'viewer',
  async run(ctx, a) {
    if (!ctx.incidents) return { summary: 'Incidents are not available in this opsbot.', ok: false };
    const incident = await ctx.incidents.find(a.incident, ctx.channelId);
    const number = await ctx.incidents.task(incident, a.text, a.owner, ctx.actor);
    return { summary: `Task #${number} added to ${incident.id}${a.owner ? ` for <@${a.owner}>` : ''}.` };
  },
});
