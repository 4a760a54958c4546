import { defineSchedule } from '../src/define.js';

export default defineSchedule({
  name: 'weekly-report',
  summary: 'The weekly report (incidents, commands, approvals, schedules) to the reports channel.',
  cron: '0 9 * * 1',
  timezone: 'UTC',
  command: 'report weekly',
  args: {},
  postTo: 'reports',
  // A report that missed its Monday is still worth posting when opsbot comes back.
  catchUp: true,
});
