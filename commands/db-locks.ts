import { z } from 'zod';
import { arg, defineCommand, formatDuration, formatTable } from '../src/define.js';

const oneLine = (query: string, max: number) => {
  const flat = query.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
};

export default defineCommand({
  name: 'db locks',
  summary: 'Sessions waiting on a lock and the sessions blocking them, on an environment’s database.',
  whenToUse: 'Queries hang or pile up; seed 002 "SELECT * FROM pg_locks WHERE NOT granted", with who holds them.',
  usage: ['db locks prod'],
  args: z.object({ env: arg.env() }),
  mutates: false,
  requiredRole: 'viewer',
  async run(ctx, { env }) {
    const db = ctx.database(env);
    const waits = await db.locks();
    if (waits.length === 0) return { summary: `No session is waiting on a lock on ${db.describe()} (${env}).` };
    const blockers = [...new Map(waits.map((w) => [w.blocking.pid, w])).values()];
    const rows = waits.map((w) => [
      String(w.blocked.pid),
      formatDuration(w.blocked.runningMs),
      oneLine(w.blocked.query, 50),
      String(w.blocking.pid),
      `${w.blocking.state ?? ''}, transaction ${formatDuration(w.blockingTransactionMs)}`,
      oneLine(w.blocking.query, 50),
    ]);
    const first = blockers[0] as (typeof blockers)[number];
    return {
      summary:
        `${waits.length} session${waits.length === 1 ? '' : 's'} waiting on locks on ${db.describe()} (${env}), ` +
        `blocked by ${blockers.map((b) => `pid ${b.blocking.pid}`).join(', ')}` +
        ` (pid ${first.blocking.pid}: ${first.blocking.state ?? 'unknown state'}, transaction open ${formatDuration(first.blockingTransactionMs)})`,
      details: formatTable([
        ['WAITING PID', 'WAITING', 'WAITING QUERY', 'BLOCKED BY', 'BLOCKER', 'BLOCKER QUERY'],
        ...rows,
      ]),
      actions: blockers.slice(0, 3).map((b) => ({
        label: `Terminate ${b.blocking.pid}`,
        command: `db terminate ${env} ${b.blocking.pid}`,
        style: 'danger' as const,
      })),
    };
  },
});
