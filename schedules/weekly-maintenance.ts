import { defineChecklist } from '../src/define.js';

// Seed 001 "Manutenção Semanal": every Friday 02:00 UTC, no downtime.
export default defineChecklist({
  name: 'weekly-maintenance',
  summary: 'Seed 001 weekly checklist: full backup, cluster health, cleanup, certificates, health report.',
  cron: '0 2 * * 5',
  postTo: 'reports',
  steps: [
    { title: 'Full backup', command: 'backup', args: { env: 'prod', label: 'weekly' }, expect: 'a new backup of prod' },
    {
      title: 'Cluster health',
      command: 'health',
      args: { env: 'prod' },
      expect: 'every prod component OK (deployments available, health endpoints answering)',
    },
    {
      title: 'Clean finished pods and completed jobs',
      command: 'cleanup',
      args: { env: 'prod' },
      expect: 'Succeeded/Failed pods and completed Jobs deleted; failed Jobs kept for investigation',
    },
    {
      title: 'Certificate check',
      command: 'certificates',
      args: {},
      expect: 'no certificate expiring within 30 days',
    },
    {
      title: 'Weekly health report',
      command: 'health',
      args: {},
      expect: 'every component of every environment OK',
    },
  ],
});
