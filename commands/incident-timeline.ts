import { z } from 'zod';
import { arg, defineCommand } from '../src/define.js';

export default defineCommand({
  name: 'incident timeline',
  summary: 'Show the incident’s timeline: actions, approvals, alerts, updates and notes, oldest first (UTC).',
  usage: ['incident timeline', 'incident timeline --incident INC-4'],
  args: z.object({ incident: arg.incident() }),
  mutates: false,
  requiredRole: 'viewer',
  async run(ctx, a) {
    if (!ctx.incidents) return { summary: 'Incidents are not available in this opsbot.', ok: false };
    const incident = await ctx.incidents.find(a.incident, ctx.channelId);
    const lines = await ctx.incidents.timeline(incident);
    return {
      summary: `${incident.id} timeline: ${lines.length} events (UTC)`,
      details: lines.join('\n') || 'No events yet.',
    };
  },
});
