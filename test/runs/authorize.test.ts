import { describe, expect, it } from 'vitest';
import type { Catalog } from '../../src/catalog.js';
import {
  type Directory,
  type DirectoryUser,
  requiredRoleFor,
  resolveRoles,
  satisfies,
} from '../../src/runs/authorize.js';

const catalog = {
  roles: {
    viewer: ['*'],
    operator: ['S0SRE'],
    approver: ['U0ALICE', 'U0BOB'],
    admin: ['U0ALICE'],
    'break-glass': ['U0ALICE'],
  },
} as unknown as Catalog;

function directory(
  users: Record<string, Partial<DirectoryUser>>,
  groups: Record<string, string[]> = {},
): Directory & { lookups: string[] } {
  const lookups: string[] = [];
  return {
    lookups,
    groupMembers: async (id) => {
      lookups.push(`group:${id}`);
      return groups[id] ?? [];
    },
    user: async (id) => {
      lookups.push(`user:${id}`);
      const u = users[id];
      return u ? { id, isGuest: false, isBot: false, deleted: false, teamId: 'T1', ...u } : undefined;
    },
  };
}

const actor = (userId: string, teamId = 'T1') => ({ userId, teamId });

describe('roles from the catalog', () => {
  it('gives listed users their roles and group members the group’s', async () => {
    const dir = directory({ U0ALICE: {}, U0DAVE: {} }, { S0SRE: ['U0DAVE'] });
    expect(await resolveRoles(catalog, dir, actor('U0ALICE'))).toEqual(['viewer', 'approver', 'admin', 'break-glass']);
    expect(await resolveRoles(catalog, dir, actor('U0DAVE'))).toEqual(['viewer', 'operator']);
  });

  it('never counts guests, bots, deactivated or external users as "*" or group members', async () => {
    const dir = directory(
      { U0GUEST: { isGuest: true }, U0BOT: { isBot: true }, U0GONE: { deleted: true }, U0EXT: { teamId: 'T2' } },
      { S0SRE: ['U0GUEST', 'U0BOT', 'U0GONE', 'U0EXT'] },
    );
    for (const id of ['U0GUEST', 'U0BOT', 'U0GONE', 'U0EXT']) {
      expect(await resolveRoles(catalog, dir, actor(id))).toEqual([]);
    }
  });

  it('gives no role to a guest or bot even when the catalog lists its id, nor to another workspace’s user', async () => {
    const listed = {
      ...catalog,
      roles: { ...catalog.roles, approver: ['U0GUEST', 'U0BOT', 'U0EXT'] },
    } as unknown as Catalog;
    const dir = {
      ...directory({ U0GUEST: { isGuest: true }, U0BOT: { isBot: true }, U0EXT: { teamId: 'T2' } }),
      workspaceTeamId: 'T1',
    };
    for (const id of ['U0GUEST', 'U0BOT']) expect(await resolveRoles(listed, dir, actor(id))).toEqual([]);
    // A Slack Connect user whose request carries their own team id is still external to this workspace.
    expect(await resolveRoles(listed, dir, actor('U0EXT', 'T2'))).toEqual([]);
  });

  it('does not trust a display name: an unknown user id holds nothing but "*"', async () => {
    const dir = directory({ U0MALLORY: {} });
    expect(await resolveRoles(catalog, dir, actor('U0MALLORY'))).toEqual(['viewer']);
  });

  it('lets admins do what operators do, but never implies approver', () => {
    expect(satisfies(['admin'], 'operator')).toBe(true);
    expect(satisfies(['admin'], 'approver')).toBe(false);
    expect(satisfies(['viewer'], 'operator')).toBe(false);
    expect(satisfies(['operator'], 'viewer')).toBe(true);
  });

  it('picks the production requirement in production environments', () => {
    expect(requiredRoleFor({ default: 'operator', production: 'admin' }, true)).toBe('admin');
    expect(requiredRoleFor({ default: 'operator', production: 'admin' }, false)).toBe('operator');
    expect(requiredRoleFor('viewer', true)).toBe('viewer');
  });
});
