/** Schedule runs and controls: one claimed row per tick, history, pause and resume. */
import type { Queryable } from './db.js';

export type ScheduleRunState = 'running' | 'succeeded' | 'failed' | 'skipped' | 'missed';

export interface ScheduleRun {
  schedule: string;
  tick: Date;
  replica: string;
  state: ScheduleRunState;
  reason: string | null;
  runId: string | null;
  summary: string | null;
  startedAt: Date;
  finishedAt: Date | null;
}

const COLUMNS = `schedule, tick, replica, state, reason, run_id as "runId", summary, started_at as "startedAt",
  finished_at as "finishedAt"`;

/** True for exactly one caller per (schedule, tick), whichever replica and whenever it fires. */
export async function claimTick(
  q: Queryable,
  claim: { schedule: string; tick: Date; replica: string; state?: ScheduleRunState; reason?: string },
): Promise<boolean> {
  const { rowCount } = await q.query(
    `insert into schedule_runs (schedule, tick, replica, state, reason) values ($1, $2, $3, $4, $5)
     on conflict (schedule, tick) do nothing returning schedule`,
    [claim.schedule, claim.tick, claim.replica, claim.state ?? 'running', claim.reason ?? null],
  );
  return rowCount === 1;
}

export async function finishTick(
  q: Queryable,
  run: { schedule: string; tick: Date; state: ScheduleRunState; runId?: string; summary?: string; reason?: string },
): Promise<void> {
  await q.query(
    `update schedule_runs set state = $3, run_id = coalesce($4, run_id), summary = $5, reason = coalesce($6, reason),
       finished_at = now()
     where schedule = $1 and tick = $2`,
    [run.schedule, run.tick, run.state, run.runId ?? null, run.summary ?? null, run.reason ?? null],
  );
}

/** Another run of this schedule still going (started within `withinSeconds`): `tick` must not start beside it. */
export async function runningTick(
  q: Queryable,
  schedule: string,
  withinSeconds: number,
  tick: Date,
): Promise<ScheduleRun | null> {
  const { rows } = await q.query<ScheduleRun>(
    `select ${COLUMNS} from schedule_runs
     where schedule = $1 and state = 'running' and started_at > now() - make_interval(secs => $2) and tick <> $3
     order by tick desc limit 1`,
    [schedule, withinSeconds, tick],
  );
  return rows[0] ?? null;
}

export async function scheduleHistory(q: Queryable, schedule: string, limit = 20): Promise<ScheduleRun[]> {
  const { rows } = await q.query<ScheduleRun>(
    `select ${COLUMNS} from schedule_runs where schedule = $1 order by tick desc limit $2`,
    [schedule, limit],
  );
  return rows;
}

export async function lastTicks(q: Queryable): Promise<Map<string, ScheduleRun>> {
  const { rows } = await q.query<ScheduleRun>(
    `select distinct on (schedule) ${COLUMNS} from schedule_runs order by schedule, tick desc`,
  );
  return new Map(rows.map((r) => [r.schedule, r]));
}

export interface ScheduleControl {
  schedule: string;
  paused: boolean;
  actor: string;
  reason: string | null;
  at: Date;
}

export async function setPaused(
  q: Queryable,
  control: { schedule: string; paused: boolean; actor: string; reason?: string },
): Promise<void> {
  await q.query(
    `insert into schedule_controls (schedule, paused, actor, reason) values ($1, $2, $3, $4)
     on conflict (schedule) do update set paused = excluded.paused, actor = excluded.actor, reason = excluded.reason, at = now()`,
    [control.schedule, control.paused, control.actor, control.reason ?? null],
  );
}

export async function scheduleControls(q: Queryable): Promise<Map<string, ScheduleControl>> {
  const { rows } = await q.query<ScheduleControl>('select schedule, paused, actor, reason, at from schedule_controls');
  return new Map(rows.map((r) => [r.schedule, r]));
}
