import { definePolicy } from '../src/define.js';

/** The two-person rule: a change in production needs one approver who is not the requester. */
export default definePolicy({
  name: 'production-changes',
  summary: 'Changes in production need one approver other than the requester.',
  appliesTo: { production: true, mutates: true },
  require: { approvals: 1, fromRoles: ['approver'] },
  expiresAfter: '15m',
  // Schedules are reviewed as code (a pull request with its own reviewer): their runs do not wait for a click.
  schedules: 'preapproved',
});
