/** Runs: one row per /ops request, from the moment it is accepted until it finishes. */
import { randomInt } from 'node:crypto';
import type { Queryable } from './db.js';

export type RunOutcome = 'succeeded' | 'failed' | 'refused' | 'cancelled' | 'timed_out';

export interface NewRunRequest {
  /** Given by the caller, or a fresh `r-xxxxxx`. */
  id?: string | undefined;
  command: string;
  args: Record<string, unknown>;
  environment?: string | null | undefined;
  target?: string | null | undefined;
  /** Slack user id, or 'schedule:<name>'. */
  requester: string;
  teamId?: string | null | undefined;
  channel?: string | null | undefined;
  threadTs?: string | null | undefined;
  /** e.g. 'running'; the approval flow adds its own states. */
  state: string;
}

export interface RunRequest {
  id: string;
  command: string;
  args: Record<string, unknown>;
  environment: string | null;
  target: string | null;
  requester: string;
  teamId: string | null;
  channel: string | null;
  threadTs: string | null;
  state: string;
  createdAt: Date;
  finishedAt: Date | null;
  outcome: RunOutcome | null;
  summary: string | null;
}

const COLUMNS = `id, command, args, environment, target, requester, team_id as "teamId", channel,
  thread_ts as "threadTs", state, created_at as "createdAt", finished_at as "finishedAt", outcome, summary`;

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** Short enough to type in Slack ('r-8f3k2a'); a collision is caught by the primary key and retried. */
export function newRequestId(): string {
  return `r-${Array.from({ length: 6 }, () => ALPHABET[randomInt(ALPHABET.length)]).join('')}`;
}

export async function insertRequest(q: Queryable, request: NewRunRequest): Promise<RunRequest> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const { rows } = await q.query<RunRequest>(
      `insert into requests (id, command, args, environment, target, requester, team_id, channel, thread_ts, state)
       values ($1, $2, $3::jsonb, $4, $5, $6, $7, $8, $9, $10)
       on conflict (id) do nothing returning ${COLUMNS}`,
      [
        request.id ?? newRequestId(),
        request.command,
        JSON.stringify(request.args),
        request.environment ?? null,
        request.target ?? null,
        request.requester,
        request.teamId ?? null,
        request.channel ?? null,
        request.threadTs ?? null,
        request.state,
      ],
    );
    if (rows[0]) return rows[0];
    if (request.id !== undefined) throw new Error(`A request with id ${request.id} already exists.`);
  }
  throw new Error('Could not find a free request id in 5 attempts.');
}

/** Sets the outcome once: null when the id is unknown or the request had already finished. */
export async function finishRequest(
  q: Queryable,
  id: string,
  outcome: RunOutcome,
  summary: string,
): Promise<RunRequest | null> {
  const { rows } = await q.query<RunRequest>(
    `update requests set state = 'finished', outcome = $2, summary = $3, finished_at = now()
     where id = $1 and finished_at is null returning ${COLUMNS}`,
    [id, outcome, summary],
  );
  return rows[0] ?? null;
}

export async function getRequest(q: Queryable, id: string): Promise<RunRequest | null> {
  const { rows } = await q.query<RunRequest>(`select ${COLUMNS} from requests where id = $1`, [id]);
  return rows[0] ?? null;
}

/** A change waiting for a second person: open until its approval request ends one way or another. */
export async function markAwaitingApproval(q: Queryable, id: string): Promise<void> {
  await q.query(`update requests set state = 'awaiting_approval' where id = $1 and finished_at is null`, [id]);
}
