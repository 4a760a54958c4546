/**
 * The Directory over Slack's API: user group members (usergroups.users.list)
 * and account facts (users.info), cached for a minute so a burst of commands
 * does not become a burst of API calls. A failed lookup fails closed: the
 * caller gets an error, never a guessed answer.
 */
import type { WebClient } from '@slack/web-api';
import type { Directory, DirectoryUser } from '../runs/authorize.js';
import { TtlCache } from '../runs/ttl-cache.js';

export function createSlackDirectory(client: WebClient, workspaceTeamId?: string, ttlMs = 60_000): Directory {
  const groups = new TtlCache<readonly string[]>(ttlMs);
  const users = new TtlCache<DirectoryUser | undefined>(ttlMs);
  const team = workspaceTeamId ? { workspaceTeamId } : {};
  const loadGroup = async (groupId: string) => {
    const response = await client.usergroups.users.list({ usergroup: groupId });
    return response.users ?? [];
  };
  const loadUser = async (userId: string): Promise<DirectoryUser | undefined> => {
    const response = await client.users.info({ user: userId });
    const user = response.user;
    if (!user?.id) return undefined;
    return {
      id: user.id,
      ...(user.team_id ? { teamId: user.team_id } : {}),
      isGuest: !!(user.is_restricted || user.is_ultra_restricted),
      isBot: !!user.is_bot || user.id === 'USLACKBOT',
      deleted: !!user.deleted,
    };
  };
  // Approvals ask Slack each time: an approver removed or deactivated a minute ago must not still count.
  const uncached: Directory = { ...team, groupMembers: loadGroup, user: loadUser };
  return {
    ...team,
    groupMembers: (groupId) => groups.get(groupId, () => loadGroup(groupId)),
    user: (userId) => users.get(userId, () => loadUser(userId)),
    uncached: () => uncached,
  };
}
