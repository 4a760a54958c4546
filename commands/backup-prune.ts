import { z } from 'zod';
import { arg, defineCommand, formatAge, refuse, scriptFailed } from '../src/define.js';

const DAY_MS = 86_400_000;

export default defineCommand({
  name: 'backup-prune',
  summary: 'Delete an environment’s backups older than a number of days (retention, default 30 days).',
  whenToUse: 'The daily backup keeps 30 days (seed 001); run it by hand when backup storage fills up.',
  usage: ['backup-prune prod', 'backup-prune staging --older-than 7d'],
  args: z.object({
    env: arg.env(),
    olderThan: z
      .string()
      .regex(/^[1-9]\d{0,3}d$/, 'a number of days like 30d')
      .default('30d')
      .describe('age in days, e.g. 30d'),
  }),
  positional: 1,
  mutates: true,
  target: () => 'backups',
  requiredRole: 'operator',
  async plan(ctx, a) {
    const days = Number.parseInt(a.olderThan, 10);
    const list = await ctx.scripts.run('maintenance/backup-restore.sh', ['list', a.env], { env: ['BACKUP_DIR'] });
    if (!list.ok) refuse(`Could not list the backups of ${a.env}: ${list.excerpt.split('\n').pop()}`);
    const backups = list.output
      .split('\n')
      .filter((line) => line.includes('\t'))
      .map((line) => ({ id: line.split('\t')[0] ?? '', created: Number(line.split('\t')[1]) * 1000 }));
    const old = backups.filter((b) => b.created < Date.now() - days * DAY_MS);
    const shown = old.slice(0, 10).map((b) => ({
      what: `backup ${b.id}`,
      from: `kept (${formatAge(new Date(b.created).toISOString())} old)`,
      volatile: true,
      to: 'deleted',
    }));
    return {
      summary: `delete ${old.length} of the ${backups.length} backups of ${a.env} older than ${days} days`,
      changes: [
        { what: `backups of ${a.env}`, from: String(backups.length), to: String(backups.length - old.length) },
        ...shown,
      ],
    };
  },
  async run(ctx, a) {
    const days = String(Number.parseInt(a.olderThan, 10));
    const result = await ctx.scripts.run('maintenance/backup-restore.sh', ['prune', a.env, days], {
      env: ['BACKUP_DIR'],
      progress: `Deleting the backups of ${a.env} older than ${days} days…`,
    });
    if (!result.ok) return scriptFailed(`Pruning the backups of ${a.env}`, result);
    const done = result.output.split('\n').findLast((line) => line.startsWith('pruned'));
    return { summary: done ?? `Pruned the backups of ${a.env}`, details: result.output };
  },
});
