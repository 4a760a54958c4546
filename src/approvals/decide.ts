/**
 * An approver's Approve or Reject, in ONE transaction (APPROVALS.md "decision handler"):
 *   1. `select … for update` the request: decisions, cancels and claims on it are serialised, on every replica;
 *   2. check: not already decided by this person, pending, not expired by now() (case 22), the card's params
 *      hash (case 19), not the requester as a PERSON (cases 11, 13: hard-coded), a reason to reject, eligible
 *      now (case 15);
 *   3. insert the decision: its primary key (request, person) dedupes double clicks and replays (cases 4, 14);
 *   4. recount distinct approvals (re-checking earlier approvers when `eligible` is a function);
 *   5. transition: quorum met → approved; any eligible rejection → rejected (case 31);
 *   6. audit, last. Refusals are audited too ('approval.refused'), and nothing else changes.
 */
import {
  type ApprovalDecision,
  type ApprovalRequest,
  insertDecision,
  listDecisions,
  lockApprovalRequest,
  transitionRequest,
} from '../store/approvals.js';
import type { Db, Queryable } from '../store/db.js';
import { auditApproval, auditUnknownRequest } from './audit-approval.js';
import { APPROVAL_LIMITS } from './limits.js';
import { matchesParamsHash } from './params-hash.js';
import { stateSentence } from './state-text.js';
import type { Approver, EligibilityCheck, SlackActor } from './types.js';

export interface DecideInput {
  requestId: string;
  actor: SlackActor;
  /** personOf(catalog, actor.userId). */
  person: string;
  decision: 'approve' | 'reject';
  /** Required to reject; at most 500 characters. */
  reason?: string | undefined;
  /** From the button: the whole params hash, or a prefix of at least 12 hex characters. */
  paramsHash: string;
  eligible: EligibilityCheck;
  /** Slack's action_ts, kept with the decision. */
  actionTs?: string | undefined;
}

export type DecisionRefusal =
  | 'not_found'
  | 'already_decided'
  | 'not_pending'
  | 'expired'
  | 'params_mismatch'
  | 'self'
  | 'reason_required'
  | 'not_eligible';

export type DecisionOutcome =
  /** This approval met the quorum: the request is approved and may be claimed for execution. */
  | { kind: 'approved'; request: ApprovalRequest; approvals: number; quorum: number; message: string }
  /** Recorded; more approvals are needed. */
  | { kind: 'recorded'; request: ApprovalRequest; approvals: number; quorum: number; message: string }
  /** Rejected: final. */
  | { kind: 'rejected'; request: ApprovalRequest; decision: ApprovalDecision; message: string }
  /** Nothing was recorded and the state did not change (except a lazy expiry: `request` then shows it). */
  | { kind: 'refused'; reason: DecisionRefusal; message: string; request: ApprovalRequest | null };

export async function decide(db: Db, input: DecideInput): Promise<DecisionOutcome> {
  return db.transaction(async (tx) => {
    const locked = await lockApprovalRequest(tx, input.requestId);
    if (!locked) {
      await auditUnknownRequest(tx, input, input.decision);
      return refusedWith('not_found', `There is no approval request ${input.requestId}.`, null);
    }
    const { request, dbNow } = locked;
    const refuse = async (reason: DecisionRefusal, message: string, current: ApprovalRequest = request) => {
      await auditApproval(tx, 'approval.refused', current, {
        actor: { ...input.actor, person: input.person },
        dbNow,
        payload: {
          action: input.decision,
          refusal: reason,
          givenParamsHash: input.paramsHash,
          actionTs: input.actionTs ?? null,
        },
      });
      return refusedWith(reason, message, current);
    };
    const verb = input.decision === 'approve' ? 'approve' : 'reject';

    const decisions = await listDecisions(tx, request.id);
    const previous = decisions.find((d) => d.person === input.person);
    if (previous) {
      const did = previous.decision === 'approve' ? 'approved' : 'rejected';
      return refuse('already_decided', `You already ${did} this request; one decision per person counts.`);
    }
    if (request.state !== 'pending') {
      return refuse('not_pending', `${stateSentence(request)} Nothing was recorded.`);
    }
    if (locked.pendingExpired) {
      const expired = await expireInPlace(tx, request, input);
      return refuse(
        'expired',
        `This request expired at ${request.expiresAt.toISOString()} (database time); nothing was recorded. ` +
          'The requester can run the command again.',
        expired,
      );
    }
    if (!matchesParamsHash(request.paramsHash, input.paramsHash)) {
      return refuse(
        'params_mismatch',
        'This button does not match the request’s parameters (the card is stale or was altered); nothing was recorded.',
      );
    }
    // Hard-coded: no configuration lifts it. Persons, so a second account of the requester is refused too.
    if (input.person === request.requesterPerson || input.actor.userId === request.requester) {
      return refuse(
        'self',
        input.decision === 'approve'
          ? 'You requested this change, so you cannot approve it: a second person must. ' +
              '(All Slack accounts of one person count as that person.)'
          : 'You requested this change; to withdraw it, use Cancel.',
      );
    }
    const reason = input.reason?.trim() || null;
    if (input.decision === 'reject' && reason === null) {
      return refuse('reason_required', 'A rejection needs a reason; nothing was recorded.');
    }
    if (reason !== null && reason.length > APPROVAL_LIMITS.reasonMaxLength) {
      return refuse('reason_required', `The reason is ${reason.length} characters long; at most 500 are allowed.`);
    }
    const approver: Approver = { ...input.actor, person: input.person };
    if (!(typeof input.eligible === 'function' ? await input.eligible(approver, request) : input.eligible)) {
      return refuse(
        'not_eligible',
        `You cannot ${verb} changes to ${request.service} in ${request.env}: that takes the approver role ` +
          '(and, for some services, their approver list). Nothing was recorded.',
      );
    }

    const decision = await insertDecision(tx, {
      requestId: request.id,
      person: input.person,
      slackUser: input.actor.userId,
      teamId: input.actor.teamId,
      decision: input.decision,
      reason,
      paramsHash: request.paramsHash,
      actionTs: input.actionTs ?? null,
    });
    if (!decision)
      return refuse('already_decided', 'You already decided this request; one decision per person counts.');

    const decisionPayload = { decision: input.decision, reason, actionTs: input.actionTs ?? null };
    if (input.decision === 'reject') {
      const moved = await transitionRequest(tx, request.id, ['pending'], {
        to: 'rejected',
        finished: true,
        summary: `Rejected: ${reason}`,
      });
      if (!moved) throw new Error(`approval request ${request.id} left pending while locked`);
      await auditApproval(tx, 'approval.rejected', moved.request, {
        actor: approver,
        from: 'pending',
        dbNow,
        payload: decisionPayload,
      });
      return { kind: 'rejected', request: moved.request, decision, message: 'Rejected. The request is closed.' };
    }

    const approvals = await countEligibleApprovals(
      [...decisions, decision].filter((d) => d.decision === 'approve'),
      input.eligible,
      approver,
      request,
    );
    if (approvals.length >= request.quorum) {
      const moved = await transitionRequest(tx, request.id, ['pending'], { to: 'approved', approvedAt: 'now' });
      if (!moved) throw new Error(`approval request ${request.id} left pending while locked`);
      await auditApproval(tx, 'approval.approved', moved.request, {
        actor: approver,
        from: 'pending',
        dbNow,
        payload: { ...decisionPayload, approvers: approvals, quorum: request.quorum },
      });
      return {
        kind: 'approved',
        request: moved.request,
        approvals: approvals.length,
        quorum: request.quorum,
        message: 'Approved: the change runs now.',
      };
    }
    await auditApproval(tx, 'approval.recorded', request, {
      actor: approver,
      dbNow,
      payload: { ...decisionPayload, approvers: approvals, quorum: request.quorum },
    });
    return {
      kind: 'recorded',
      request,
      approvals: approvals.length,
      quorum: request.quorum,
      message: `Your approval is recorded: ${approvals.length} of ${request.quorum}; waiting for another approver.`,
    };
  });
}

/** Persons whose approvals count: all of them, or, when `eligible` is a function, those still eligible. */
export async function countEligibleApprovals(
  approvals: readonly ApprovalDecision[],
  eligible: EligibilityCheck,
  current: Approver | undefined,
  request: ApprovalRequest,
): Promise<string[]> {
  const persons: string[] = [];
  for (const d of approvals) {
    const counts =
      typeof eligible !== 'function' || d.person === current?.person
        ? true
        : await eligible({ userId: d.slackUser, teamId: d.teamId, person: d.person }, request);
    if (counts) persons.push(d.person);
  }
  return persons;
}

async function expireInPlace(q: Queryable, request: ApprovalRequest, input: DecideInput): Promise<ApprovalRequest> {
  const moved = await transitionRequest(q, request.id, ['pending'], {
    to: 'expired',
    finished: true,
    summary: 'Expired: nobody decided before the request’s time ran out.',
  });
  if (!moved) return request;
  await auditApproval(q, 'approval.expired', moved.request, {
    actor: { userId: input.actor.userId, teamId: input.actor.teamId, person: input.person },
    from: 'pending',
    dbNow: moved.dbNow,
    payload: { noticedBy: input.decision },
  });
  return moved.request;
}

function refusedWith(reason: DecisionRefusal, message: string, request: ApprovalRequest | null): DecisionOutcome {
  return { kind: 'refused', reason, message, request };
}
