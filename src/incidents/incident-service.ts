/**
 * The incident lifecycle: each change is one transaction (the incident row and its audit row, which the
 * migration-010 trigger copies to the timeline), then the chat is told: an update line in the channel,
 * the pinned summary and the topic edited in place.
 */
import type { Logger } from 'pino';
import type { Catalog } from '../catalog.js';
import { OpsError } from '../errors.js';
import { appendAudit } from '../store/audit.js';
import type { Db, Queryable } from '../store/db.js';
import type { IncidentChat } from './incident-chat.js';
import { addMessage, timelineLines, writePostmortem } from './incident-records.js';
import * as store from './incident-store.js';
import { announcement, channelName, mention, summaryMessage, topic, updateMessage } from './incident-text.js';
import type { IncidentActor, IncidentInfo, IncidentPort } from './port.js';

export interface IncidentService extends IncidentPort {
  /** A Slack message added with 📌 or the shortcut; false when it was already on the timeline. */
  addMessage(
    incident: IncidentInfo,
    message: { ts: string; author: string; text: string },
    actor: IncidentActor,
  ): Promise<boolean>;
  byChannel(channelId: string): Promise<IncidentInfo | undefined>;
}

export interface IncidentServiceDeps {
  db: Db;
  catalog: Catalog;
  chat: IncidentChat;
  logger: Logger;
}

export function createIncidentService(deps: IncidentServiceDeps): IncidentService {
  const { db, catalog, chat, logger } = deps;

  async function audited<T>(
    actor: IncidentActor,
    kind: string,
    incidentId: string,
    payload: Record<string, unknown>,
    change: (tx: Queryable) => Promise<T>,
  ): Promise<T> {
    return db.transaction(async (tx) => {
      const result = await change(tx);
      await appendAudit(tx, {
        actor: actor.userId,
        teamId: actor.teamId,
        kind,
        payload: { incident: incidentId, ...payload },
      });
      return result;
    });
  }

  // Chat failures after a committed change are logged: the change stands, the summary catches up next time.
  async function tell(incident: IncidentInfo, line?: { text: string; actor: string }) {
    if (!incident.channelId) return;
    const channel = incident.channelId;
    const steps: Array<Promise<unknown>> = [chat.setTopic(channel, topic(incident))];
    if (line) steps.push(chat.post(channel, updateMessage(incident, line.text, line.actor)));
    if (incident.summaryTs) steps.push(chat.update(channel, incident.summaryTs, summaryMessage(incident)));
    const announcedIn = catalog.channels.incidents;
    if (announcedIn && incident.announcementTs)
      steps.push(chat.update(announcedIn, incident.announcementTs, announcement(incident)));
    for (const result of await Promise.allSettled(steps))
      if (result.status === 'rejected')
        logger.warn({ err: result.reason, incident: incident.id }, 'incident chat update failed');
  }

  async function openChannel(incident: IncidentInfo, actor: IncidentActor): Promise<IncidentInfo> {
    const created = await chat.createChannel(channelName(incident.declaredAt, incident.title));
    await store.setChannel(db, incident.id, created);
    let current = { ...incident, channelId: created.id, channelName: created.name };
    const owners = current.services.flatMap((s) => catalog.services[s]?.owners ?? []);
    await chat.invite(created.id, [...new Set([actor.userId, current.commander, ...owners])]);
    await chat.setTopic(created.id, topic(current)).catch((err) => logger.warn({ err }, 'could not set the topic'));
    const ts = await chat.post(created.id, summaryMessage(current));
    if (ts) {
      await store.setSummaryTs(db, current.id, ts);
      current = { ...current, summaryTs: ts };
      await chat.pin(created.id, ts).catch((err) => logger.warn({ err }, 'could not pin the summary'));
    }
    return current;
  }

  const service: IncidentService = {
    async declare(input, actor) {
      for (const s of input.services)
        if (!catalog.services[s])
          throw new OpsError('usage', `${s} is not a service in the catalog.`, {
            hint: `Services: ${Object.keys(catalog.services).join(', ')}.`,
          });
      if (input.environment && !catalog.environments[input.environment])
        throw new OpsError('usage', `${input.environment} is not an environment in the catalog.`, {
          hint: `Environments: ${Object.keys(catalog.environments).join(', ')}.`,
        });
      const incident = await db.transaction(async (tx) => {
        const created = await store.insertIncident(tx, {
          title: input.title,
          severity: input.severity,
          services: input.services,
          environment: input.environment ?? null,
          commander: input.commander ?? actor.userId,
          declaredBy: actor.userId,
        });
        const declared = await appendAudit(tx, {
          actor: actor.userId,
          teamId: actor.teamId,
          kind: 'incident.declared',
          payload: {
            incident: created.id,
            severity: created.severity,
            title: created.title,
            services: created.services,
            environment: created.environment,
            commander: created.commander,
          },
        });
        // One declaration time everywhere: the audit row's (the timeline's first event), not the transaction's start.
        return store.setDeclaredAt(tx, created.id, declared.at);
      });
      let current = incident;
      try {
        current = await openChannel(incident, actor);
      } catch (error) {
        logger.error({ err: error, incident: incident.id }, 'could not open the incident channel');
        throw new OpsError(
          'slack_unavailable',
          `${incident.id} is declared, but its channel could not be created: ${(error as Error).message}.`,
          {
            hint: `Create a channel by hand and keep updating with /ops incident status --incident ${incident.id}`,
          },
        );
      }
      const announceIn = catalog.channels.incidents;
      if (announceIn) {
        const ts = await chat
          .post(announceIn, announcement(current))
          .catch((err) => logger.warn({ err }, 'could not announce the incident'));
        if (ts) {
          await store.setAnnouncementTs(db, current.id, ts);
          current = { ...current, announcementTs: ts };
        }
      }
      return current;
    },

    async find(named, channelId) {
      const found = named
        ? await store.getIncident(db, named.toUpperCase())
        : channelId
          ? await store.incidentByChannel(db, channelId)
          : undefined;
      if (found) return found;
      if (named)
        throw new OpsError('usage', `There is no incident ${named}.`, {
          hint: '/ops incident list shows the open incidents.',
        });
      throw new OpsError('usage', 'This is not an incident channel.', {
        hint: 'Type it in the incident’s channel, or name it: --incident INC-12 (/ops incident list shows them).',
      });
    },

    list: () => store.openIncidents(db),
    byChannel: (channelId) => store.incidentByChannel(db, channelId),

    async setStatus(incident, status, update, actor) {
      if (status === 'resolved') return service.resolve(incident, update, actor);
      refuseResolved(incident);
      const next = await audited(
        actor,
        'incident.status',
        incident.id,
        { status, update, from: incident.status },
        (tx) => store.updateStatus(tx, incident.id, status),
      );
      await tell(next, { text: `*${status}*: ${update}`, actor: actor.userId });
      return next;
    },

    async setSeverity(incident, severity, actor) {
      refuseResolved(incident);
      const next = await audited(actor, 'incident.severity', incident.id, { severity, from: incident.severity }, (tx) =>
        store.updateSeverity(tx, incident.id, severity),
      );
      await tell(next, { text: `severity ${incident.severity} → *${severity}*`, actor: actor.userId });
      return next;
    },

    async setRole(incident, role, userId, actor) {
      refuseResolved(incident);
      const next = await audited(actor, 'incident.role', incident.id, { role, user: userId }, (tx) =>
        store.updateRole(tx, incident.id, role, userId),
      );
      if (next.channelId) await chat.invite(next.channelId, [userId]);
      await tell(next, { text: `${role}: ${mention(userId)}`, actor: actor.userId });
      return next;
    },

    async note(incident, text, actor) {
      await audited(actor, 'incident.note', incident.id, { text }, (tx) => store.acknowledge(tx, incident.id));
    },

    async task(incident, text, owner, actor) {
      return db.transaction(async (tx) => {
        const number = await store.addTask(tx, {
          incidentId: incident.id,
          text,
          owner: owner ?? null,
          createdBy: actor.userId,
        });
        await appendAudit(tx, {
          actor: actor.userId,
          teamId: actor.teamId,
          kind: 'incident.task',
          payload: { incident: incident.id, number, text, owner: owner ?? null },
        });
        return number;
      });
    },

    async resolve(incident, summary, actor) {
      refuseResolved(incident);
      const next = await audited(actor, 'incident.resolved', incident.id, { summary }, (tx) =>
        store.resolveIncident(tx, incident.id, summary),
      );
      await tell(next, {
        text: `*resolved*: ${summary} · \`/ops incident postmortem\` writes the postmortem`,
        actor: actor.userId,
      });
      return next;
    },

    addMessage: (incident, message, actor) => addMessage(db, incident, message, actor),
    timeline: (incident) => timelineLines(db, chat, incident),
    async postmortem(incident, actor, timeZone) {
      const written = await writePostmortem(db, chat, incident, actor, timeZone);
      await audited(actor, 'incident.postmortem', incident.id, { filename: written.filename }, async () => undefined);
      return written;
    },
  };
  return service;
}

function refuseResolved(incident: IncidentInfo) {
  if (incident.resolvedAt)
    throw new OpsError('refused', `${incident.id} is resolved; nothing was changed.`, {
      hint: 'Add what you learned with /ops incident note "…", or declare a new incident.',
    });
}
