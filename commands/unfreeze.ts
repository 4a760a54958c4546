import { z } from 'zod';
import { arg, defineCommand } from '../src/define.js';

export default defineCommand({
  name: 'unfreeze',
  summary: 'Lift the freezes declared from Slack in an environment (the catalog’s stay until the catalog changes).',
  usage: ['unfreeze staging'],
  args: z.object({ env: arg.env() }),
  mutates: false,
  requiredRole: 'operator',
  async run(ctx, a) {
    if (!ctx.freezes) return { summary: 'Freezes need the store; this opsbot has none.', ok: false };
    const lifted = await ctx.freezes.lift(a.env, ctx.actor);
    const left = await ctx.freezes.list(a.env);
    const still = left.length
      ? ` Still frozen by the catalog until ${left[0]?.until.toISOString().slice(0, 16).replace('T', ' ')} UTC.`
      : '';
    return {
      summary: `${lifted ? `Lifted ${lifted} freeze${lifted === 1 ? '' : 's'} in ${a.env}.` : `${a.env} had no Slack freeze.`}${still}`,
    };
  },
});
