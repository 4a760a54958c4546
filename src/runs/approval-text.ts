/** One-line answers about approval requests, shared by the Slack and console renderings. */
import type { ApprovalRequest } from '../store/approvals.js';

/** What a request changes, as typed: `rollback api-gateway prod`. */
export const textOf = (r: Pick<ApprovalRequest, 'command' | 'service' | 'env'>) => `${r.command} ${r.service} ${r.env}`;

export const utcTime = (at: Date) => `${at.toISOString().slice(11, 16)} UTC`;

/** `mention` renders a user id (Slack: <@U…>); `channel` a channel id. Only validated fields go in. */
export function approvalLine(
  outcome: { request: ApprovalRequest; existing: boolean; approvalsChannel?: string },
  mention: (userId: string) => string = (id) => id,
  channel: (channelId: string) => string = (id) => id,
) {
  const r = outcome.request;
  const what = textOf(r);
  if (outcome.existing) {
    return `Nothing new was created: ${what} is already waiting for approval as ${r.id} (asked by ${mention(r.requester)}, expires ${utcTime(r.expiresAt)}). Ask an approver to decide it, or cancel it with /ops approvals cancel ${r.id}.`;
  }
  const approvers = r.quorum === 1 ? 'one approver' : `${r.quorum} approvers`;
  const where = outcome.approvalsChannel ? ` The card is in ${channel(outcome.approvalsChannel)} and here.` : '';
  return `Waiting for approval: ${what} (${r.id}) needs ${approvers} other than you before ${utcTime(r.expiresAt)}.${where} Nothing has changed yet. Cancel with /ops approvals cancel ${r.id}.`;
}
