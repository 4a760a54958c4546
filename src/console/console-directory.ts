/**
 * The console has no Slack to ask, so every console user is a full member and
 * user groups resolve through the catalog's `people` map only if a group id is
 * listed there; otherwise groups are empty (list user ids in roles to try them).
 */
import type { Directory } from '../runs/authorize.js';

export function createConsoleDirectory(teamId: string): Directory {
  return {
    groupMembers: async () => [],
    user: async (id) => ({ id, teamId, isGuest: false, isBot: false, deleted: false }),
  };
}
