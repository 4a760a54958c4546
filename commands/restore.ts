import { z } from 'zod';
import { arg, defineCommand, formatAge, formatBytes, refuse, scriptFailed } from '../src/define.js';

const SCRIPT = 'maintenance/backup-restore.sh';

export default defineCommand({
  name: 'restore',
  summary: 'Restore an environment’s database from a backup, overwriting what is there now (pg_restore --clean).',
  whenToUse:
    'Data loss or corruption (seed 001 emergency restore, seed 002 database recovery). Stop the writers first.',
  usage: ['restore staging backup_20261123_010000', 'restore prod backup_20261123_010000 --reason "bad migration"'],
  args: z.object({
    env: arg.env(),
    backup: z
      .string()
      .max(200)
      .refine((id) => !id.startsWith('-'), 'a backup id, as /ops backups <env> lists them')
      .describe('a backup id from /ops backups'),
  }),
  mutates: true,
  // A restore overwrites the whole database: one at a time, whichever backup it restores.
  target: () => 'database',
  requiredRole: 'operator',
  // What approvers see: the database that will be overwritten, next to what the backup holds.
  async plan(ctx, a) {
    const described = await ctx.scripts.run(SCRIPT, ['describe', a.env, a.backup], {
      databaseOf: a.env,
      env: ['BACKUP_DIR'],
    });
    if (!described.ok) {
      const why = described.excerpt.split('\n').pop() ?? 'the script failed';
      refuse(
        `Cannot restore ${a.env} from ${a.backup}: ${why.replace(/^error: /, '')}`,
        `/ops backups ${a.env} lists the backups.`,
      );
    }
    const info = Object.fromEntries(
      described.output.split('\n').flatMap((line) => {
        const at = line.indexOf('=');
        return at > 0 ? [[line.slice(0, at), line.slice(at + 1)]] : [];
      }),
    ) as Record<string, string | undefined>;
    const created = new Date(Number(info.created) * 1000).toISOString();
    const when = `${created.slice(0, 16).replace('T', ' ')} UTC, ${formatAge(created)} old`;
    const current = (info.database_tables ?? '').split(', ').filter(Boolean);
    const backedUp = (info.backup_tables ?? '').split(', ').filter(Boolean);
    return {
      summary: `overwrite the ${info.database} database of ${a.env} (${info.database_size}, ${current.length} tables) with backup ${a.backup} (${when})`,
      changes: [
        {
          what: `database ${info.database} in ${a.env}`,
          from: `now: ${info.database_size}; ${current.join(', ') || 'no tables'}`,
          // A live database's size and row counts move by the second; the backup restored is what is bound.
          volatile: true,
          to: `${a.backup} of ${when}, ${formatBytes(Number(info.bytes))}${info.label ? ` (${info.label})` : ''}; ${backedUp.join(', ') || 'no tables'}`,
        },
      ],
    };
  },
  async run(ctx, a) {
    const result = await ctx.scripts.run(SCRIPT, ['restore', a.env, a.backup], {
      databaseOf: a.env,
      env: ['BACKUP_DIR'],
      timeoutMs: 2 * 60 * 60_000,
      progress: `Restoring the ${a.env} database from ${a.backup}…`,
    });
    if (!result.ok) return scriptFailed(`Restore of ${a.env} from ${a.backup}`, result);
    return { summary: `Restored the ${a.env} database from ${a.backup}`, details: result.output };
  },
});
