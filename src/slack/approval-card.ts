/**
 * The approval request card, pure: what is asked (service, environment, from → to), by whom, why, until when,
 * its state and decisions, and the buttons that fit the state. Service, environment and changes come from the
 * stored, validated request; the requester's reason is plain_text, so it can mention no one and fake no
 * formatting (case 37). Final states have no buttons (case 38).
 */

import { textOf, utcTime } from '../runs/approval-text.js';
import type { ApprovalDecision, ApprovalRequest } from '../store/approvals.js';
import { truncateText } from './block-limits.js';
import { escapeMrkdwn } from './mrkdwn.js';
import type { SlackMessage } from './render-outcome.js';

export const APPROVAL_ACTIONS = {
  approve: 'approval_approve',
  reject: 'approval_reject',
  cancel: 'approval_cancel',
  acknowledge: 'approval_acknowledge_review',
} as const;

type Block = Record<string, unknown>;

/** The button value: the request id and a short params hash; everything else is re-read from PostgreSQL (case 12). */
export const buttonValue = (request: Pick<ApprovalRequest, 'id' | 'paramsHash'>) =>
  `${request.id}:${request.paramsHash.slice(0, 16)}`;

export function parseButtonValue(value: string | undefined): { requestId: string; paramsHash: string } | undefined {
  const match = /^([ar]-[a-z0-9]+):([0-9a-f]{12,64})$/.exec(value ?? '');
  return match ? { requestId: match[1] as string, paramsHash: match[2] as string } : undefined;
}

const HEADLINE: Record<ApprovalRequest['state'], [string, string]> = {
  pending: [':lock:', 'Approval needed'],
  approved: [':white_check_mark:', 'Approved, starting'],
  executing: [':hourglass_flowing_sand:', 'Approved, running'],
  executed: [':white_check_mark:', 'Done'],
  failed: [':x:', 'Approved, but it failed'],
  needs_reconciliation: [':warning:', 'Needs reconciliation'],
  rejected: [':no_entry:', 'Rejected'],
  cancelled: [':heavy_multiplication_x:', 'Cancelled'],
  expired: [':hourglass:', 'Expired, nobody decided'],
  expired_unexecuted: [':hourglass:', 'Expired unexecuted'],
  blocked_freeze: [':snowflake:', 'Blocked by a change freeze'],
};

const change = (c: { what: string; from: string; to: string }) =>
  `• ${escapeMrkdwn(c.what)}: \`${escapeMrkdwn(c.from)}\` → \`${escapeMrkdwn(c.to)}\``;

export function renderApprovalCard(
  request: ApprovalRequest,
  decisions: readonly ApprovalDecision[],
  options: { sandbox?: boolean } = {},
): SlackMessage {
  const [icon, title] = HEADLINE[request.state];
  const what = textOf(request);
  const approvals = decisions.filter((d) => d.decision === 'approve');
  const blocks: Block[] = [
    section(
      `${icon} *${title}${request.breakGlass ? ' (BREAK-GLASS)' : ''}:* \`${escapeMrkdwn(what)}\`\n${escapeMrkdwn(request.plan.summary)}`,
    ),
  ];
  if (request.plan.changes.length)
    blocks.push(section(truncateText(request.plan.changes.map(change).join('\n'), 2_900)));
  blocks.push({
    type: 'section',
    fields: [
      mrkdwn(`*Requested by*\n${who(request.requester)}`),
      mrkdwn(`*Approvals*\n${approvals.length} of ${request.quorum} (policy ${escapeMrkdwn(request.policy)})`),
      mrkdwn(`*Expires*\n${request.state === 'pending' ? utcTime(request.expiresAt) : '—'}`),
      mrkdwn(`*Request*\n\`${request.id}\`${request.incidentId ? ` · ${escapeMrkdwn(request.incidentId)}` : ''}`),
    ],
  });
  if (request.reason) {
    blocks.push({
      type: 'section',
      text: { type: 'plain_text', text: truncateText(`Reason: ${request.reason}`, 2_900), emoji: false },
    });
  }
  const lines = decisions.map(
    (d) => `${d.decision === 'approve' ? 'Approved' : 'Rejected'} by <@${d.slackUser}> at ${utcTime(d.decidedAt)}`,
  );
  if (request.summary && request.state !== 'pending') lines.push(escapeMrkdwn(request.summary));
  if (lines.length) blocks.push(context(truncateText(lines.join('\n'), 2_900)));
  for (const d of decisions) {
    if (d.decision === 'reject' && d.reason) {
      blocks.push({
        type: 'section',
        text: { type: 'plain_text', text: truncateText(`Rejection reason: ${d.reason}`, 2_900), emoji: false },
      });
    }
  }
  const buttons = buttonsFor(request);
  if (buttons.length) blocks.push({ type: 'actions', block_id: `approval:${request.id}`, elements: buttons });
  if (options.sandbox) blocks.push(context(':test_tube: *SANDBOX* — simulated cluster, nothing real is touched'));
  const tag = options.sandbox ? '[SANDBOX] ' : '';
  return { text: `${tag}${title}: ${what} (${request.id})`, blocks };
}

function buttonsFor(request: ApprovalRequest): Block[] {
  const value = buttonValue(request);
  const cancel = button('Cancel', APPROVAL_ACTIONS.cancel, value);
  if (request.state === 'approved') return [cancel];
  if (request.state !== 'pending') return [];
  const changes = request.plan.changes.map((c) => `${c.what}: ${c.from} → ${c.to}`).join('; ');
  const approve = {
    ...button('Approve', APPROVAL_ACTIONS.approve, value),
    style: 'primary',
    confirm: {
      title: plain('Approve this change?'),
      text: plain(
        truncateText(
          `${request.command} ${request.service} in ${request.env}: ${changes || request.plan.summary}. It runs as soon as the approvals are complete.`,
          300,
        ),
      ),
      confirm: plain('Approve'),
      deny: plain('Back'),
    },
  };
  return [approve, { ...button('Reject', APPROVAL_ACTIONS.reject, value), style: 'danger' }, cancel];
}

/** The break-glass announcement: loud, with the review another approver must acknowledge within 24 hours. */
export function renderBreakGlass(
  request: ApprovalRequest,
  review: { acknowledgedBy: string | null; acknowledgedAt: Date | null; dueAt: Date },
): SlackMessage {
  const what = textOf(request);
  const blocks: Block[] = [
    section(
      `:rotating_light: *BREAK-GLASS* by <@${request.requester}> for ${escapeMrkdwn(request.incidentId ?? '')}: \`${escapeMrkdwn(what)}\` ran without a second approver.`,
    ),
    ...(request.plan.changes.length ? [section(truncateText(request.plan.changes.map(change).join('\n'), 2_900))] : []),
    {
      type: 'section',
      text: { type: 'plain_text', text: truncateText(`Reason: ${request.reason ?? ''}`, 2_900), emoji: false },
    },
  ];
  if (request.state !== 'approved') {
    const [icon, title] = HEADLINE[request.state];
    blocks.push(
      context(`${icon} ${title}${request.summary ? `: ${escapeMrkdwn(truncateText(request.summary, 2_500))}` : ''}`),
    );
  }
  if (review.acknowledgedBy && review.acknowledgedAt) {
    blocks.push(context(`Reviewed by <@${review.acknowledgedBy}> at ${utcTime(review.acknowledgedAt)}.`));
  } else {
    blocks.push(
      context(
        `An approver other than <@${request.requester}> must review it by ${review.dueAt.toISOString().slice(0, 16).replace('T', ' ')} UTC.`,
      ),
    );
    blocks.push({
      type: 'actions',
      block_id: `review:${request.id}`,
      elements: [
        { ...button('Acknowledge review', APPROVAL_ACTIONS.acknowledge, buttonValue(request)), style: 'primary' },
      ],
    });
  }
  return { text: `BREAK-GLASS: ${what} by <@${request.requester}> (${request.incidentId})`, blocks };
}

/** A person as a mention; a schedule by name (schedules request approval too). */
export const who = (requester: string) =>
  requester.startsWith('schedule:') ? `the ${requester.slice(9)} schedule` : `<@${requester}>`;

const plain = (text: string) => ({ type: 'plain_text', text, emoji: false });
const mrkdwn = (text: string) => ({ type: 'mrkdwn', text });
const section = (text: string): Block => ({ type: 'section', text: mrkdwn(text) });
const context = (text: string): Block => ({ type: 'context', elements: [mrkdwn(text)] });
const button = (text: string, actionId: string, value: string) => ({
  type: 'button',
  text: plain(text),
  action_id: actionId,
  value,
});
