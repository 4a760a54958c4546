import { z } from 'zod';
import { defineCommand } from '../src/define.js';

export default defineCommand({
  name: 'help',
  summary: 'List the commands you may run, or explain one.',
  usage: ['help', 'help status', 'help db'],
  args: z.object({ topic: z.array(z.string()).optional().describe('a command or group, e.g. status') }),
  mutates: false,
  requiredRole: 'viewer',
  async run(ctx, { topic }) {
    const wanted = (topic ?? []).join(' ').toLowerCase();
    const all = ctx.commands.list();
    const exact = wanted ? ctx.commands.get(wanted) : undefined;
    if (exact) {
      const lines = [
        `/ops ${exact.name} ${exact.synopsis}`.trimEnd(),
        '',
        exact.summary,
        ...(exact.whenToUse ? [`When to use: ${exact.whenToUse}`] : []),
        ...(exact.mutates ? ['Changes things: production runs need approval; --dry-run shows the plan.'] : []),
        ...(exact.allowed ? [] : ['You may not run this command (missing role).']),
        '',
        'Examples:',
        ...exact.usage.map((u) => `  /ops ${u}`),
      ];
      return { summary: `Help for /ops ${exact.name}`, details: lines.join('\n') };
    }
    const shown = all.filter((c) => c.allowed && (!wanted || c.name.startsWith(`${wanted} `)));
    if (shown.length === 0) {
      return { summary: `No command or group "${wanted}" that you may run. Type /ops help for the list.`, ok: false };
    }
    const width = Math.max(...shown.map((c) => c.name.length));
    const lines = shown.map((c) => `${c.name.padEnd(width)}  ${c.summary}`);
    const title = wanted ? `Commands in ${wanted}` : 'Commands you may run';
    return { summary: `${title} — /ops help <command> for details`, details: lines.join('\n') };
  },
});
