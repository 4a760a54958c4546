import { z } from 'zod';
import { arg, defineCommand } from '../src/define.js';

export default defineCommand({
  name: 'incident postmortem',
  summary: 'Write the postmortem (markdown, from the timeline) and upload it to the incident channel.',
  usage: ['incident postmortem', 'incident postmortem --tz Europe/Lisbon'],
  args: z.object({
    incident: arg.incident(),
    tz: z
      .string()
      .refine((zone) => {
        try {
          new Intl.DateTimeFormat('en', { timeZone: zone });
          return true;
        } catch {
          return false;
        }
      }, 'an IANA time zone like Europe/Lisbon')
      .optional()
      .describe('time zone for the local times (default: yours in Slack)'),
  }),
  mutates: false,
  requiredRole: 'viewer',
  async run(ctx, a) {
    if (!ctx.incidents) return { summary: 'Incidents are not available in this opsbot.', ok: false };
    const incident = await ctx.incidents.find(a.incident, ctx.channelId);
    const { filename } = await ctx.incidents.postmortem(incident, ctx.actor, a.tz);
    return { summary: `${incident.id} postmortem uploaded to the incident channel as ${filename}.` };
  },
});
