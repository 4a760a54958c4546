import { z } from 'zod';
import { arg, defineCommand } from '../src/define.js';

export default defineCommand({
  name: 'incident severity',
  summary: 'Change the incident’s severity (sev1 worst … sev4).',
  usage: ['incident severity sev1'],
  args: z.object({
    severity: z
      .string()
      .transform((v) => v.toUpperCase().replace(/^(\d)$/, 'SEV$1'))
      .pipe(z.enum(['SEV1', 'SEV2', 'SEV3', 'SEV4'], 'a severity: sev1 (worst) to sev4')),
    incident: arg.incident(),
  }),
  positional: 1,
  mutates: false,
  requiredRole: 'viewer',
  async run(ctx, a) {
    if (!ctx.incidents) return { summary: 'Incidents are not available in this opsbot.', ok: false };
    const incident = await ctx.incidents.find(a.incident, ctx.channelId);
    const next = await ctx.incidents.setSeverity(incident, a.severity, ctx.actor);
    return { summary: `${next.id} is now ${next.severity}.` };
  },
});
