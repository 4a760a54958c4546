/**
 * Who may approve (APPROVALS.md cases 7–10, 15, 17, 18): a full member of the workspace (not a guest, bot,
 * deactivated or external account) who holds the approver role (or the policy's roles) in the catalog, and,
 * when the service lists `approvers`, is also on that list (directly or through a user group). Admin alone
 * grants nothing. Keyed on user ids only, never names. Directory failures throw: callers refuse (fail closed).
 * Self-approval is not decided here: decide() refuses it at the person level whatever this says.
 */
import type { Catalog } from '../catalog.js';
import { ROLES, type Role } from '../define.js';
import { type Directory, isFullMember, resolveRoles, satisfies } from '../runs/authorize.js';
import { personOf } from './person.js';
import type { SlackActor } from './types.js';

export interface EligibilityOptions {
  /** Roles that may approve: the policy's `require.fromRoles` (default ['approver']). */
  fromRoles?: readonly Role[] | undefined;
  /**
   * The team ids of our own workspace (or enterprise). When given, an actor of another team (a Slack Connect
   * user) is never eligible, whatever the directory says about them.
   */
  workspaceTeamIds?: readonly string[] | undefined;
  /** hasOtherEligibleApprover: how many other people are needed (the quorum; default 1). */
  atLeast?: number | undefined;
}

const DEFAULT_ROLES: readonly Role[] = ['approver'];

export async function eligibleApprover(
  catalog: Catalog,
  directory: Directory,
  actor: SlackActor,
  service: string,
  options: EligibilityOptions = {},
): Promise<boolean> {
  // A change whose target is not a catalog service (a feature flag, a database) has no service approvers list.
  const svc: { approvers?: readonly string[] } = catalog.services[service] ?? {};
  if (options.workspaceTeamIds && !options.workspaceTeamIds.includes(actor.teamId)) return false;
  // resolveRoles grants a role to a listed id without asking who it is; an approver must be a full member.
  if (!isFullMember(await directory.user(actor.userId), actor.teamId)) return false;
  const roles = await resolveRoles(catalog, directory, actor);
  if (!(options.fromRoles ?? DEFAULT_ROLES).some((needed) => satisfies(roles, needed))) return false;
  if (svc.approvers !== undefined && !(await listedIn(directory, svc.approvers, actor.userId))) return false;
  return true;
}

/**
 * Case 17: is there anyone other than the requester (as a person) who could approve a request for `service`
 * right now, as many as the quorum? See otherEligibleApprovers; when the approvers cannot be enumerated ("*"),
 * this answers true (a card is posted rather than a false dead end).
 */
export async function hasOtherEligibleApprover(
  catalog: Catalog,
  directory: Directory,
  requester: SlackActor,
  service: string,
  options: EligibilityOptions = {},
): Promise<boolean> {
  const atLeast = options.atLeast ?? 1;
  const others = await otherEligibleApprovers(catalog, directory, requester, service, options, atLeast);
  return others === undefined || others.length >= atLeast;
}

/**
 * Who, other than the requester (as a person), could approve a request for `service` now: one Slack user id per
 * person, at most `limit`. Enumerates the approver roles' user ids and user-group members, narrowed by the
 * service's approvers. Undefined when the role is "*" (every full member) and the service names no approvers:
 * the members cannot be enumerated through the Directory.
 */
export async function otherEligibleApprovers(
  catalog: Catalog,
  directory: Directory,
  requester: SlackActor,
  service: string,
  options: EligibilityOptions,
  limit: number,
): Promise<string[] | undefined> {
  // A change whose target is not a catalog service (a feature flag, a database) has no service approvers list.
  const svc: { approvers?: readonly string[] } = catalog.services[service] ?? {};
  const needed = options.fromRoles ?? DEFAULT_ROLES;
  const holdingRoles = ROLES.filter((role) => needed.some((n) => satisfies([role], n)));
  const roleMembers = holdingRoles.flatMap((role) => catalog.roles[role] ?? []);
  const everyone = roleMembers.includes('*');
  const fromRoles = await expand(directory, roleMembers);
  const fromService = svc.approvers === undefined ? undefined : await expand(directory, svc.approvers);
  let candidates: Set<string>;
  if (fromService === undefined) {
    if (everyone) return undefined;
    candidates = fromRoles;
  } else {
    candidates = everyone ? fromService : new Set([...fromService].filter((id) => fromRoles.has(id)));
  }
  const requesterPerson = personOf(catalog, requester.userId);
  // Persons, not accounts: two accounts of one approver make one approval.
  const found = new Map<string, string>();
  for (const userId of candidates) {
    const person = personOf(catalog, userId);
    if (userId === requester.userId || person === requesterPerson || found.has(person)) continue;
    // Candidates are members of our workspace, whoever asked (a schedule has no Slack team of its own).
    const teamId = options.workspaceTeamIds?.[0] ?? requester.teamId;
    if (await eligibleApprover(catalog, directory, { userId, teamId }, service, options)) {
      found.set(person, userId);
      if (found.size >= limit) break;
    }
  }
  return [...found.values()];
}

async function listedIn(directory: Directory, members: readonly string[], userId: string): Promise<boolean> {
  for (const member of members) {
    if (member === userId) return true;
    if (member.startsWith('S') && (await directory.groupMembers(member)).includes(userId)) return true;
  }
  return false;
}

/** User ids named directly or through user groups ("*" is left out). */
async function expand(directory: Directory, members: readonly string[]): Promise<Set<string>> {
  const ids = new Set<string>();
  for (const member of members) {
    if (member === '*') continue;
    if (member.startsWith('S')) for (const id of await directory.groupMembers(member)) ids.add(id);
    else ids.add(member);
  }
  return ids;
}
