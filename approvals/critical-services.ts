import { definePolicy } from '../src/define.js';

/** Services marked `tier: critical` in the catalog carry the most risk: two approvers besides the requester. */
export default definePolicy({
  name: 'critical-services',
  summary: 'Changes to a critical service in production need two approvers other than the requester.',
  appliesTo: { production: true, mutates: true, tier: 'critical' },
  require: { approvals: 2, fromRoles: ['approver'] },
  expiresAfter: '15m',
  schedules: 'preapproved',
});
