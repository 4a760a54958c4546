import { z } from 'zod';
import { arg, defineCommand } from '../src/define.js';

export default defineCommand({
  name: 'policy',
  summary: 'Show which approval policy applies to a command in an environment, and why.',
  usage: ['policy rollback prod', 'policy restart prod --service api-gateway'],
  args: z.object({
    command: z.string().min(1).describe('a command, e.g. rollback'),
    env: arg.env(),
    service: arg.service().optional(),
  }),
  positional: 2,
  mutates: false,
  requiredRole: 'viewer',
  async run(ctx, a) {
    if (!ctx.approvals) return { summary: 'This opsbot cannot ask for approvals.', ok: false };
    const known = ctx.commands.get(a.command);
    if (!known) return { summary: `There is no command "${a.command}". /ops help lists them.`, ok: false };
    const e = ctx.approvals.explain(a.command, a.env, a.service);
    const on = a.service ? ` on ${a.service}` : '';
    if (!e.mutates) return { summary: `${a.command} changes nothing, so it never needs approval.` };
    if (!e.policy) {
      return e.production
        ? {
            summary: `No policy covers ${a.command} in ${a.env}: it would be refused. An admin adds one to approvals/.`,
            ok: false,
          }
        : {
            summary: `${a.command}${on} in ${a.env} runs without approval (${a.env} is not production and no policy names it).`,
          };
    }
    const p = e.policy;
    const needs =
      p.approvals === 0
        ? 'runs without approval'
        : `needs ${p.approvals} approver${p.approvals === 1 ? '' : 's'} other than the requester, holding ${p.fromRoles.join(' or ')}`;
    const lines = [
      `Policy: ${p.name}${p.summary ? ` — ${p.summary}` : ''}`,
      `Applies because ${e.because}.`,
      `Requests expire after ${p.expiresAfter} pending; an approval must start within 5 minutes.`,
      `Scheduled runs: ${p.schedules === 'preapproved' ? 'preapproved (schedules are reviewed as code)' : 'a person must approve each run'}.`,
      'Break-glass: members of the break-glass role may run it at once with --break-glass INC-… "reason"; it is announced and reviewed.',
      ...(e.alsoMatched.length ? [`Also matched, less specific: ${e.alsoMatched.join(', ')}.`] : []),
      ...(a.service ? [] : ['Critical services may fall under a stricter policy: add --service <name> to check one.']),
    ];
    return { summary: `${a.command}${on} in ${a.env} ${needs} (policy ${p.name}).`, details: lines.join('\n') };
  },
});
