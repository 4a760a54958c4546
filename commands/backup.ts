import { z } from 'zod';
import { arg, defineCommand, scriptFailed } from '../src/define.js';

// Writes a new backup file and reads the database: it changes nothing anyone depends on, so it needs no
// approval, even in production (seed 000: "run it by hand before a risky operation").
export default defineCommand({
  name: 'backup',
  summary: 'Back up an environment’s database now (pg_dump), verified right after it is written.',
  whenToUse: 'Before a risky change or a deploy (seed 000 backup_database.sh); the daily backup runs it at 01:00.',
  usage: ['backup prod', 'backup staging --label pre-deploy'],
  args: z.object({
    env: arg.env(),
    label: z.string().max(200).optional().describe('a note kept with the backup, e.g. pre-deploy'),
  }),
  positional: 1,
  mutates: false,
  requiredRole: 'operator',
  async run(ctx, a) {
    const result = await ctx.scripts.run('maintenance/backup_database.sh', [a.env, ...(a.label ? [a.label] : [])], {
      databaseOf: a.env,
      env: ['BACKUP_DIR'],
      timeoutMs: 60 * 60_000,
      progress: `Backing up the ${a.env} database…`,
    });
    if (!result.ok) return scriptFailed(`Backup of ${a.env}`, result);
    const done = result.output.split('\n').findLast((line) => line.startsWith('Backup of'));
    return { summary: done ?? `Backup of ${a.env} done`, details: result.output };
  },
});
