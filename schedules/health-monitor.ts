import { defineSchedule } from '../src/define.js';

// Seed 001 health-monitor / seed 004: every 15 minutes, every environment; the alerts channel hears
// only about changes (a component turning WARN or CRITICAL, and its recovery), never "all is well".
export default defineSchedule({
  name: 'health-monitor',
  summary: 'Health of every environment; posts only when a component’s state changes.',
  cron: '*/15 * * * *',
  command: 'health',
  args: { changes: true },
  postTo: 'alerts',
  // A missed look is not worth catching up: the next one is at most 15 minutes away.
  catchUp: false,
});
