/** Who may approve, persons, and the params hash: no database needed. */
import { describe, expect, it } from 'vitest';
import { eligibleApprover, hasOtherEligibleApprover } from '../../src/approvals/eligibility.js';
import { canonicalJson, matchesParamsHash, paramsHash } from '../../src/approvals/params-hash.js';
import { personOf } from '../../src/approvals/person.js';
import type { Catalog } from '../../src/catalog.js';
import { A1, A2, catalog, E, fakeDirectory, plan, R, TEAM } from './support.js';

const everyone = fakeDirectory(
  {
    U0RITA: {},
    U0RITA2: {},
    U0ALICE: {},
    U0BOB: {},
    U0CAROL: {},
    U0EVE: {},
    U0ADMIN: {},
    U0PAT: {},
    U0GUEST: { isGuest: true },
    U0BOT: { isBot: true },
    U0GONE: { deleted: true },
    U0EXT: { teamId: 'T0OTHER' },
  },
  {
    S0APPROVERS: ['U0CAROL', 'U0GUEST', 'U0BOT', 'U0GONE', 'U0EXT'],
    S0PAYMENTS: ['U0ALICE', 'U0PAT'],
    S0SRE: ['U0EVE'],
  },
);

describe('persons', () => {
  it('case 11: joins the accounts the catalog lists under one person; others are their own person', () => {
    expect(personOf(catalog, 'U0RITA')).toBe('person:rita');
    expect(personOf(catalog, 'U0RITA2')).toBe('person:rita');
    expect(personOf(catalog, 'U0ALICE')).toBe('slack:U0ALICE');
    // A person named like a user id cannot be confused with that account.
    expect(personOf({ people: { U0BOB: ['U0MALLORY'] } }, 'U0MALLORY')).not.toBe(personOf(catalog, 'U0BOB'));
  });
});

describe('eligible approvers', () => {
  it('holders of the approver role, directly or through a user group, are eligible', async () => {
    expect(await eligibleApprover(catalog, everyone, A1, 'api-gateway')).toBe(true);
    expect(await eligibleApprover(catalog, everyone, { userId: 'U0CAROL', teamId: TEAM }, 'api-gateway')).toBe(true);
  });

  it('case 18: an admin without the approver role, or an operator, is not eligible', async () => {
    expect(await eligibleApprover(catalog, everyone, { userId: 'U0ADMIN', teamId: TEAM }, 'api-gateway')).toBe(false);
    expect(await eligibleApprover(catalog, everyone, E, 'api-gateway')).toBe(false);
  });

  it('cases 7, 9, 10: guests, bots, deactivated, external and unknown accounts never are, even when listed', async () => {
    const listed = {
      ...catalog,
      roles: { ...catalog.roles, approver: ['U0GUEST', 'U0BOT', 'U0GONE', 'U0EXT', 'S0APPROVERS'] },
    };
    for (const userId of ['U0GUEST', 'U0BOT', 'U0GONE', 'U0EXT', 'U0NOBODY']) {
      expect([
        userId,
        await eligibleApprover(listed as Catalog, everyone, { userId, teamId: TEAM }, 'api-gateway'),
      ]).toEqual([userId, false]);
    }
    // A Slack Connect user whose own team matches their own team id is still refused once the workspace is known.
    const external = { userId: 'U0EXT', teamId: 'T0OTHER' };
    const star = { ...catalog, roles: { ...catalog.roles, approver: ['*'] } } as Catalog;
    expect(await eligibleApprover(star, everyone, external, 'api-gateway', { workspaceTeamIds: [TEAM] })).toBe(false);
    expect(await eligibleApprover(star, everyone, A2, 'api-gateway', { workspaceTeamIds: [TEAM] })).toBe(true);
  });

  it('a service’s approvers narrow the role: both are needed', async () => {
    // payments: approvers S0PAYMENTS = alice, pat. Bob is an approver but not for payments; pat is not an approver.
    expect(await eligibleApprover(catalog, everyone, A1, 'payments')).toBe(true);
    expect(await eligibleApprover(catalog, everyone, A2, 'payments')).toBe(false);
    expect(await eligibleApprover(catalog, everyone, { userId: 'U0PAT', teamId: TEAM }, 'payments')).toBe(false);
    // A change whose target is not a catalog service (a feature flag, a database) is narrowed by no service list.
    expect(await eligibleApprover(catalog, everyone, A1, 'no-such-service')).toBe(true);
    expect(await eligibleApprover(catalog, everyone, { userId: 'U0PAT', teamId: TEAM }, 'no-such-service')).toBe(false);
  });

  it('case 15: eligibility follows current membership', async () => {
    const before = fakeDirectory({ U0CAROL: {} }, { S0APPROVERS: ['U0CAROL'] });
    const after = fakeDirectory({ U0CAROL: {} }, { S0APPROVERS: [] });
    const carol = { userId: 'U0CAROL', teamId: TEAM };
    expect(await eligibleApprover(catalog, before, carol, 'api-gateway')).toBe(true);
    expect(await eligibleApprover(catalog, after, carol, 'api-gateway')).toBe(false);
  });

  it('case 8: a failing directory lookup throws, so the caller refuses', async () => {
    const broken = { ...everyone, user: async () => Promise.reject(new Error('users.info timed out')) };
    await expect(eligibleApprover(catalog, broken, A1, 'api-gateway')).rejects.toThrow(/timed out/);
  });

  it('uses the policy’s roles when given', async () => {
    expect(
      await eligibleApprover(catalog, everyone, { userId: 'U0ADMIN', teamId: TEAM }, 'api-gateway', {
        fromRoles: ['admin'],
      }),
    ).toBe(true);
  });
});

describe('case 17: is there an eligible approver besides the requester?', () => {
  const only = (approver: string[], people: Record<string, string[]> = {}, approvers?: string[]) =>
    ({
      ...catalog,
      people,
      roles: { ...catalog.roles, approver },
      services: {
        ...catalog.services,
        solo: { ...catalog.services['api-gateway'], ...(approvers ? { approvers } : {}) },
      },
    }) as Catalog;

  it('no: the requester is the only approver, or the others are their own second account', async () => {
    expect(await hasOtherEligibleApprover(only(['U0RITA']), everyone, R, 'solo')).toBe(false);
    expect(await hasOtherEligibleApprover(only(['U0RITA', 'U0RITA2'], catalog.people), everyone, R, 'solo')).toBe(
      false,
    );
  });

  it('no: the others are guests, bots, deactivated or external, or not on the service’s approvers', async () => {
    expect(await hasOtherEligibleApprover(catalog, everyone, A1, 'payments')).toBe(false);
    const noCarol = fakeDirectory({ U0RITA: {}, U0GUEST: { isGuest: true } }, { S0APPROVERS: ['U0GUEST'] });
    expect(await hasOtherEligibleApprover(only(['U0RITA', 'S0APPROVERS']), noCarol, R, 'solo')).toBe(false);
    expect(
      await hasOtherEligibleApprover(only(['U0RITA', 'U0BOB'], {}, ['U0RITA', 'U0ALICE']), everyone, R, 'solo'),
    ).toBe(false);
  });

  it('yes: another full member holds the role (directly, via a group, or "*" narrowed by the service list)', async () => {
    expect(await hasOtherEligibleApprover(catalog, everyone, R, 'api-gateway')).toBe(true);
    expect(await hasOtherEligibleApprover(only(['U0RITA', 'S0APPROVERS']), everyone, R, 'solo')).toBe(true);
    expect(await hasOtherEligibleApprover(only(['*'], {}, ['U0RITA', 'U0BOB']), everyone, R, 'solo')).toBe(true);
    expect(await hasOtherEligibleApprover(only(['*'], {}, ['U0RITA']), everyone, R, 'solo')).toBe(false);
  });
});

describe('the params hash', () => {
  const base = {
    command: 'rollback',
    service: 'api-gateway',
    env: 'prod',
    args: { service: 'api-gateway', env: 'prod', revision: 41 },
    plan,
    requesterPerson: 'person:rita',
  };

  it('is canonical: key order does not matter, and the plan summary is not part of it', () => {
    expect(canonicalJson({ b: [1, { d: 1, c: null }], a: 'x', u: undefined })).toBe(
      '{"a":"x","b":[1,{"c":null,"d":1}]}',
    );
    expect(() => canonicalJson({ n: Number.NaN })).toThrow();
    const reordered = { ...base, args: { revision: 41, env: 'prod', service: 'api-gateway' } };
    expect(paramsHash(reordered)).toBe(paramsHash(base));
    expect(paramsHash({ ...base, plan: { ...plan, summary: 'other words' } })).toBe(paramsHash(base));
    expect(paramsHash(base)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('case 19: changes with the service, environment, arguments, planned from/to, or requester', () => {
    const changed = [
      { ...base, service: 'payments' },
      { ...base, env: 'staging' },
      { ...base, args: { ...base.args, revision: 40 } },
      { ...base, args: { ...base.args, allRegions: true } },
      { ...base, plan: { ...plan, changes: [{ ...plan.changes[0], from: 'registry/api-gateway:v43' }] } },
      { ...base, requesterPerson: 'slack:U0EVE' },
      { ...base, command: 'restart' },
    ];
    for (const input of changed) expect(paramsHash(input as typeof base)).not.toBe(paramsHash(base));
  });

  it('a button may carry a prefix of 12 or more hex characters', () => {
    const hash = paramsHash(base);
    expect(matchesParamsHash(hash, hash.slice(0, 12))).toBe(true);
    expect(matchesParamsHash(hash, hash.slice(0, 11))).toBe(false);
    expect(matchesParamsHash(hash, '')).toBe(false);
    expect(matchesParamsHash(hash, hash.slice(0, 12).toUpperCase())).toBe(false);
  });
});
