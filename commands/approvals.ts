import { z } from 'zod';
import { type ApprovalInfo, defineCommand, formatTable } from '../src/define.js';

const hhmm = (at: Date) => `${at.toISOString().slice(11, 16)} UTC`;
const row = (r: ApprovalInfo) => [
  r.id,
  `${r.command} ${r.service} ${r.env}`,
  r.requester,
  `${r.approvals}/${r.quorum}`,
  hhmm(r.expiresAt),
  r.plan.changes.map((c) => `${c.what}: ${c.from} → ${c.to}`).join('; ') || r.plan.summary,
];

export default defineCommand({
  name: 'approvals',
  summary: 'List the approval requests you may decide, your own open requests, and unreviewed break-glass changes.',
  usage: ['approvals', 'approvals cancel r-abc1234', 'approvals approve r-abc1234'],
  args: z.object({}),
  mutates: false,
  requiredRole: 'viewer',
  async run(ctx) {
    if (!ctx.approvals) return { summary: 'This opsbot cannot ask for approvals.', ok: false };
    const [toDecide, mine, reviews] = await Promise.all([
      ctx.approvals.pendingFor(ctx.actor),
      ctx.approvals.mine(ctx.actor),
      ctx.approvals.openReviews(),
    ]);
    const header = ['REQUEST', 'WHAT', 'ASKED BY', 'APPROVALS', 'EXPIRES', 'CHANGES'];
    const sections: string[] = [];
    if (toDecide.length) sections.push(`You may decide:\n${formatTable([header, ...toDecide.map(row)])}`);
    if (mine.length) sections.push(`Yours, waiting:\n${formatTable([header, ...mine.map(row)])}`);
    if (reviews.length) {
      const lines = reviews.map(
        (v) =>
          `${v.request.id}  ${v.request.command} ${v.request.service} ${v.request.env} by ${v.request.requester} (${v.request.incidentId}), review due ${v.dueAt.toISOString().slice(0, 16).replace('T', ' ')} UTC`,
      );
      sections.push(`Break-glass changes to review (acknowledge on their announcement):\n${lines.join('\n')}`);
    }
    const summary = `${toDecide.length} request${toDecide.length === 1 ? '' : 's'} you may decide, ${mine.length} of yours waiting, ${reviews.length} break-glass review${reviews.length === 1 ? '' : 's'} open`;
    return {
      summary,
      ...(sections.length ? { details: sections.join('\n\n') } : {}),
      actions: toDecide
        .slice(0, 3)
        .map((r) => ({ label: `Approve ${r.id}`, command: `approvals approve ${r.id}`, style: 'primary' as const })),
    };
  },
});
