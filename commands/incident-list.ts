import { z } from 'zod';
import { defineCommand, formatAge, formatTable } from '../src/define.js';

export default defineCommand({
  name: 'incident list',
  summary: 'List the open incidents with their severity, status, commander and channel.',
  usage: ['incident list'],
  args: z.object({}),
  mutates: false,
  requiredRole: 'viewer',
  async run(ctx) {
    if (!ctx.incidents) return { summary: 'Incidents are not available in this opsbot.', ok: false };
    const open = await ctx.incidents.list();
    if (open.length === 0) return { summary: 'No open incidents.' };
    const rows = open.map((i) => [
      i.id,
      i.severity,
      i.status,
      i.title.slice(0, 40),
      `#${i.channelName ?? '-'}`,
      formatAge(i.declaredAt.toISOString()),
    ]);
    return {
      summary: `${open.length} open incident${open.length > 1 ? 's' : ''}: ${open.map((i) => `${i.id} ${i.severity}`).join(', ')}`,
      details: formatTable([['ID', 'SEV', 'STATUS', 'TITLE', 'CHANNEL', 'AGE'], ...rows]),
    };
  },
});
