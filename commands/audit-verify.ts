import { z } from 'zod';
import { defineCommand } from '../src/define.js';

const WHAT_BROKE: Record<string, string> = {
  content: 'its content no longer matches its hash (it was edited)',
  link: 'it does not follow the entry before it (an entry was removed or slipped in)',
  tail: 'the newest entries are missing (the chain was cut)',
};

export default defineCommand({
  name: 'audit verify',
  summary: 'Check the audit trail’s hash chain: no entry edited, removed, inserted or cut off.',
  usage: ['audit verify'],
  args: z.object({}),
  mutates: false,
  requiredRole: 'viewer',
  async run(ctx) {
    if (!ctx.audit) return { summary: 'This opsbot has no audit trail to check.', ok: false };
    const check = await ctx.audit.verify();
    if (check.ok)
      return { summary: `The audit trail is intact: ${check.entries} entries, every hash chained to the one before.` };
    return {
      summary: `The audit trail is BROKEN at entry ${check.brokenAt}: ${WHAT_BROKE[check.reason] ?? check.reason}.`,
      details:
        'The database refuses updates and deletes of audit entries, so this took someone with direct database access. Keep a copy of the database as it is now and tell security.',
      ok: false,
    };
  },
});
