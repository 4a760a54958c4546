import { z } from 'zod';
import { arg, defineCommand, formatDuration, refuse } from '../src/define.js';

export default defineCommand({
  name: 'db terminate',
  summary: 'End one database session (pg_terminate_backend): its query is cancelled and its transaction rolled back.',
  whenToUse: 'A runaway query or a session holding locks others wait on (seed 002 "Kill queries longas").',
  usage: ['db terminate prod 12345'],
  args: z.object({
    env: arg.env(),
    pid: z.coerce.number().int().positive().describe('the pid from /ops db activity or /ops db locks'),
  }),
  mutates: true,
  requiredRole: 'operator',
  // Approvers see the query that will be killed, who runs it and for how long.
  async plan(ctx, a) {
    const db = ctx.database(a.env);
    const session = await db.session(a.pid);
    if (!session) {
      refuse(
        `There is no session with pid ${a.pid} on ${db.describe()} (${a.env}); it may have ended.`,
        `/ops db activity ${a.env} --min-duration 0s lists the sessions.`,
      );
    }
    const running = `${session.state ?? 'unknown state'} for ${formatDuration(session.runningMs)}`;
    return {
      summary: `terminate pid ${a.pid} (${session.user ?? '?'}, ${running}) on ${db.describe()}: ${session.query.replace(/\s+/g, ' ').slice(0, 200)}`,
      changes: [
        {
          what: `session ${a.pid} (${session.user ?? '?'}, ${session.application ?? 'no application'})`,
          from: `${running}: ${session.query.trim()}`,
          to: 'terminated',
        },
      ],
    };
  },
  async run(ctx, a) {
    const db = ctx.database(a.env);
    const session = await db.session(a.pid);
    const ended = await db.terminate(a.pid);
    if (!ended)
      return {
        summary: `pid ${a.pid} on ${db.describe()} (${a.env}) had already ended; nothing was terminated.`,
        ok: false,
      };
    return {
      summary: `Terminated pid ${a.pid} on ${db.describe()} (${a.env})`,
      ...(session
        ? {
            details: `It was ${session.state ?? 'running'} for ${formatDuration(session.runningMs)}:\n${session.query.trim()}`,
          }
        : {}),
    };
  },
});
