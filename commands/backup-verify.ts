import { z } from 'zod';
import { arg, defineCommand, scriptFailed } from '../src/define.js';

export default defineCommand({
  name: 'backup-verify',
  summary: 'Check that a backup is intact: its checksum matches and the archive can be read (default: the latest).',
  whenToUse: 'After the daily backup, and before a restore (seed 001 backup-restore.sh verify --latest).',
  usage: ['backup-verify prod', 'backup-verify prod backup_20261123_010000'],
  args: z.object({
    env: arg.env(),
    backup: z
      .string()
      .max(200)
      .refine((id) => !id.startsWith('-'), 'a backup id, as /ops backups <env> lists them')
      .optional()
      .describe('a backup id from /ops backups (default: the latest)'),
  }),
  mutates: false,
  requiredRole: 'viewer',
  async run(ctx, a) {
    const args = ['verify', a.env, ...(a.backup ? [a.backup] : [])];
    const result = await ctx.scripts.run('maintenance/backup-restore.sh', args, {
      env: ['BACKUP_DIR'],
      progress: `Verifying ${a.backup ?? 'the latest backup'} of ${a.env}…`,
    });
    const what = `Verifying ${a.backup ?? 'the latest backup'} of ${a.env}`;
    if (!result.ok) return scriptFailed(what, result);
    const verified = result.output.split('\n').findLast((line) => line.startsWith('verified'));
    return { summary: verified ? `${a.env}: ${verified}` : `${what}: done`, details: result.output };
  },
});
