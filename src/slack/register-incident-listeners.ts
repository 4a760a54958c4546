/**
 * Adding Slack messages to an incident's timeline: the "Add to timeline" message shortcut and a 📌
 * reaction in the incident channel. The message keeps its author and the time it was written; the
 * person who added it is recorded too. A message is added once, however often it is pinned.
 */
import type { App } from '@slack/bolt';
import type { Logger } from 'pino';
import type { IncidentService } from '../incidents/incident-service.js';

export const ADD_TO_TIMELINE = 'add_to_timeline';
const PIN_REACTIONS = new Set(['pushpin', 'round_pushpin']);

export function registerIncidentListeners(app: App, options: { incidents: IncidentService; logger: Logger }): void {
  const { incidents, logger } = options;

  app.shortcut({ callback_id: ADD_TO_TIMELINE, type: 'message_action' }, async ({ shortcut, ack, respond }) => {
    await ack();
    if (shortcut.type !== 'message_action') return;
    const incident = await incidents.byChannel(shortcut.channel.id);
    if (!incident) {
      await respond({
        response_type: 'ephemeral',
        text: 'This channel is not an incident channel: use “Add to timeline” in the incident’s channel (/ops incident list).',
      });
      return;
    }
    const message = shortcut.message as { ts: string; user?: string; bot_id?: string; text?: string };
    const added = await incidents.addMessage(
      incident,
      { ts: message.ts, author: message.user ?? message.bot_id ?? 'unknown', text: message.text ?? '' },
      { userId: shortcut.user.id, teamId: shortcut.user.team_id ?? shortcut.team?.id ?? '' },
    );
    await respond({
      response_type: 'ephemeral',
      text: added ? `Added to ${incident.id}’s timeline.` : `That message is already on ${incident.id}’s timeline.`,
    });
  });

  app.event('reaction_added', async ({ event, body, client }) => {
    if (!PIN_REACTIONS.has(event.reaction) || event.item.type !== 'message') return;
    const incident = await incidents.byChannel(event.item.channel);
    if (!incident) return;
    // The event names the message only; its text and author come from the channel's history, or, for a
    // reply in a thread (not in the history), from conversations.replies, which accepts a reply's ts.
    const where = { channel: event.item.channel, latest: event.item.ts, inclusive: true };
    const history = await client.conversations.history({ ...where, limit: 1 });
    let message = history.messages?.find((m) => m.ts === event.item.ts);
    if (!message) {
      const thread = await client.conversations.replies({ ...where, ts: event.item.ts, limit: 200 });
      message = thread.messages?.find((m) => m.ts === event.item.ts);
    }
    if (!message) {
      logger.warn({ channel: event.item.channel, ts: event.item.ts }, 'a pinned message could not be read');
      return;
    }
    await incidents.addMessage(
      incident,
      { ts: event.item.ts, author: message.user ?? event.item_user ?? 'unknown', text: message.text ?? '' },
      { userId: event.user, teamId: (body as { team_id?: string }).team_id ?? '' },
    );
  });
}
