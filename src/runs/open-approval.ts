/**
 * A production change that a policy says needs a second person: instead of running, it becomes an approval
 * request (src/approvals/) with a card for approvers. Break-glass runs it at once, loudly, and leaves a review.
 * Refusals come before anything is stored: no eligible approver (case 17), break-glass without the role or an
 * incident id (case 34).
 */
import type { Logger } from 'pino';
import { createApprovalRequest } from '../approvals/create-request.js';
import { hasOtherEligibleApprover } from '../approvals/eligibility.js';
import { personOf } from '../approvals/person.js';
import { type PolicyChoice, ttlMinutesOf } from '../approvals/policy-for.js';
import type { Plan, Role } from '../define.js';
import { OpsError } from '../errors.js';
import { openBreakGlassReview } from '../store/break-glass-reviews.js';
import { satisfies } from './authorize.js';
import type { EngineDeps, RunRequest } from './engine.js';
import type { Outcome } from './outcome.js';
import type { ParsedRequest } from './parse-request.js';

export interface OpenApprovalInput {
  runId: string;
  request: RunRequest;
  parsed: ParsedRequest & { env: string; service: string };
  plan: Plan;
  roles: Role[];
  choice: PolicyChoice;
  log: Logger;
  /** Runs an approved request (break-glass: right away, in this replica). */
  executeApproved: (requestId: string) => Promise<Outcome>;
}

export async function openApproval(deps: EngineDeps, input: OpenApprovalInput): Promise<Outcome> {
  const { parsed, request, choice } = input;
  const settings = deps.approvals;
  const typed = `/ops ${parsed.command.name} ${parsed.service} ${parsed.env}`;
  if (!settings) {
    throw new OpsError(
      'refused',
      `Nothing was changed: ${parsed.command.name} in ${parsed.env} needs approval, and this opsbot has no way to ask for it.`,
      {
        hint: 'Run it in a non-production environment, or use --dry-run to see the plan.',
      },
    );
  }
  const breakGlass = parsed.flags.breakGlass;
  const requester = { userId: request.actor.userId, teamId: request.actor.teamId };
  const base = {
    id: input.runId,
    command: parsed.command.name,
    service: parsed.service,
    env: parsed.env,
    args: parsed.args,
    plan: input.plan,
    requester,
    requesterPerson: personOf(deps.catalog, requester.userId),
    channelId: request.channelId,
    reason: parsed.flags.reason,
    policy: choice.policy.name,
    ttlMinutes: ttlMinutesOf(choice.policy),
  };

  if (breakGlass !== undefined) {
    // Admin status never bypasses: only the break-glass role does (case 34, "admin is not a bypass").
    if (!satisfies(input.roles, 'break-glass')) {
      throw new OpsError(
        'forbidden',
        'Break-glass is refused: you are not in the break-glass role. Nothing was changed.',
        {
          hint: `Ask for approval instead: ${typed}${parsed.flags.reason ? ` --reason "${parsed.flags.reason}"` : ''}`,
        },
      );
    }
    if (!/^[A-Za-z][A-Za-z0-9]*-\d+$/.test(breakGlass) || !parsed.flags.reason) {
      throw new OpsError('refused', 'Break-glass needs an incident id and a reason; nothing was changed.', {
        hint: `Type it as: ${typed} --break-glass INC-123 "why it cannot wait for an approver"`,
      });
    }
    const created = await createApprovalRequest(deps.db, {
      ...base,
      breakGlass: true,
      incidentId: breakGlass,
      quorum: 0,
    });
    await openBreakGlassReview(deps.db, created.request.id);
    input.log.warn({ approval: created.request.id, incident: breakGlass }, 'break-glass change');
    await settings.notifier
      .breakGlass(created.request)
      .catch((error) => input.log.error({ err: error }, 'could not announce a break-glass change'));
    return input.executeApproved(created.request.id);
  }

  const quorum = choice.policy.require.approvals;
  // Current membership: a card nobody can approve is the dead end case 17 is about.
  const directory = deps.directory.uncached?.() ?? deps.directory;
  const enough = await hasOtherEligibleApprover(deps.catalog, directory, requester, parsed.service, {
    fromRoles: choice.policy.require.fromRoles,
    atLeast: quorum,
    ...(deps.directory.workspaceTeamId ? { workspaceTeamIds: [deps.directory.workspaceTeamId] } : {}),
  });
  if (!enough) {
    throw new OpsError(
      'refused',
      `Nothing was changed: ${parsed.command.name} on ${parsed.service} in ${parsed.env} needs ${quorum === 1 ? 'an approver' : `${quorum} approvers`} other than you (policy ${choice.policy.name}), and there ${quorum === 1 ? 'is none' : 'are not that many'}.`,
      {
        hint: `Ask an admin to add approvers (roles.approver in the catalog). In an emergency, a member of the break-glass role can run: ${typed} --break-glass INC-123 "why"`,
      },
    );
  }
  const created = await createApprovalRequest(deps.db, { ...base, quorum });
  if (created.kind === 'created') {
    await settings.notifier
      .opened(created.request)
      .catch((error) =>
        input.log.error({ err: error, approval: created.request.id }, 'could not post the approval card'),
      );
  }
  return {
    runId: input.runId,
    sandbox: deps.cluster.sandbox,
    kind: 'approval',
    command: parsed.command.name,
    env: parsed.env,
    request: created.request,
    existing: created.kind === 'existing',
    ...(settings.notifier.approvalsChannel ? { approvalsChannel: settings.notifier.approvalsChannel } : {}),
  };
}
