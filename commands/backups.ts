import { z } from 'zod';
import { arg, defineCommand, formatAge, formatBytes, formatTable, scriptFailed } from '../src/define.js';

// A daily backup older than this means last night's run did not happen.
const STALE_MS = 26 * 3_600_000;

export default defineCommand({
  name: 'backups',
  summary: 'List an environment’s database backups, newest first, with their age and size.',
  whenToUse: 'Before a restore, or to check that the daily backup ran (seed 001 backup-restore.sh list).',
  usage: ['backups prod'],
  args: z.object({ env: arg.env() }),
  mutates: false,
  requiredRole: 'viewer',
  async run(ctx, { env }) {
    const result = await ctx.scripts.run('maintenance/backup-restore.sh', ['list', env], { env: ['BACKUP_DIR'] });
    if (!result.ok) return scriptFailed(`Listing the backups of ${env}`, result);
    const backups = result.output
      .split('\n')
      .filter((line) => line.includes('\t'))
      .map((line) => {
        const [id = '', created = '0', bytes = '0', label = ''] = line.split('\t');
        return { id, created: new Date(Number(created) * 1000), bytes: Number(bytes), label };
      });
    const latest = backups[0];
    if (!latest) return { summary: `No backups of ${env} yet. /ops backup ${env} makes one.`, ok: false };
    const stale = Date.now() - latest.created.getTime() > STALE_MS;
    const rows = backups.map((b) => [b.id, formatAge(b.created.toISOString()), formatBytes(b.bytes), b.label]);
    return {
      summary:
        `${backups.length} backup${backups.length === 1 ? '' : 's'} of ${env}; the latest is ` +
        `${formatAge(latest.created.toISOString())} old (${formatBytes(latest.bytes)})` +
        (stale ? ' — older than a day: did the daily backup run?' : ''),
      details: formatTable([['BACKUP', 'AGE', 'SIZE', 'LABEL'], ...rows]),
      ok: !stale,
    };
  },
});
