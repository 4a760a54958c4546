/**
 * Incidents in PostgreSQL. The incident row holds the current state (status, severity, roles) and is
 * updated in place; what happened, and when, is the append-only timeline (timeline-store.ts), written
 * through audit rows in the same transaction as each change.
 */
import type { Queryable } from '../store/db.js';
import type { IncidentInfo, IncidentStatus, Severity } from './port.js';

const COLUMNS = `id, title, severity, status, services, environment, commander, roles,
  channel_id as "channelId", channel_name as "channelName", summary_ts as "summaryTs", announcement_ts as "announcementTs",
  declared_by as "declaredBy", declared_at as "declaredAt", acknowledged_at as "acknowledgedAt",
  mitigated_at as "mitigatedAt", resolved_at as "resolvedAt", resolution,
  last_update_at as "lastUpdateAt", last_nudge_at as "lastNudgeAt"`;

export async function insertIncident(
  q: Queryable,
  input: {
    title: string;
    severity: Severity;
    services: string[];
    environment: string | null;
    commander: string;
    declaredBy: string;
  },
): Promise<IncidentInfo> {
  const { rows } = await q.query<IncidentInfo>(
    `insert into incidents (id, title, severity, services, environment, commander, declared_by)
     values ('INC-' || nextval('incident_number_seq'), $1, $2, $3, $4, $5, $6) returning ${COLUMNS}`,
    [input.title, input.severity, input.services, input.environment, input.commander, input.declaredBy],
  );
  return rows[0] as IncidentInfo;
}

export async function setDeclaredAt(q: Queryable, id: string, at: Date): Promise<IncidentInfo> {
  const { rows } = await q.query<IncidentInfo>(
    `update incidents set declared_at = $2 where id = $1 returning ${COLUMNS}`,
    [id, at],
  );
  return rows[0] as IncidentInfo;
}

export async function getIncident(q: Queryable, id: string): Promise<IncidentInfo | undefined> {
  const { rows } = await q.query<IncidentInfo>(`select ${COLUMNS} from incidents where id = $1`, [id]);
  return rows[0];
}

export async function incidentByChannel(q: Queryable, channelId: string): Promise<IncidentInfo | undefined> {
  const { rows } = await q.query<IncidentInfo>(`select ${COLUMNS} from incidents where channel_id = $1`, [channelId]);
  return rows[0];
}

export async function openIncidents(q: Queryable): Promise<IncidentInfo[]> {
  const { rows } = await q.query<IncidentInfo>(
    `select ${COLUMNS} from incidents where resolved_at is null order by declared_at`,
  );
  return rows;
}

/** The open incident whose channel alerts about this service should go to (the newest, when several). */
export async function openIncidentForService(
  q: Queryable,
  service: string,
  environment: string | undefined,
): Promise<IncidentInfo | undefined> {
  const { rows } = await q.query<IncidentInfo>(
    `select ${COLUMNS} from incidents
     where resolved_at is null and channel_id is not null and $1 = any (services)
       and (environment is null or $2::text is null or environment = $2)
     order by declared_at desc limit 1`,
    [service, environment ?? null],
  );
  return rows[0];
}

export async function setChannel(q: Queryable, id: string, channel: { id: string; name: string }): Promise<void> {
  await q.query(`update incidents set channel_id = $2, channel_name = $3 where id = $1`, [
    id,
    channel.id,
    channel.name,
  ]);
}

export async function setSummaryTs(q: Queryable, id: string, ts: string): Promise<void> {
  await q.query(`update incidents set summary_ts = $2 where id = $1`, [id, ts]);
}

export async function setAnnouncementTs(q: Queryable, id: string, ts: string): Promise<void> {
  await q.query(`update incidents set announcement_ts = $2 where id = $1`, [id, ts]);
}

/** A status update: also the acknowledgement (first update) and the mitigation (first monitoring). */
export async function updateStatus(q: Queryable, id: string, status: IncidentStatus): Promise<IncidentInfo> {
  const { rows } = await q.query<IncidentInfo>(
    `update incidents set status = $2, last_update_at = now(), last_nudge_at = null,
       acknowledged_at = coalesce(acknowledged_at, now()),
       mitigated_at = case when $2 in ('monitoring', 'resolved') then coalesce(mitigated_at, now()) else mitigated_at end,
       resolved_at = case when $2 = 'resolved' then now() else null end
     where id = $1 returning ${COLUMNS}`,
    [id, status],
  );
  return rows[0] as IncidentInfo;
}

export async function resolveIncident(q: Queryable, id: string, resolution: string): Promise<IncidentInfo> {
  const { rows } = await q.query<IncidentInfo>(
    `update incidents set status = 'resolved', resolved_at = now(), resolution = $2, last_update_at = now(),
       acknowledged_at = coalesce(acknowledged_at, now()), mitigated_at = coalesce(mitigated_at, now())
     where id = $1 returning ${COLUMNS}`,
    [id, resolution],
  );
  return rows[0] as IncidentInfo;
}

export async function updateSeverity(q: Queryable, id: string, severity: Severity): Promise<IncidentInfo> {
  const { rows } = await q.query<IncidentInfo>(
    `update incidents set severity = $2, acknowledged_at = coalesce(acknowledged_at, now())
     where id = $1 returning ${COLUMNS}`,
    [id, severity],
  );
  return rows[0] as IncidentInfo;
}

export async function updateRole(q: Queryable, id: string, role: string, userId: string): Promise<IncidentInfo> {
  const { rows } = await q.query<IncidentInfo>(
    role === 'commander'
      ? `update incidents set commander = $3 where id = $1 and $2::text = 'commander' returning ${COLUMNS}`
      : `update incidents set roles = roles || jsonb_build_object($2::text, $3::text) where id = $1 returning ${COLUMNS}`,
    [id, role, userId],
  );
  return rows[0] as IncidentInfo;
}

/** The first person's action after the declaration acknowledges the incident. */
export async function acknowledge(q: Queryable, id: string): Promise<void> {
  await q.query(`update incidents set acknowledged_at = coalesce(acknowledged_at, now()) where id = $1`, [id]);
}

export async function addTask(
  q: Queryable,
  task: { incidentId: string; text: string; owner: string | null; createdBy: string },
): Promise<number> {
  const { rows } = await q.query<{ number: number }>(
    `insert into incident_tasks (incident_id, number, text, owner, created_by)
     select $1, coalesce(max(number), 0) + 1, $2, $3, $4 from incident_tasks where incident_id = $1
     returning number`,
    [task.incidentId, task.text, task.owner, task.createdBy],
  );
  return (rows[0] as { number: number }).number;
}

export async function listTasks(
  q: Queryable,
  incidentId: string,
): Promise<Array<{ number: number; text: string; owner: string | null; createdBy: string; createdAt: Date }>> {
  const { rows } = await q.query<{
    number: number;
    text: string;
    owner: string | null;
    createdBy: string;
    createdAt: Date;
  }>(
    `select number, text, owner, created_by as "createdBy", created_at as "createdAt"
     from incident_tasks where incident_id = $1 order by number`,
    [incidentId],
  );
  return rows;
}
