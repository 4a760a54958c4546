import { definePolicy } from '../src/define.js';

/** Overwriting a database cannot be undone by a rollback: two approvers besides the requester, every time. */
export default definePolicy({
  name: 'destructive-changes',
  summary: 'A restore overwrites a database in production: two approvers other than the requester.',
  appliesTo: { production: true, commands: ['restore'] },
  require: { approvals: 2, fromRoles: ['approver'] },
  expiresAfter: '15m',
  // A schedule never restores on its own say-so: people decide each one.
  schedules: 'require-approval',
});
