/** Rows of cancellable_runs (migration 013): one per run while it does work that the Cancel button may stop. */
import type { Queryable } from './db.js';

export interface CancellableRun {
  runId: string;
  command: string;
  environment: string | null;
  requester: string;
  finishedAt: Date | null;
  cancelRequestedBy: string | null;
}

const COLUMNS = `run_id as "runId", command, environment, requester, finished_at as "finishedAt",
  cancel_requested_by as "cancelRequestedBy"`;

/** A run may do several cancellable steps: the row is reopened for each, keeping an earlier cancel request. */
export async function markCancellable(
  db: Queryable,
  run: { runId: string; command: string; environment: string | undefined; requester: string },
): Promise<void> {
  await db.query(
    `insert into cancellable_runs (run_id, command, environment, requester) values ($1, $2, $3, $4)
     on conflict (run_id) do update set finished_at = null`,
    [run.runId, run.command, run.environment ?? null, run.requester],
  );
}

export async function markFinished(db: Queryable, runId: string): Promise<void> {
  await db.query('update cancellable_runs set finished_at = now() where run_id = $1', [runId]);
}

export async function getCancellableRun(db: Queryable, runId: string): Promise<CancellableRun | undefined> {
  const { rows } = await db.query<CancellableRun>(`select ${COLUMNS} from cancellable_runs where run_id = $1`, [runId]);
  return rows[0];
}

/** Claims the cancellation: true for the one request that recorded it, false if the run ended or was already cancelled. */
export async function requestCancel(db: Queryable, runId: string, by: string): Promise<boolean> {
  const { rowCount } = await db.query(
    `update cancellable_runs set cancel_requested_by = $2, cancel_requested_at = now()
     where run_id = $1 and finished_at is null and cancel_requested_by is null`,
    [runId, by],
  );
  return rowCount === 1;
}

export async function cancelRequestedBy(db: Queryable, runId: string): Promise<string | undefined> {
  const { rows } = await db.query<{ by: string | null }>(
    'select cancel_requested_by as by from cancellable_runs where run_id = $1',
    [runId],
  );
  return rows[0]?.by ?? undefined;
}
