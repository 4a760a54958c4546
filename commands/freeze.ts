import { z } from 'zod';
import { arg, defineCommand, refuse } from '../src/define.js';

// Protective, so it needs no second person: a freeze only stops changes. It is audited like every request.
export default defineCommand({
  name: 'freeze',
  summary: 'Freeze changes in an environment for a while: commands and schedules that change it are refused.',
  whenToUse: 'A release window, an incident, a holiday: nothing should change there (break-glass still can).',
  usage: ['freeze prod 4h --reason "black friday"', 'freeze staging 30m --reason "load test"'],
  args: z.object({ env: arg.env(), duration: arg.duration().describe('how long, e.g. 2h') }),
  mutates: false,
  requiredRole: 'operator',
  async run(ctx, a) {
    if (!ctx.freezes) return { summary: 'Freezes need the store; this opsbot has none.', ok: false };
    if (!ctx.reason)
      refuse('Say why: /ops freeze <env> <duration> --reason "…". The reason is shown to everyone refused.');
    if (a.duration > 14 * 24 * 3_600_000) refuse('A freeze lasts at most 14 days; declare longer ones in the catalog.');
    const f = await ctx.freezes.add(a.env, a.duration, ctx.reason, ctx.actor);
    const until = `${f.until.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
    return { summary: `${a.env} is frozen until ${until} (${f.reason}). /ops unfreeze ${a.env} lifts it.` };
  },
});
