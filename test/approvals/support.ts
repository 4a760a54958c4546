/** Shared fixtures for the approval engine tests: a catalog, a directory, and a request factory. */

import { createApprovalRequest, type NewApprovalRequest } from '../../src/approvals/create-request.js';
import { personOf } from '../../src/approvals/person.js';
import type { EligibilityCheck } from '../../src/approvals/types.js';
import type { Catalog } from '../../src/catalog.js';
import type { Directory, DirectoryUser } from '../../src/runs/authorize.js';
import type { ApprovalRequest } from '../../src/store/approvals.js';
import type { Db, Queryable } from '../../src/store/db.js';

export const TEAM = 'T0OPS';

/** R = U0RITA (also an approver, with a second account U0RITA2), A1 = U0ALICE, A2 = U0BOB, A3 = U0CAROL, E = U0EVE. */
export const catalog = {
  environments: {
    prod: { kubeContext: 'prod', namespace: 'apps', production: true, freezes: [] },
    staging: { kubeContext: 'staging', namespace: 'apps', production: false, freezes: [] },
  },
  services: {
    'api-gateway': {
      deployment: 'api-gateway',
      maxReplicas: 50,
      owners: [],
      tier: 'standard',
      healthChecks: [],
      env: {},
    },
    payments: {
      deployment: 'payments',
      maxReplicas: 50,
      owners: [],
      tier: 'critical',
      approvers: ['S0PAYMENTS'],
      healthChecks: [],
      env: {},
    },
  },
  roles: {
    viewer: ['*'],
    operator: ['S0SRE'],
    approver: ['U0RITA', 'U0RITA2', 'U0ALICE', 'U0BOB', 'S0APPROVERS'],
    admin: ['U0ADMIN'],
    'break-glass': ['U0RITA'],
  },
  people: { rita: ['U0RITA', 'U0RITA2'] },
  channels: {},
} as unknown as Catalog;

export const R = { userId: 'U0RITA', teamId: TEAM };
export const R2 = { userId: 'U0RITA2', teamId: TEAM };
export const A1 = { userId: 'U0ALICE', teamId: TEAM };
export const A2 = { userId: 'U0BOB', teamId: TEAM };
export const A3 = { userId: 'U0CAROL', teamId: TEAM };
export const E = { userId: 'U0EVE', teamId: TEAM };

export function fakeDirectory(
  users: Record<string, Partial<DirectoryUser>>,
  groups: Record<string, string[]> = {},
): Directory {
  return {
    groupMembers: async (id) => groups[id] ?? [],
    user: async (id) => {
      const u = users[id];
      return u ? { id, isGuest: false, isBot: false, deleted: false, teamId: TEAM, ...u } : undefined;
    },
  };
}

export const plan = {
  summary: 'Roll back api-gateway in prod from v42 to v41',
  changes: [{ what: 'image', from: 'registry/api-gateway:v42', to: 'registry/api-gateway:v41' }],
};

let counter = 0;

/**
 * A pending rollback request for a fresh service name unless one is given, by a fresh requester unless one is
 * given (so the cap of 3 pending per requester only bites where a test means it to).
 */
export async function openRequest(
  db: Db,
  overrides: Partial<NewApprovalRequest> & { requester?: { userId: string; teamId: string } } = {},
): Promise<ApprovalRequest> {
  counter++;
  const requester = overrides.requester ?? { userId: `U0REQ${counter}`, teamId: TEAM };
  const service = overrides.service ?? `svc-${counter}`;
  const result = await createApprovalRequest(db, {
    command: 'rollback',
    env: 'prod',
    args: { service, env: 'prod', revision: 41 },
    plan,
    requesterPerson: personOf(catalog, requester.userId),
    quorum: 1,
    policy: 'production-two-person',
    channelId: 'C0OPS',
    threadTs: '1700000000.000100',
    ...overrides,
    service,
    requester,
  });
  if (result.kind !== 'created') throw new Error(`expected a new request, got the existing ${result.request.id}`);
  return result.request;
}

/** The `decide` input of an approver clicking Approve on a fresh card. */
export function approveBy(
  actor: { userId: string; teamId: string },
  request: ApprovalRequest,
  eligible: EligibilityCheck = true,
) {
  return {
    requestId: request.id,
    actor,
    person: personOf(catalog, actor.userId),
    decision: 'approve' as const,
    paramsHash: request.paramsHash.slice(0, 16),
    eligible,
  };
}

export function rejectBy(actor: { userId: string; teamId: string }, request: ApprovalRequest, reason?: string) {
  return { ...approveBy(actor, request), decision: 'reject' as const, reason };
}

/** Audit kinds written for a request, oldest first. */
export async function auditKinds(q: Queryable, requestId: string): Promise<string[]> {
  const { rows } = await q.query<{ kind: string }>('select kind from audit_events where request_id = $1 order by id', [
    requestId,
  ]);
  return rows.map((r) => r.kind);
}

export async function stateOf(q: Queryable, requestId: string): Promise<string | undefined> {
  const { rows } = await q.query<{ state: string }>('select state from approval_requests where id = $1', [requestId]);
  return rows[0]?.state;
}

export async function countRows(q: Queryable, table: string, requestId: string): Promise<number> {
  const { rows } = await q.query<{ n: number }>(`select count(*)::int as n from ${table} where request_id = $1`, [
    requestId,
  ]);
  return rows[0]?.n ?? 0;
}

/** Simulates elapsed database time honestly: moves a deadline column relative to the database's now(). */
export async function shiftToPast(
  q: Queryable,
  requestId: string,
  column: 'expires_at' | 'approved_at',
  seconds: number,
): Promise<void> {
  await q.query(`update approval_requests set ${column} = now() - make_interval(secs => $2) where id = $1`, [
    requestId,
    seconds,
  ]);
}
