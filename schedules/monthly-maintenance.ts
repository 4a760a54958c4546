import { defineChecklist } from '../src/define.js';

// Seed 001 "Manutenção Mensal": the first Saturday of the month, 04:00 UTC. Day-of-month AND
// day-of-week must both match, so "1-7 * 6" is the first Saturday (Vixie cron's OR rule would
// make it every Saturday plus the 1st to 7th).
export default defineChecklist({
  name: 'monthly-maintenance',
  summary: 'Seed 001 monthly checklist: verified backup, certificates, secret age, cleanup report, health.',
  cron: '0 4 1-7 * 6',
  postTo: 'reports',
  steps: [
    {
      title: 'Full backup',
      command: 'backup',
      args: { env: 'prod', label: 'monthly' },
      expect: 'a new backup of prod',
      onFailure: 'stop',
    },
    {
      title: 'Backup verification',
      command: 'backup-verify',
      args: { env: 'prod' },
      expect: 'the new backup is complete and readable',
    },
    {
      title: 'Certificate check',
      command: 'certificates',
      args: {},
      expect: 'no certificate expiring within 30 days',
    },
    {
      title: 'Secret age',
      command: 'secrets-age',
      args: { 'max-age': '90d' },
      expect: 'no secret older than 90 days (rotate the ones listed)',
    },
    {
      title: 'Cleanup report',
      command: 'cleanup',
      args: { env: 'prod', 'dry-run': true },
      expect: 'the finished pods and completed Jobs that the weekly cleanup would delete (nothing is deleted)',
    },
    { title: 'Health of every environment', command: 'health', args: {}, expect: 'every component OK' },
  ],
});
