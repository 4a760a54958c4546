/** Shapes shared by the approval operations. */
import type { ApprovalRequest } from '../store/approvals.js';

/** Who clicked or typed: the verified Slack ids, never a display name. */
export interface SlackActor {
  userId: string;
  teamId: string;
}

/** An approver as the eligibility check sees them: the actor, or a past approver being re-counted. */
export interface Approver extends SlackActor {
  person: string;
}

/**
 * Is this person allowed to approve this request, now? A boolean computed by the caller for the actor, or a
 * function (e.g. wrapping eligibleApprover) that is also applied to every earlier approval when approvals are
 * counted. It runs inside the transaction while the request row is locked: keep it fast (a cached Directory).
 * If it throws, the transaction is rolled back and nothing is recorded (fail closed).
 */
export type EligibilityCheck = boolean | ((approver: Approver, request: ApprovalRequest) => boolean | Promise<boolean>);

/** The actor of transitions opsbot makes on its own (expiry sweeps, stale executions). */
export const SYSTEM_ACTOR = 'opsbot';
