import { z } from 'zod';
import { type CommandInfo, defineCommand } from '../src/define.js';

const short = (text: string, max = 72) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** One row per single-word command; one row per group, naming its subcommands. */
function grouped(commands: readonly CommandInfo[]): string[][] {
  const groups = new Map<string, CommandInfo[]>();
  for (const c of commands) {
    const head = c.name.split(' ')[0] as string;
    groups.set(head, [...(groups.get(head) ?? []), c]);
  }
  return [...groups].map(([head, members]) => {
    const base = members.find((c) => c.name === head);
    const subs = members.filter((c) => c !== base).map((c) => c.name.slice(head.length + 1));
    if (subs.length === 0) return [head, short(base?.summary ?? '')];
    if (!base && subs.length === 1) return [members[0]?.name ?? head, short(members[0]?.summary ?? '')];
    const also = `${base ? 'also ' : ''}${subs.join(', ')} (/ops help ${head})`;
    return [head, base ? `${short(base.summary, 40)} — ${also}` : also];
  });
}

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
    // The whole list must fit one message at 3 a.m.: a group (incident, db, schedule…) is one line.
    const rows = wanted ? shown.map((c) => [c.name, c.summary]) : grouped(shown);
    const width = Math.max(...rows.map(([name]) => (name as string).length));
    const lines = rows.map(
      ([name, summary]) => `${(name as string).padEnd(width)}  ${wanted ? short(summary as string) : summary}`,
    );
    const title = wanted ? `Commands in ${wanted}` : 'Commands you may run';
    const more = wanted ? '' : '; /ops help <group> for a group';
    return { summary: `${title} — /ops help <command> for details${more}`, details: lines.join('\n') };
  },
});
