/** Reads the append-only timeline (filled from audit rows by migration 010's trigger). */
import type { Queryable } from '../store/db.js';

export interface TimelineEvent {
  id: number;
  incidentId: string;
  at: Date;
  actor: string;
  kind: string;
  command: string | null;
  environment: string | null;
  target: string | null;
  requestId: string | null;
  payload: Record<string, unknown>;
  auditId: number;
}

export async function listTimeline(q: Queryable, incidentId: string): Promise<TimelineEvent[]> {
  const { rows } = await q.query<TimelineEvent>(
    `select id, incident_id as "incidentId", at, actor, kind, command, environment, target,
       request_id as "requestId", payload, audit_id as "auditId"
     from timeline_events where incident_id = $1 order by at, id`,
    [incidentId],
  );
  return rows;
}
