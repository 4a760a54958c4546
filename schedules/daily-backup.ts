import { defineChecklist } from '../src/define.js';

// Seed 001 daily backup: 01:00 UTC, production, verified, 30 days kept.
export default defineChecklist({
  name: 'daily-backup',
  summary: 'Back up production, verify the backup, delete backups older than 30 days.',
  cron: '0 1 * * *',
  postTo: 'reports',
  steps: [
    {
      title: 'Backup of prod',
      command: 'backup',
      args: { env: 'prod', label: 'daily' },
      expect: 'a new backup of the prod database',
      // Without a new backup, verifying or pruning old ones is pointless (and pruning would be risky).
      onFailure: 'stop',
    },
    {
      title: 'Verify the backup',
      command: 'backup-verify',
      args: { env: 'prod' },
      expect: 'the latest backup is complete and readable',
      onFailure: 'stop',
    },
    {
      title: 'Retention: 30 days',
      command: 'backup-prune',
      args: { env: 'prod', 'older-than': '30d' },
      expect: 'backups older than 30 days deleted, newer ones kept',
    },
  ],
});
