/** Who may approve a request now: its policy's roles, the service's approvers, full members of our workspace. */
import { eligibleApprover, otherEligibleApprovers } from '../approvals/eligibility.js';
import type { Approver } from '../approvals/types.js';
import type { ApprovalRequest } from '../store/approvals.js';
import type { EngineDeps } from './engine.js';

export function approverCheck(
  deps: Pick<EngineDeps, 'catalog' | 'directory' | 'registry'>,
  request: Pick<ApprovalRequest, 'policy' | 'service'>,
) {
  const policy = deps.registry.policies.find((p) => p.name === request.policy);
  const teams = deps.directory.workspaceTeamId ? [deps.directory.workspaceTeamId] : undefined;
  // Who someone is now, not a minute ago (cases 8, 15, 16).
  const directory = deps.directory.uncached?.() ?? deps.directory;
  return (approver: Approver) =>
    eligibleApprover(deps.catalog, directory, approver, request.service, {
      fromRoles: policy?.require.fromRoles ?? ['approver'],
      ...(teams ? { workspaceTeamIds: teams } : {}),
    });
}

/**
 * The people to tell directly about a new request: other eligible approvers, one account per person, at most
 * `limit` (none when the approver role is everyone, "*": the approvals channel is for that).
 */
export async function approversToTell(
  deps: Pick<EngineDeps, 'catalog' | 'directory' | 'registry'>,
  request: Pick<ApprovalRequest, 'policy' | 'service' | 'requester' | 'teamId'>,
  limit = 5,
): Promise<string[]> {
  const policy = deps.registry.policies.find((p) => p.name === request.policy);
  const teams = deps.directory.workspaceTeamId ? [deps.directory.workspaceTeamId] : undefined;
  const others = await otherEligibleApprovers(
    deps.catalog,
    deps.directory,
    { userId: request.requester, teamId: request.teamId },
    request.service,
    { fromRoles: policy?.require.fromRoles ?? ['approver'], ...(teams ? { workspaceTeamIds: teams } : {}) },
    limit,
  );
  return others ?? [];
}
