import { z } from 'zod';
import { defineCommand } from '../src/define.js';

const DAY = 86_400_000;

/** "2026-11-16", an ISO time, or "7d" (days before --until). */
const when = (what: string) =>
  z
    .string()
    .refine(
      (v) => /^\d+d$/.test(v) || !Number.isNaN(Date.parse(v)),
      `${what}: a date like 2026-11-16, or a number of days like 7d`,
    )
    .optional();

export default defineCommand({
  name: 'report weekly',
  summary: 'The weekly report: incidents, commands, approvals, break-glass, schedules, freezes, failing services.',
  usage: ['report weekly', 'report weekly --since 2026-11-16', 'report weekly --since 14d'],
  whenToUse: 'Monday review; the weekly-report schedule posts it to the reports channel every Monday 09:00 UTC.',
  args: z.object({
    since: when('--since').describe('start (default: 7 days before --until)'),
    until: when('--until').describe('end (default: now)'),
  }),
  mutates: false,
  requiredRole: 'viewer',
  async run(ctx, a) {
    if (!ctx.reports) return { summary: 'Reports are not available in this opsbot.', ok: false };
    const until = a.until && !/d$/.test(a.until) ? new Date(a.until) : new Date();
    const since = !a.since
      ? new Date(until.getTime() - 7 * DAY)
      : /^\d+d$/.test(a.since)
        ? new Date(until.getTime() - Number.parseInt(a.since, 10) * DAY)
        : new Date(a.since);
    if (since >= until) return { summary: `--since (${a.since}) must be before --until.`, ok: false };
    return ctx.reports.weekly({ since, until });
  },
});
