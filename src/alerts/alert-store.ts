/** Rows behind alert messages (migration 011): deliveries, groups and storms. */
import type { Queryable } from '../store/db.js';
import type { AlertGroup } from './alert-group.js';
import type { StormCounts } from './alert-message.js';

const STORM_WINDOW = `interval '10 minutes'`;

/** false when this exact notification was already received (a duplicate or a retry). */
export async function claimDelivery(q: Queryable, digest: string, groupKey: string): Promise<boolean> {
  const { rowCount } = await q.query(
    `insert into alert_deliveries (digest, group_key) values ($1, $2) on conflict do nothing`,
    [digest, groupKey],
  );
  return rowCount === 1;
}

/** true when this call created the group's row (so it posts the group's message). */
export async function claimGroup(q: Queryable, g: AlertGroup, channel: string): Promise<boolean> {
  const { rowCount } = await q.query(
    `insert into alert_groups (group_key, channel, alertname, service, environment, status, firing, resolved)
     values ($1, $2, $3, $4, $5, $6, $7, $8) on conflict do nothing`,
    [g.groupKey, channel, g.alertname, g.service ?? null, g.environment ?? null, g.status, g.firing, g.resolved],
  );
  return rowCount === 1;
}

export async function findGroup(q: Queryable, groupKey: string) {
  const { rows } = await q.query<{ channel: string; ts: string | null; stormId: number | null; status: string }>(
    `select channel, ts, storm_id as "stormId", status from alert_groups where group_key = $1`,
    [groupKey],
  );
  return rows[0];
}

export async function updateGroup(q: Queryable, g: AlertGroup): Promise<void> {
  await q.query(
    `update alert_groups set status = $2, firing = $3, resolved = $4, updated_at = now() where group_key = $1`,
    [g.groupKey, g.status, g.firing, g.resolved],
  );
}

export async function setGroupTs(q: Queryable, groupKey: string, ts: string): Promise<void> {
  await q.query(`update alert_groups set ts = $2 where group_key = $1`, [groupKey, ts]);
}

/**
 * A resolved group firing again starts over: a new message where people will see it (the old one may be
 * far up the channel). The conditional update makes one replica the one that posts it.
 */
export async function refire(q: Queryable, g: AlertGroup, channel: string): Promise<boolean> {
  const { rowCount } = await q.query(
    `update alert_groups set status = 'firing', firing = $2, resolved = $3, channel = $4, ts = null, storm_id = null,
       first_at = now(), updated_at = now()
     where group_key = $1 and status = 'resolved'`,
    [g.groupKey, g.firing, g.resolved, channel],
  );
  return rowCount === 1;
}

/** Groups with their own message in this channel in the storm window (this one excluded). */
export async function recentGroups(q: Queryable, channel: string, groupKey: string): Promise<number> {
  const { rows } = await q.query<{ n: number }>(
    `select count(*)::int as n from alert_groups
     where channel = $1 and group_key <> $2 and storm_id is null and first_at > now() - ${STORM_WINDOW}`,
    [channel, groupKey],
  );
  return rows[0]?.n ?? 0;
}

/** Attaches the group to the channel's storm of this window, creating it if needed (created: post its message). */
export async function foldIntoStorm(q: Queryable, groupKey: string, channel: string) {
  const inserted = await q.query<{ id: number }>(
    `insert into alert_storms (channel, window_start)
     values ($1, date_bin(${STORM_WINDOW}, now(), timestamptz '2000-01-01')) on conflict do nothing returning id`,
    [channel],
  );
  const id =
    inserted.rows[0]?.id ??
    (
      await q.query<{ id: number }>(
        `select id from alert_storms where channel = $1 and window_start = date_bin(${STORM_WINDOW}, now(), timestamptz '2000-01-01')`,
        [channel],
      )
    ).rows[0]?.id;
  await q.query(`update alert_groups set storm_id = $2 where group_key = $1`, [groupKey, id]);
  return { id: id as number, created: inserted.rows.length === 1 };
}

export async function stormCounts(
  q: Queryable,
  stormId: number,
): Promise<{ channel: string; ts: string | null; counts: StormCounts } | undefined> {
  const { rows } = await q.query<{
    channel: string;
    ts: string | null;
    since: Date;
    groups: number;
    firingGroups: number;
    alerts: number;
  }>(
    `select s.channel, s.ts, min(g.first_at) as since, count(*)::int as groups,
       count(*) filter (where g.status = 'firing')::int as "firingGroups", sum(g.firing + g.resolved)::int as alerts
     from alert_storms s join alert_groups g on g.storm_id = s.id where s.id = $1 group by s.channel, s.ts`,
    [stormId],
  );
  const row = rows[0];
  if (!row) return undefined;
  const top = await q.query<{ alertname: string; groups: number; services: string[] }>(
    `select alertname, count(*)::int as groups, array_remove(array_agg(distinct service), null) as services
     from alert_groups where storm_id = $1 group by alertname order by groups desc, alertname limit 8`,
    [stormId],
  );
  const { channel, ts, ...counts } = row;
  return { channel, ts, counts: { ...counts, top: top.rows } };
}
