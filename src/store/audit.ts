/**
 * The audit log: append-only and hash-chained. The chain is extended by a trigger inside the INSERT
 * (migration 001), so any writer, in any transaction, keeps one valid chain; these functions only read and add.
 * Inside a longer transaction, append last: the chain head stays locked until that transaction ends.
 */
import type { Queryable } from './db.js';

export interface NewAuditEvent {
  /** Slack user id, 'schedule:<name>', or 'unknown' when the request could not be attributed. */
  actor: string;
  teamId?: string | null | undefined;
  /** Dotted, e.g. 'command.requested', 'command.succeeded', 'command.failed', 'command.refused'. */
  kind: string;
  command?: string | null | undefined;
  environment?: string | null | undefined;
  target?: string | null | undefined;
  requestId?: string | null | undefined;
  payload?: Record<string, unknown> | undefined;
}

export interface AuditEvent {
  id: number;
  at: Date;
  actor: string;
  teamId: string | null;
  kind: string;
  command: string | null;
  environment: string | null;
  target: string | null;
  requestId: string | null;
  payload: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

export interface AuditFilter {
  since?: Date | undefined;
  actor?: string | undefined;
  kind?: string | undefined;
  command?: string | undefined;
  environment?: string | undefined;
  target?: string | undefined;
  requestId?: string | undefined;
  /** 1–1000. */
  limit: number;
}

const COLUMNS = `id, at, actor, team_id as "teamId", kind, command, environment, target,
  request_id as "requestId", payload, prev_hash as "prevHash", hash`;

export async function appendAudit(q: Queryable, event: NewAuditEvent): Promise<Pick<AuditEvent, 'id' | 'at' | 'hash'>> {
  const { rows } = await q.query<Pick<AuditEvent, 'id' | 'at' | 'hash'>>(
    `insert into audit_events (actor, team_id, kind, command, environment, target, request_id, payload)
     values ($1, $2, $3, $4, $5, $6, $7, $8::jsonb) returning id, at, hash`,
    [
      event.actor,
      event.teamId ?? null,
      event.kind,
      event.command ?? null,
      event.environment ?? null,
      event.target ?? null,
      event.requestId ?? null,
      JSON.stringify(event.payload ?? {}),
    ],
  );
  return rows[0] as Pick<AuditEvent, 'id' | 'at' | 'hash'>;
}

/** Newest first. */
export async function listAudit(q: Queryable, filter: AuditFilter): Promise<AuditEvent[]> {
  const { rows } = await q.query<AuditEvent>(
    `select ${COLUMNS} from audit_events
     where ($1::timestamptz is null or at >= $1) and ($2::text is null or actor = $2)
       and ($3::text is null or kind = $3) and ($4::text is null or command = $4)
       and ($5::text is null or environment = $5) and ($6::text is null or target = $6)
       and ($7::text is null or request_id = $7)
     order by id desc limit $8`,
    [
      filter.since ?? null,
      filter.actor ?? null,
      filter.kind ?? null,
      filter.command ?? null,
      filter.environment ?? null,
      filter.target ?? null,
      filter.requestId ?? null,
      Math.min(Math.max(Math.trunc(filter.limit), 1), 1000),
    ],
  );
  return rows;
}

export { type ChainCheck, verifyAuditChain } from './verify-audit-chain.js';
