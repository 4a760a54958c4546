import { z } from 'zod';
import { arg, defineCommand } from '../src/define.js';

// Incident commands change no system, only opsbot's incident record: they are not "mutating" in the
// engine's sense (no plan, no approval, never frozen), and each change writes its own incident.* audit row.
export default defineCommand({
  name: 'incident declare',
  summary: 'Declare an incident: a channel #inc-<date>-<title>, its owners invited, a pinned summary, an announcement.',
  usage: [
    'incident declare sev2 checkout errors --service api-gateway --env prod',
    'incident declare sev1 "payments down"',
  ],
  whenToUse: 'Something is broken for users and more than one person needs to work on it.',
  args: z.object({
    severity: z
      .string()
      .transform((v) => v.toUpperCase().replace(/^(\d)$/, 'SEV$1'))
      .pipe(z.enum(['SEV1', 'SEV2', 'SEV3', 'SEV4'], 'a severity: sev1 (worst) to sev4'))
      .describe('sev1 (worst) … sev4'),
    title: arg.text('title'),
    service: z.array(z.string()).default([]).describe('an affected service (repeat for several)'),
    env: z.string().optional().describe('the affected environment'),
    commander: arg.user().optional().describe('incident commander (default: you)'),
  }),
  positional: 2,
  mutates: false,
  requiredRole: 'viewer',
  async run(ctx, a) {
    if (!ctx.incidents) return { summary: 'Incidents are not available in this opsbot.', ok: false };
    const services = a.service
      .flatMap((s) => s.split(','))
      .map((s) => s.trim())
      .filter(Boolean);
    const incident = await ctx.incidents.declare(
      { severity: a.severity, title: a.title, services, environment: a.env, commander: a.commander },
      ctx.actor,
    );
    const channel = incident.channelId ? `<#${incident.channelId}>` : 'no channel';
    return {
      summary: `${incident.id} ${incident.severity} declared: ${channel}. Post updates there with /ops incident status.`,
    };
  },
});
