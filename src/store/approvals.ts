/**
 * Rows of the approval tables (migration 003) and the few statements the approval operations in
 * src/approvals/ share. The rules (who may decide, caps, expiry) live there; this file only reads and writes.
 */
import type { Plan } from '../define.js';
import type { Queryable } from './db.js';

export const APPROVAL_STATES = [
  'pending',
  'approved',
  'executing',
  'executed',
  'failed',
  'needs_reconciliation',
  'rejected',
  'cancelled',
  'expired',
  'expired_unexecuted',
  'blocked_freeze',
] as const;
export type ApprovalState = (typeof APPROVAL_STATES)[number];

/** States that accept nothing more (the migration's trigger refuses any update of such a row). */
export const FINAL_STATES: readonly ApprovalState[] = [
  'executed',
  'failed',
  'rejected',
  'cancelled',
  'expired',
  'expired_unexecuted',
  'blocked_freeze',
];

export type ExecutionOutcome = 'succeeded' | 'failed' | 'aborted';

export interface ApprovalRequest {
  id: string;
  command: string;
  service: string;
  env: string;
  args: Record<string, unknown>;
  plan: Plan;
  paramsHash: string;
  /** Slack user id. */
  requester: string;
  requesterPerson: string;
  teamId: string;
  channelId: string | null;
  threadTs: string | null;
  reason: string | null;
  incidentId: string | null;
  breakGlass: boolean;
  quorum: number;
  policy: string;
  /** How long an approval stays valid for starting the execution. */
  approvalWindowSeconds: number;
  state: ApprovalState;
  createdAt: Date;
  expiresAt: Date;
  approvedAt: Date | null;
  claimedAt: Date | null;
  finishedAt: Date | null;
  outcome: ExecutionOutcome | null;
  summary: string | null;
}

export interface ApprovalDecision {
  requestId: string;
  person: string;
  slackUser: string;
  teamId: string;
  decision: 'approve' | 'reject';
  reason: string | null;
  paramsHash: string;
  actionTs: string | null;
  decidedAt: Date;
}

export interface Execution {
  requestId: string;
  idempotencyKey: string;
  replica: string;
  startedAt: Date;
  heartbeatAt: Date;
  finishedAt: Date | null;
  outcome: ExecutionOutcome | null;
  outputExcerpt: string | null;
}

/** A request as read inside a transaction, with what the database clock says about it. */
export interface ClockedRequest {
  request: ApprovalRequest;
  /** now() of the transaction. */
  dbNow: Date;
  /** Pending TTL over: now() >= expires_at. */
  pendingExpired: boolean;
  /** Approval no longer fresh enough to start: approved_at + window <= now(). */
  windowLapsed: boolean;
}

export const REQUEST_COLUMNS = `id, command, service, env, args, plan, params_hash as "paramsHash", requester,
  requester_person as "requesterPerson", team_id as "teamId", channel_id as "channelId", thread_ts as "threadTs",
  reason, incident_id as "incidentId", break_glass as "breakGlass", quorum, policy,
  approval_window_seconds as "approvalWindowSeconds", state, created_at as "createdAt", expires_at as "expiresAt",
  approved_at as "approvedAt", claimed_at as "claimedAt", finished_at as "finishedAt", outcome, summary`;

const CLOCK_COLUMNS = `now() as "dbNow", now() >= expires_at as "pendingExpired",
  (approved_at is not null and approved_at + make_interval(secs => approval_window_seconds) <= now()) as "windowLapsed"`;

const DECISION_COLUMNS = `request_id as "requestId", person, slack_user as "slackUser", team_id as "teamId", decision,
  reason, params_hash as "paramsHash", action_ts as "actionTs", decided_at as "decidedAt"`;

const EXECUTION_COLUMNS = `request_id as "requestId", idempotency_key as "idempotencyKey", replica,
  started_at as "startedAt", heartbeat_at as "heartbeatAt", finished_at as "finishedAt", outcome,
  output_excerpt as "outputExcerpt"`;

type ClockedRow = ApprovalRequest & { dbNow: Date; pendingExpired: boolean; windowLapsed: boolean };

function clocked(row: ClockedRow): ClockedRequest {
  const { dbNow, pendingExpired, windowLapsed, ...request } = row;
  return { request, dbNow, pendingExpired, windowLapsed };
}

/**
 * The request with its row locked until the transaction ends (`for update`): decisions, cancels and claims on
 * the same request are serialised by this lock, on every replica.
 */
export async function lockApprovalRequest(q: Queryable, id: string): Promise<ClockedRequest | null> {
  const { rows } = await q.query<ClockedRow>(
    `select ${REQUEST_COLUMNS}, ${CLOCK_COLUMNS} from approval_requests where id = $1 for update`,
    [id],
  );
  return rows[0] ? clocked(rows[0]) : null;
}

export async function getApprovalRequest(q: Queryable, id: string): Promise<ApprovalRequest | null> {
  const { rows } = await q.query<ApprovalRequest>(`select ${REQUEST_COLUMNS} from approval_requests where id = $1`, [
    id,
  ]);
  return rows[0] ?? null;
}

/** What a new request is made of: the request's own fields, its time to live, and where it starts. */
export type InsertApprovalRequest = Pick<
  ApprovalRequest,
  | 'id'
  | 'command'
  | 'service'
  | 'env'
  | 'args'
  | 'plan'
  | 'paramsHash'
  | 'requester'
  | 'requesterPerson'
  | 'teamId'
  | 'channelId'
  | 'threadTs'
  | 'reason'
  | 'incidentId'
  | 'breakGlass'
  | 'quorum'
  | 'policy'
  | 'approvalWindowSeconds'
> & {
  ttlSeconds: number;
  /** 'pending', or 'approved' (approved_at = now()) for break-glass. */
  state: 'pending' | 'approved';
};

/**
 * Inserts the request, or returns null when a pending request for the same (service, env) exists: the partial
 * unique index is the arbiter, so two replicas inserting at the same moment leave exactly one.
 */
export async function insertApprovalRequest(
  q: Queryable,
  r: InsertApprovalRequest,
): Promise<{ request: ApprovalRequest; dbNow: Date } | null> {
  const { rows } = await q.query<ApprovalRequest & { dbNow: Date }>(
    `insert into approval_requests (id, command, service, env, args, plan, params_hash, requester, requester_person,
       team_id, channel_id, thread_ts, reason, incident_id, break_glass, quorum, policy, approval_window_seconds,
       state, expires_at, approved_at)
     values ($1, $2, $3, $4, $5::jsonb, $6::jsonb, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19,
       now() + make_interval(secs => $20), case when $19 = 'approved' then now() end)
     on conflict (service, env) where state = 'pending' do nothing
     returning ${REQUEST_COLUMNS}, now() as "dbNow"`,
    [
      r.id,
      r.command,
      r.service,
      r.env,
      JSON.stringify(r.args),
      JSON.stringify(r.plan),
      r.paramsHash,
      r.requester,
      r.requesterPerson,
      r.teamId,
      r.channelId,
      r.threadTs,
      r.reason,
      r.incidentId,
      r.breakGlass,
      r.quorum,
      r.policy,
      r.approvalWindowSeconds,
      r.state,
      r.ttlSeconds,
    ],
  );
  if (!rows[0]) return null;
  const { dbNow, ...request } = rows[0];
  return { request, dbNow };
}

export interface TransitionChanges {
  to: ApprovalState;
  /** 'now' sets approved_at = now(); 'clear' empties it (approved → pending). */
  approvedAt?: 'now' | 'clear';
  claimedAt?: 'now';
  finished?: boolean;
  outcome?: ExecutionOutcome;
  summary?: string;
}

/**
 * Moves one request from one of `from` to `changes.to`; null when it was in none of them (someone else moved it
 * first). Conditional on the state, so it is safe even without the row lock.
 */
export async function transitionRequest(
  q: Queryable,
  id: string,
  from: readonly ApprovalState[],
  changes: TransitionChanges,
): Promise<{ request: ApprovalRequest; dbNow: Date } | null> {
  const { rows } = await q.query<ApprovalRequest & { dbNow: Date }>(
    `update approval_requests set
       state = $3,
       approved_at = case $4::text when 'now' then now() when 'clear' then null else approved_at end,
       claimed_at = case when $5::boolean then now() else claimed_at end,
       finished_at = case when $6::boolean then now() else finished_at end,
       outcome = coalesce($7, outcome),
       summary = coalesce($8, summary)
     where id = $1 and state = any(string_to_array($2, ','))
     returning ${REQUEST_COLUMNS}, now() as "dbNow"`,
    [
      id,
      from.join(','),
      changes.to,
      changes.approvedAt ?? null,
      changes.claimedAt === 'now',
      changes.finished === true,
      changes.outcome ?? null,
      changes.summary ?? null,
    ],
  );
  if (!rows[0]) return null;
  const { dbNow, ...request } = rows[0];
  return { request, dbNow };
}

/**
 * Ids of requests in `state` whose deadline has passed by the database clock, locked for this transaction.
 * Rows another transaction holds (a decision in progress) are skipped: that transaction checks expiry itself.
 */
export async function lockDue(
  q: Queryable,
  due: 'pending-expired' | 'approval-lapsed',
  /** Absent: every due request. Else those of this (service, env) or of this requester. */
  only?: { service: string; env: string; requesterPerson: string },
): Promise<string[]> {
  const condition =
    due === 'pending-expired'
      ? `state = 'pending' and expires_at <= now()`
      : `state = 'approved' and approved_at + make_interval(secs => approval_window_seconds) <= now()`;
  const { rows } = await q.query<{ id: string }>(
    `select id from approval_requests
     where ${condition}
       and ($1::boolean or (service = $2 and env = $3) or requester_person = $4)
     order by created_at
     for update skip locked`,
    [only === undefined, only?.service ?? null, only?.env ?? null, only?.requesterPerson ?? null],
  );
  return rows.map((r) => r.id);
}

export async function findPending(q: Queryable, service: string, env: string): Promise<ApprovalRequest | null> {
  const { rows } = await q.query<ApprovalRequest>(
    `select ${REQUEST_COLUMNS} from approval_requests where service = $1 and env = $2 and state = 'pending'`,
    [service, env],
  );
  return rows[0] ?? null;
}

export async function countPendingOf(q: Queryable, requesterPerson: string): Promise<number> {
  const { rows } = await q.query<{ n: number }>(
    `select count(*)::int as n from approval_requests where requester_person = $1 and state = 'pending'`,
    [requesterPerson],
  );
  return rows[0]?.n ?? 0;
}

export async function countBreakGlassSince(q: Queryable, requesterPerson: string, hours: number): Promise<number> {
  const { rows } = await q.query<{ n: number }>(
    `select count(*)::int as n from approval_requests
     where requester_person = $1 and break_glass and created_at > now() - make_interval(hours => $2)`,
    [requesterPerson, hours],
  );
  return rows[0]?.n ?? 0;
}

/**
 * Serialises request creation per person for the rest of the transaction, so the per-requester caps hold when
 * two replicas create at once. A transaction-scoped advisory lock: PGlite is one session, so it only matters
 * (and only needs to work) on PostgreSQL.
 */
export async function lockRequester(q: Queryable, requesterPerson: string): Promise<void> {
  await q.query(`select pg_advisory_xact_lock(hashtextextended('opsbot.approvals.requester:' || $1, 0))`, [
    requesterPerson,
  ]);
}

/** The decision, or null when this person already decided this request (the primary key dedupes). */
export async function insertDecision(
  q: Queryable,
  d: Omit<ApprovalDecision, 'decidedAt'>,
): Promise<ApprovalDecision | null> {
  const { rows } = await q.query<ApprovalDecision>(
    `insert into approval_decisions (request_id, person, slack_user, team_id, decision, reason, params_hash, action_ts)
     values ($1, $2, $3, $4, $5, $6, $7, $8)
     on conflict (request_id, person) do nothing
     returning ${DECISION_COLUMNS}`,
    [d.requestId, d.person, d.slackUser, d.teamId, d.decision, d.reason, d.paramsHash, d.actionTs],
  );
  return rows[0] ?? null;
}

/** Oldest first. */
export async function listDecisions(q: Queryable, requestId: string): Promise<ApprovalDecision[]> {
  const { rows } = await q.query<ApprovalDecision>(
    `select ${DECISION_COLUMNS} from approval_decisions where request_id = $1 order by decided_at, person`,
    [requestId],
  );
  return rows;
}

/** Fails (unique violation) when the request already has an execution: a second run is impossible. */
export async function insertExecution(q: Queryable, requestId: string, replica: string): Promise<Execution> {
  const { rows } = await q.query<Execution>(
    `insert into executions (request_id, idempotency_key, replica) values ($1, $1, $2) returning ${EXECUTION_COLUMNS}`,
    [requestId, replica],
  );
  return rows[0] as Execution;
}

export async function getExecution(q: Queryable, requestId: string): Promise<Execution | null> {
  const { rows } = await q.query<Execution>(`select ${EXECUTION_COLUMNS} from executions where request_id = $1`, [
    requestId,
  ]);
  return rows[0] ?? null;
}

export async function finishExecutionRow(
  q: Queryable,
  requestId: string,
  outcome: ExecutionOutcome,
  outputExcerpt: string | null,
): Promise<Execution | null> {
  const { rows } = await q.query<Execution>(
    `update executions set finished_at = now(), outcome = $2, output_excerpt = $3
     where request_id = $1 and finished_at is null returning ${EXECUTION_COLUMNS}`,
    [requestId, outcome, outputExcerpt],
  );
  return rows[0] ?? null;
}

/** Renews the heartbeat while the request is executing; false once it is not (e.g. declared stale). */
export async function touchExecution(q: Queryable, requestId: string): Promise<boolean> {
  const { rowCount } = await q.query(
    `update executions e set heartbeat_at = now()
     from approval_requests r
     where e.request_id = $1 and r.id = e.request_id and r.state = 'executing' and e.finished_at is null`,
    [requestId],
  );
  return rowCount === 1;
}

/** Executing requests whose execution stopped sending heartbeats, locked for this transaction. */
export async function lockStaleExecutions(
  q: Queryable,
  heartbeatTimeoutSeconds: number,
): Promise<{ id: string; replica: string; heartbeatAt: Date }[]> {
  const { rows } = await q.query<{ id: string; replica: string; heartbeatAt: Date }>(
    `select r.id, e.replica, e.heartbeat_at as "heartbeatAt"
     from approval_requests r join executions e on e.request_id = r.id
     where r.state = 'executing' and e.finished_at is null
       and e.heartbeat_at < now() - make_interval(secs => $1)
     order by e.heartbeat_at
     for update of r skip locked`,
    [heartbeatTimeoutSeconds],
  );
  return rows;
}

export async function listPendingRequests(
  q: Queryable,
  filter: { excludePerson?: string; excludeUser?: string; requesterPerson?: string; limit: number },
): Promise<ApprovalRequest[]> {
  const { rows } = await q.query<ApprovalRequest>(
    `select ${REQUEST_COLUMNS} from approval_requests r
     where state = 'pending' and expires_at > now()
       and ($1::text is null or (requester_person <> $1
            and not exists (select 1 from approval_decisions d where d.request_id = r.id and d.person = $1)))
       and ($2::text is null or requester <> $2)
       and ($3::text is null or requester_person = $3)
     order by created_at
     limit $4`,
    [filter.excludePerson ?? null, filter.excludeUser ?? null, filter.requesterPerson ?? null, filter.limit],
  );
  return rows;
}

export async function insertMessage(q: Queryable, requestId: string, channelId: string, messageTs: string) {
  await q.query(
    `insert into approval_messages (request_id, channel_id, message_ts) values ($1, $2, $3)
     on conflict do nothing`,
    [requestId, channelId, messageTs],
  );
}

export async function listMessages(
  q: Queryable,
  requestId: string,
): Promise<{ channelId: string; messageTs: string }[]> {
  const { rows } = await q.query<{ channelId: string; messageTs: string }>(
    `select channel_id as "channelId", message_ts as "messageTs" from approval_messages
     where request_id = $1 order by posted_at`,
    [requestId],
  );
  return rows;
}

/**
 * The exactly-once claim: only a request that is approved, and approved recently enough, becomes executing;
 * of any number of replicas running this at once, exactly one gets the row back.
 */
export async function claimRequest(
  q: Queryable,
  id: string,
): Promise<{ request: ApprovalRequest; dbNow: Date } | null> {
  const { rows } = await q.query<ApprovalRequest & { dbNow: Date }>(
    `update approval_requests set state = 'executing', claimed_at = now()
     where id = $1 and state = 'approved' and approved_at > now() - make_interval(secs => approval_window_seconds)
     returning ${REQUEST_COLUMNS}, now() as "dbNow"`,
    [id],
  );
  if (!rows[0]) return null;
  const { dbNow, ...request } = rows[0];
  return { request, dbNow };
}
