/**
 * Opens an approval request, in one transaction: caps checked, the row inserted, audited last.
 * A pending request for the same (service, env) is returned instead of a second one (case 28); a requester
 * with 3 pending requests is refused (case 40). Break-glass requests start approved (quorum 0) and are
 * rate-limited per person (case 35); who may use break-glass is the caller's check (the catalog role).
 */
import { randomInt } from 'node:crypto';
import type { Plan } from '../define.js';
import { OpsError } from '../errors.js';
import {
  type ApprovalRequest,
  countBreakGlassSince,
  countPendingOf,
  findPending,
  getApprovalRequest,
  insertApprovalRequest,
  lockRequester,
} from '../store/approvals.js';
import type { Db } from '../store/db.js';
import { auditApproval, transitionKind } from './audit-approval.js';
import { auditExpired, expireLocked } from './expire-due.js';
import { APPROVAL_LIMITS } from './limits.js';
import { paramsHash } from './params-hash.js';
import type { SlackActor } from './types.js';

export interface NewApprovalRequest {
  /** The run id ('r-…'), or absent for a fresh 'a-xxxxxx'. */
  id?: string | undefined;
  command: string;
  service: string;
  env: string;
  /** Bound, normalised arguments; stored as they are and never changed. */
  args: Record<string, unknown>;
  /** The plan approvers see; its changes' `from` is the state the approval is bound to. */
  plan: Plan;
  requester: SlackActor;
  /** personOf(catalog, requester.userId). */
  requesterPerson: string;
  channelId?: string | undefined;
  threadTs?: string | undefined;
  /** Optional for a normal request, required for break-glass; at most 500 characters. */
  reason?: string | undefined;
  incidentId?: string | undefined;
  breakGlass?: boolean | undefined;
  /** Distinct approvers besides the requester, 1–3 (ignored for break-glass). */
  quorum: number;
  /** The policy's name, for the audit trail and `/ops policy`. */
  policy: string;
  /** Pending TTL, 5–60 (default 15). */
  ttlMinutes?: number | undefined;
  /** How long an approval stays valid to start, 1–15 (default 5). */
  approvalWindowMinutes?: number | undefined;
}

export type CreateApprovalResult =
  /** Posted for approval (pending), or approved at once (break-glass). */
  | { kind: 'created'; request: ApprovalRequest }
  /** A request for the same service and environment is already pending: point to it. */
  | { kind: 'existing'; request: ApprovalRequest };

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** 'a-8f3k2a': short enough to type in `/ops approvals cancel`. */
export function newApprovalId(): string {
  return `a-${Array.from({ length: 6 }, () => ALPHABET[randomInt(ALPHABET.length)]).join('')}`;
}

export async function createApprovalRequest(db: Db, input: NewApprovalRequest): Promise<CreateApprovalResult> {
  const breakGlass = input.breakGlass === true;
  const ttlMinutes = inRange('ttlMinutes', input.ttlMinutes, APPROVAL_LIMITS.ttlMinutes);
  const windowMinutes = inRange(
    'approvalWindowMinutes',
    input.approvalWindowMinutes,
    APPROVAL_LIMITS.approvalWindowMinutes,
  );
  const reason = input.reason?.trim() || null;
  const incidentId = input.incidentId?.trim() || null;
  if (reason !== null && reason.length > APPROVAL_LIMITS.reasonMaxLength) {
    throw new OpsError('usage', `The reason is ${reason.length} characters long; at most 500 are allowed.`);
  }
  if (breakGlass && (incidentId === null || reason === null)) {
    throw new OpsError('refused', 'Break-glass needs an incident id and a reason; nothing was changed.', {
      hint: `Type it as: ${input.command} ${input.service} ${input.env} --break-glass INC-123 "why it cannot wait"`,
    });
  }
  if (!breakGlass && !(Number.isInteger(input.quorum) && input.quorum >= 1 && input.quorum <= 3)) {
    throw new OpsError('config', `Policy ${input.policy} asks for ${input.quorum} approvers; the quorum is 1 to 3.`);
  }
  const hash = paramsHash({ ...input, requesterPerson: input.requesterPerson });

  return db.transaction(async (tx) => {
    // Serialises this person's creations across replicas, so the caps below cannot be raced past.
    await lockRequester(tx, input.requesterPerson);
    // Requests whose time is over must not block a new one or count against the caps: expire them now.
    const expired = await expireLocked(tx, 'pending-expired', {
      service: input.service,
      env: input.env,
      requesterPerson: input.requesterPerson,
    });

    if (!breakGlass) {
      const existing = await findPending(tx, input.service, input.env);
      if (existing) {
        await auditExpired(tx, expired);
        return { kind: 'existing', request: existing };
      }
      const pending = await countPendingOf(tx, input.requesterPerson);
      if (pending >= APPROVAL_LIMITS.pendingPerRequester) {
        throw new OpsError(
          'refused',
          `You already have ${pending} approval requests waiting; a 4th is refused so approvers are not flooded.`,
          { hint: 'Wait for one to be decided, or withdraw one with /ops approvals cancel <id> (see /ops approvals).' },
        );
      }
    } else {
      const used = await countBreakGlassSince(tx, input.requesterPerson, 24);
      if (used >= APPROVAL_LIMITS.breakGlassPerDay) {
        throw new OpsError(
          'refused',
          `Break-glass was used ${used} times by you in the last 24 hours, the most allowed; nothing was changed.`,
          { hint: 'Ask an approver to approve a normal request: /ops approvals shows who can.' },
        );
      }
    }

    for (let attempt = 0; attempt < 5; attempt++) {
      const id = input.id ?? newApprovalId();
      if (await getApprovalRequest(tx, id)) {
        if (input.id !== undefined) throw new Error(`An approval request with id ${id} already exists.`);
        continue;
      }
      const inserted = await insertApprovalRequest(tx, {
        id,
        command: input.command,
        service: input.service,
        env: input.env,
        args: input.args,
        plan: input.plan,
        paramsHash: hash,
        requester: input.requester.userId,
        requesterPerson: input.requesterPerson,
        teamId: input.requester.teamId,
        channelId: input.channelId ?? null,
        threadTs: input.threadTs ?? null,
        reason,
        incidentId,
        breakGlass,
        quorum: breakGlass ? 0 : input.quorum,
        policy: input.policy,
        approvalWindowSeconds: windowMinutes * 60,
        ttlSeconds: ttlMinutes * 60,
        state: breakGlass ? 'approved' : 'pending',
      });
      if (!inserted) {
        // Another replica inserted a pending request for this (service, env) since we looked.
        const existing = await findPending(tx, input.service, input.env);
        if (existing) {
          await auditExpired(tx, expired);
          return { kind: 'existing', request: existing };
        }
        continue;
      }
      await auditExpired(tx, expired);
      await auditApproval(tx, transitionKind(undefined, inserted.request.state), inserted.request, {
        actor: { ...input.requester, person: input.requesterPerson },
        dbNow: inserted.dbNow,
        payload: {
          args: input.args,
          plan: input.plan,
          quorum: inserted.request.quorum,
          policy: input.policy,
          reason,
          incidentId,
          expiresAt: inserted.request.expiresAt.toISOString(),
        },
      });
      return { kind: 'created', request: inserted.request };
    }
    throw new Error('Could not create the approval request in 5 attempts.');
  });
}

function inRange(name: string, value: number | undefined, range: { default: number; min: number; max: number }) {
  const v = value ?? range.default;
  if (!Number.isFinite(v) || v < range.min || v > range.max) {
    throw new OpsError('config', `${name} is ${v}; it must be from ${range.min} to ${range.max} minutes.`);
  }
  return v;
}
