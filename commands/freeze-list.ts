import { z } from 'zod';
import { defineCommand, formatTable } from '../src/define.js';

export default defineCommand({
  name: 'freeze list',
  summary: 'List the change freezes in force: where, until when, why and who declared them.',
  usage: ['freeze list'],
  args: z.object({}),
  mutates: false,
  requiredRole: 'viewer',
  async run(ctx) {
    if (!ctx.freezes) return { summary: 'Freezes need the store; this opsbot has none.', ok: false };
    const freezes = await ctx.freezes.list();
    if (freezes.length === 0) return { summary: 'No freeze is in force.' };
    const rows = freezes.map((f) => [
      f.env,
      `${f.until.toISOString().slice(0, 16).replace('T', ' ')} UTC`,
      f.by === 'catalog' ? 'catalog' : `<@${f.by}>`,
      f.reason,
    ]);
    return {
      summary: `${freezes.length} freeze${freezes.length === 1 ? '' : 's'} in force`,
      details: formatTable([['ENV', 'UNTIL', 'BY', 'WHY'], ...rows]),
    };
  },
});
