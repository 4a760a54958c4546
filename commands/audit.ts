import { z } from 'zod';
import { type AuditEntry, arg, defineCommand, formatTable, refuse } from '../src/define.js';

const MAX_SHOWN = 50;
const EXPORT_LIMIT = 1000;
const when = (at: Date) => at.toISOString().slice(0, 19).replace('T', ' ');
const csvCell = (v: string) =>
  /[",\n\r]/.test(v) || /^[=+\-@]/.test(v) ? `"${v.replace(/^([=+\-@])/, "'$1").replace(/"/g, '""')}"` : v;

export default defineCommand({
  name: 'audit',
  summary: 'Show the audit trail: who did what, where and when (admins: --csv exports it as a file).',
  usage: ['audit', 'audit api-gateway prod --since 7d', 'audit --since 30d --csv'],
  args: z.object({
    service: arg.service().optional(),
    env: arg.env().optional(),
    since: z
      .string()
      .regex(/^\d+[hd]$/, 'a period like 24h or 7d')
      .default('7d')
      .describe('how far back, e.g. 24h or 7d'),
    csv: z.boolean().optional().describe('export as a CSV file (admins)'),
  }),
  mutates: false,
  requiredRole: 'viewer',
  async run(ctx, a) {
    if (!ctx.audit) return { summary: 'This opsbot has no audit trail to read.', ok: false };
    if (a.csv && !ctx.actor.roles.includes('admin'))
      refuse('Exporting the audit trail is for admins.', 'Without --csv you see the latest entries here.');
    const hours = Number(a.since.slice(0, -1)) * (a.since.endsWith('d') ? 24 : 1);
    const since = new Date(Date.now() - hours * 3_600_000);
    const entries = await ctx.audit.list({
      service: a.service,
      env: a.env,
      since,
      limit: a.csv ? EXPORT_LIMIT : MAX_SHOWN,
    });
    const scope = [a.service, a.env].filter(Boolean).join(' in ') || 'everything';
    if (entries.length === 0) return { summary: `No audit entries for ${scope} in the last ${a.since}.` };
    if (a.csv) {
      const header = 'at_utc,actor,kind,command,environment,service,request,gist';
      const lines = entries.map((e: AuditEntry) =>
        [
          e.at.toISOString(),
          e.actor,
          e.kind,
          e.command ?? '',
          e.environment ?? '',
          e.target ?? '',
          e.requestId ?? '',
          e.gist,
        ]
          .map(csvCell)
          .join(','),
      );
      const more = entries.length === EXPORT_LIMIT ? ` (the newest ${EXPORT_LIMIT}; narrow --since for the rest)` : '';
      return {
        summary: `Audit trail for ${scope}, last ${a.since}: ${entries.length} entries${more}, exported as CSV.`,
        attachment: { filename: `opsbot-audit-${a.since}.csv`, content: `${header}\n${lines.join('\n')}\n` },
      };
    }
    const rows = entries.map((e) => [
      when(e.at),
      e.actor,
      e.kind,
      [e.command, e.target, e.environment].filter(Boolean).join(' '),
      e.gist.slice(0, 80),
    ]);
    return {
      summary: `Audit trail for ${scope}, last ${a.since}: ${entries.length === MAX_SHOWN ? `the newest ${MAX_SHOWN}` : entries.length} entries (UTC).`,
      details: formatTable([['AT', 'ACTOR', 'EVENT', 'WHAT', 'DETAIL'], ...rows]),
    };
  },
});
