/**
 * Roles come from the catalog: user ids, user groups (resolved through the
 * Directory, cached briefly) and "*" for every full member of the workspace.
 * Guests, external (Slack Connect) users, bots and deactivated accounts hold no
 * role at all, even when their id is listed: the catalog cannot make a guest an
 * approver by mistake.
 */
import type { Catalog } from '../catalog.js';
import { ROLES, type Role, type RoleRequirement } from '../define.js';

export interface DirectoryUser {
  id: string;
  teamId?: string;
  isGuest: boolean;
  isBot: boolean;
  deleted: boolean;
}

/** Who is who; Slack's usergroups.users.list and users.info in production. */
export interface Directory {
  groupMembers(groupId: string): Promise<readonly string[]>;
  user(userId: string): Promise<DirectoryUser | undefined>;
  /** The workspace opsbot is installed in (auth.test); users of other teams are external. */
  workspaceTeamId?: string;
  /**
   * The same directory without its cache, for answers that must be current: an approver's eligibility at the
   * click and at execution, the requester still being there (APPROVALS.md cases 8, 15, 16, 39).
   */
  uncached?(): Directory;
}

/** Roles that satisfy a requirement: admin can do what an operator can; nobody is an approver by implication. */
const SATISFIES: Record<Role, readonly Role[]> = {
  viewer: ROLES,
  operator: ['operator', 'admin'],
  approver: ['approver'],
  admin: ['admin'],
  'break-glass': ['break-glass'],
};

export async function resolveRoles(
  catalog: Catalog,
  directory: Directory,
  actor: { userId: string; teamId: string },
): Promise<Role[]> {
  const user = await directory.user(actor.userId);
  if (!isFullMember(user, directory.workspaceTeamId ?? actor.teamId)) return [];
  const roles: Role[] = [];
  for (const role of ROLES) {
    const members = (catalog.roles as Partial<Record<Role, readonly string[]>>)[role] ?? [];
    for (const member of members) {
      const holds =
        member === actor.userId ||
        member === '*' ||
        (member.startsWith('S') && (await directory.groupMembers(member)).includes(actor.userId));
      if (holds) {
        roles.push(role);
        break;
      }
    }
  }
  return roles;
}

/** Not a guest, a bot, a deactivated account or a member of another team (Slack Connect). */
export function isFullMember(user: DirectoryUser | undefined, teamId: string): boolean {
  return !!user && !user.isGuest && !user.isBot && !user.deleted && (!user.teamId || user.teamId === teamId);
}

export function requiredRoleFor(requirement: RoleRequirement, production: boolean): Role {
  if (typeof requirement === 'string') return requirement;
  return production ? requirement.production : requirement.default;
}

export function satisfies(roles: readonly Role[], needed: Role): boolean {
  return SATISFIES[needed].some((r) => roles.includes(r));
}
