/**
 * The weekly report's numbers, each from the table that is the record of it: incidents, the audit
 * trail (commands), approval requests and decisions, schedule runs and controls, freezes.
 * Every query takes the same [since, until) range.
 */
import type { Queryable } from '../store/db.js';

export interface WeeklyData {
  since: Date;
  until: Date;
  incidents: Array<{
    id: string;
    severity: string;
    title: string;
    declaredAt: Date;
    mitigatedAt: Date | null;
    resolvedAt: Date | null;
  }>;
  commands: Array<{ command: string; succeeded: number; failed: number; refused: number; planned: number }>;
  approvals: { given: number; waitsSeconds: number[]; rejected: number; expired: number; cancelled: number };
  breakGlass: Array<{
    id: string;
    requester: string;
    command: string;
    service: string;
    env: string;
    at: Date;
    acknowledged: boolean;
  }>;
  schedules: Array<{
    schedule: string;
    succeeded: number;
    failed: number;
    skipped: number;
    missed: number;
    failures: string[];
  }>;
  paused: Array<{ schedule: string; actor: string; reason: string | null; at: Date }>;
  freezes: Array<{ environment: string; from: Date; to: Date; reason: string; actor: string }>;
  failingServices: Array<{ service: string; failures: number }>;
  /** Each UTC day the range touches (at most 31): commands run, of which failed, incidents opened. */
  perDay: Array<{ day: string; commands: number; failed: number; incidents: number }>;
}

export async function loadWeeklyData(q: Queryable, since: Date, until: Date): Promise<WeeklyData> {
  const range = [since, until];
  const incidents = await q.query<WeeklyData['incidents'][number]>(
    `select id, severity, title, declared_at as "declaredAt", mitigated_at as "mitigatedAt", resolved_at as "resolvedAt"
     from incidents where (declared_at >= $1 and declared_at < $2) or (resolved_at >= $1 and resolved_at < $2)
     order by declared_at`,
    range,
  );
  const commands = await q.query<WeeklyData['commands'][number]>(
    `select command,
       count(*) filter (where kind = 'command.succeeded')::int as succeeded,
       count(*) filter (where kind = 'command.failed')::int as failed,
       count(*) filter (where kind = 'command.refused')::int as refused,
       count(*) filter (where kind = 'command.planned')::int as planned
     from audit_events
     where at >= $1 and at < $2 and command is not null
       and kind in ('command.succeeded', 'command.failed', 'command.refused', 'command.planned')
     group by command order by count(*) desc, command`,
    range,
  );
  const waits = await q.query<{ seconds: number }>(
    `select extract(epoch from d.decided_at - r.created_at)::float8 as seconds
     from approval_decisions d join approval_requests r on r.id = d.request_id
     where d.decision = 'approve' and d.decided_at >= $1 and d.decided_at < $2 order by 1`,
    range,
  );
  const outcomes = await q.query<{ state: string; n: number }>(
    `select state, count(*)::int as n from approval_requests
     where created_at >= $1 and created_at < $2 and state in ('rejected', 'expired', 'expired_unexecuted', 'cancelled')
     group by state`,
    range,
  );
  const count = (...states: string[]) =>
    outcomes.rows.filter((r) => states.includes(r.state)).reduce((n, r) => n + r.n, 0);
  // A break-glass run stays listed until another approver acknowledges its review (an audit row saying so).
  const breakGlass = await q.query<WeeklyData['breakGlass'][number]>(
    `select r.id, r.requester, r.command, r.service, r.env, r.created_at as at,
       exists (select 1 from audit_events a where a.request_id = r.id and a.kind like '%acknowledged') as acknowledged
     from approval_requests r
     where r.break_glass and ((r.created_at >= $1 and r.created_at < $2) or not exists (
       select 1 from audit_events a where a.request_id = r.id and a.kind like '%acknowledged'))
       and r.created_at < $2
     order by r.created_at`,
    range,
  );
  const runs = await q.query<{ schedule: string; state: string; n: number; failures: string[] }>(
    `select schedule, state, count(*)::int as n,
       array_remove(array_agg(case when state = 'failed' then to_char(tick at time zone 'UTC', 'Dy DD HH24:MI') || ' ' || coalesce(summary, '') end order by tick), null) as failures
     from schedule_runs where tick >= $1 and tick < $2 group by schedule, state order by schedule`,
    range,
  );
  const schedules = new Map<string, WeeklyData['schedules'][number]>();
  for (const r of runs.rows) {
    const s = schedules.get(r.schedule) ?? {
      schedule: r.schedule,
      succeeded: 0,
      failed: 0,
      skipped: 0,
      missed: 0,
      failures: [],
    };
    if (r.state === 'succeeded' || r.state === 'failed' || r.state === 'skipped' || r.state === 'missed')
      s[r.state] += r.n;
    s.failures.push(...r.failures);
    schedules.set(r.schedule, s);
  }
  const paused = await q.query<WeeklyData['paused'][number]>(
    `select schedule, actor, reason, at from schedule_controls where paused order by schedule`,
  );
  const freezes = await q.query<WeeklyData['freezes'][number]>(
    `select environment, starts_at as "from", coalesce(lifted_at, ends_at) as "to", reason, actor from freezes
     where starts_at < $2 and coalesce(lifted_at, ends_at) > $1 order by starts_at`,
    range,
  );
  const failing = await q.query<WeeklyData['failingServices'][number]>(
    `select target as service, count(*)::int as failures from audit_events
     where at >= $1 and at < $2 and kind = 'command.failed' and target is not null
     group by target order by failures desc, target limit 5`,
    range,
  );
  const perDay = await q.query<WeeklyData['perDay'][number]>(
    `select to_char(d at time zone 'UTC', 'Dy DD') as day,
       (select count(*) from audit_events where at >= greatest(d, $1) and at < least(d + interval '1 day', $2)
          and kind in ('command.succeeded', 'command.failed'))::int as commands,
       (select count(*) from audit_events where at >= greatest(d, $1) and at < least(d + interval '1 day', $2)
          and kind = 'command.failed')::int as failed,
       (select count(*) from incidents where declared_at >= greatest(d, $1) and declared_at < least(d + interval '1 day', $2))::int as incidents
     from generate_series(date_trunc('day', $1::timestamptz, 'UTC'), $2::timestamptz - interval '1 microsecond', interval '1 day') as d
     order by d desc limit 31`,
    range,
  );
  return {
    since,
    until,
    perDay: perDay.rows.reverse(),
    incidents: incidents.rows,
    commands: commands.rows,
    approvals: {
      given: waits.rows.length,
      waitsSeconds: waits.rows.map((r) => r.seconds),
      rejected: count('rejected'),
      expired: count('expired', 'expired_unexecuted'),
      cancelled: count('cancelled'),
    },
    breakGlass: breakGlass.rows,
    schedules: [...schedules.values()],
    paused: paused.rows,
    freezes: freezes.rows,
    failingServices: failing.rows,
  };
}
