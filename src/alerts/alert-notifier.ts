/**
 * One Alertmanager notification → at most one new message, or an edit of its group's message.
 * The delivery is claimed first (its digest), so duplicates and retries post nothing on any replica;
 * the group row is claimed before its message is posted, so one message per group. When a channel has
 * had STORM_AFTER new groups in the last ten minutes, further groups are counted in one storm message.
 */
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { Catalog } from '../catalog.js';
import type { CommandDefinition } from '../define.js';
import type { IncidentChat } from '../incidents/incident-chat.js';
import { openIncidentForService } from '../incidents/incident-store.js';
import { appendAudit } from '../store/audit.js';
import type { Db } from '../store/db.js';
import { alertActions, checkAlertAnswers, describeGroup } from './alert-group.js';
import { groupMessage, stormMessage } from './alert-message.js';
import {
  claimDelivery,
  claimGroup,
  findGroup,
  foldIntoStorm,
  recentGroups,
  refire,
  setGroupTs,
  stormCounts,
  updateGroup,
} from './alert-store.js';
import type { AlertmanagerPayload } from './alertmanager-payload.js';

export const STORM_AFTER = 10;

export interface AlertNotifierDeps {
  db: Db;
  catalog: Catalog;
  chat: Pick<IncidentChat, 'post' | 'update'>;
  commands: () => readonly CommandDefinition[];
  logger: Logger;
}

export type NotifyResult = 'posted' | 'updated' | 'storm' | 'duplicate' | 'unrouted';

export function digestOf(payload: AlertmanagerPayload): string {
  const alerts = payload.alerts.map((a) => `${a.fingerprint}|${a.status}|${a.startsAt}|${a.endsAt}`).sort();
  return createHash('sha256')
    .update(JSON.stringify([payload.groupKey, payload.status, payload.truncatedAlerts, alerts]))
    .digest('hex');
}

export function createAlertNotifier(deps: AlertNotifierDeps) {
  const { db, catalog, chat, logger } = deps;
  checkAlertAnswers(deps.commands());
  // Storm messages are refreshed from the database; concurrent refreshes in this process coalesce into one more.
  const refreshing = new Map<number, { again: boolean }>();
  async function refreshStorm(stormId: number) {
    const running = refreshing.get(stormId);
    if (running) {
      running.again = true;
      return;
    }
    const state = { again: true };
    refreshing.set(stormId, state);
    try {
      while (state.again) {
        state.again = false;
        const storm = await stormCounts(db, stormId);
        if (storm?.ts) await chat.update(storm.channel, storm.ts, stormMessage(storm.counts));
      }
    } catch (error) {
      logger.warn({ err: error, stormId }, 'could not update the storm message');
    } finally {
      refreshing.delete(stormId);
    }
  }

  async function notify(payload: AlertmanagerPayload): Promise<NotifyResult> {
    if (!(await claimDelivery(db, digestOf(payload), payload.groupKey))) return 'duplicate';
    const group = describeGroup(payload, catalog);
    const incident = group.service ? await openIncidentForService(db, group.service, group.environment) : undefined;
    const channel = incident?.channelId ?? catalog.channels.alerts;
    await appendAudit(db, {
      actor: 'alertmanager',
      kind: `alert.${group.status}`,
      target: group.service ?? null,
      environment: group.environment ?? null,
      payload: {
        alertname: group.alertname,
        groupKey: group.groupKey,
        firing: group.firing,
        resolved: group.resolved,
        summary: group.summary,
        channel: channel ?? null,
      },
    });
    if (!channel) {
      logger.warn({ alertname: group.alertname }, 'an alert arrived but the catalog names no alerts channel');
      return 'unrouted';
    }
    const message = () => groupMessage(group, payload, alertActions(group, deps.commands()));
    let existing = (await claimGroup(db, group, channel)) ? undefined : await findGroup(db, group.groupKey);
    if (existing?.status === 'resolved' && group.status === 'firing' && (await refire(db, group, channel)))
      existing = undefined;
    if (existing) {
      await updateGroup(db, group);
      if (existing.ts) await chat.update(existing.channel, existing.ts, message());
      else if (existing.stormId) await refreshStorm(existing.stormId);
      return 'updated';
    }
    if ((await recentGroups(db, channel, group.groupKey)) >= STORM_AFTER) {
      const storm = await foldIntoStorm(db, group.groupKey, channel);
      if (storm.created) {
        const ts = await chat.post(channel, stormMessage((await stormCounts(db, storm.id))?.counts as never));
        if (ts) await db.query(`update alert_storms set ts = $2 where id = $1`, [storm.id, ts]);
      }
      await refreshStorm(storm.id);
      return 'storm';
    }
    const ts = await chat.post(channel, message());
    if (ts) await setGroupTs(db, group.groupKey, ts);
    return 'posted';
  }

  return { notify };
}
