/**
 * Composition of incidents, alerts, reminders and reports (part of the composition root, kept apart so
 * start-opsbot.ts stays readable): one chat adapter (Slack or the console), the ports the engine hands
 * to commands, the Slack listeners, the reminder timer and the Alertmanager route.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Writable } from 'node:stream';
import type { WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import { createAlertNotifier } from './alerts/alert-notifier.js';
import type { Catalog } from './catalog.js';
import { createConsoleIncidentChat } from './console/console-incident-chat.js';
import { alertmanagerWebhook } from './http/alertmanager-webhook.js';
import { createIncidentService } from './incidents/incident-service.js';
import { DEFAULT_REMINDERS, startReminders } from './incidents/reminders.js';
import type { Registry } from './registry/registry.js';
import { createReportPort } from './reports/report-port.js';
import type { Engine } from './runs/engine.js';
import type { Outcome } from './runs/outcome.js';
import type { SlackFrontEnd } from './slack/create-slack-front-end.js';
import { declareModal, registerDeclareModal } from './slack/incident-declare-modal.js';
import { registerIncidentListeners } from './slack/register-incident-listeners.js';
import { createSlackIncidentChat } from './slack/slack-incident-chat.js';
import type { Db } from './store/db.js';

/** For registerOpsListeners: a bare `/ops incident declare` opens the declare modal. */
export const incidentModals = (catalog: Catalog) => ({
  'incident declare': (open: { channelId: string; userId: string }) => declareModal(catalog, open),
});

export function startIncidents(deps: {
  db: Db;
  catalog: Catalog;
  logger: Logger;
  engine: Engine;
  registry: Registry;
  slack: SlackFrontEnd | undefined;
  output: Writable;
  alertmanagerToken: string | undefined;
}): { routes: Record<string, (req: IncomingMessage, res: ServerResponse) => Promise<void>>; stop(): void } {
  const { db, catalog, logger, engine, slack } = deps;
  const chat = slack ? createSlackIncidentChat(slack.client, logger) : createConsoleIncidentChat(deps.output);
  const incidents = createIncidentService({ db, catalog, logger, chat });
  engine.deps.incidents = incidents;
  engine.deps.reports = createReportPort(db, catalog);
  if (slack) {
    registerDeclareModal(slack.app, { engine, logger });
    registerIncidentListeners(slack.app, { incidents, logger });
  }
  const alerts = createAlertNotifier({ db, catalog, chat, logger, commands: () => deps.registry.commands });
  const stop = startReminders({
    db,
    chat,
    logger,
    intervals: { ...DEFAULT_REMINDERS, ...catalog.incidents?.reminders },
  });
  const webhook = alertmanagerWebhook({ token: deps.alertmanagerToken, notify: alerts.notify, logger });
  return { routes: { 'POST /webhooks/alertmanager': webhook }, stop };
}

/** Pictures a scheduled result carries (the weekly chart), uploaded after its message. */
export async function uploadImages(client: WebClient, channel: string, outcome: Outcome, logger: Logger) {
  const images = outcome.kind === 'result' ? (outcome.result.images ?? []) : [];
  for (const image of images)
    await client.files
      .uploadV2({ channel_id: channel, file: image.png, filename: image.filename, title: image.title })
      .catch((error) => logger.warn({ err: error, file: image.filename }, 'could not upload an image'));
}
