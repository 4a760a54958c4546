import { defineSchedule } from '../src/define.js';

// Seed 001 "Certificate Expiring": daily at 06:00 UTC; under 30 days WARN, under 7 days CRITICAL.
// Posts to the alerts channel only when a certificate needs attention.
export default defineSchedule({
  name: 'certificate-check',
  summary: 'Certificates of every environment; alerts when one expires within 30 days.',
  cron: '0 6 * * *',
  command: 'certificates',
  args: { 'problems-only': true },
  postTo: 'alerts',
});
