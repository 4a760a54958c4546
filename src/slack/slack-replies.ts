/**
 * Replies for one Slack request. Answers meant for the requester go through
 * the slash command's response_url (or chat.postEphemeral after a modal);
 * results of changes are posted in the channel, and production results also in
 * the environment's channel. Progress is one message, edited in place.
 */
import type { WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import type { Catalog } from '../catalog.js';
import type { Outcome, Replies } from '../runs/outcome.js';
import { renderOutcome, type SlackMessage } from './render-outcome.js';

export interface SlackReplyTarget {
  client: WebClient;
  catalog: Catalog;
  logger: Logger;
  userId: string;
  channelId: string;
  /** Present for slash commands: up to 5 uses within 30 minutes. */
  respond?: (message: SlackMessage & { response_type: 'ephemeral' | 'in_channel' }) => Promise<unknown>;
}

export function createSlackReplies(target: SlackReplyTarget): Replies {
  const { client, userId, channelId } = target;
  let progressTs: string | undefined;

  async function toRequester(message: SlackMessage) {
    if (target.respond) return void (await target.respond({ ...message, response_type: 'ephemeral' }));
    try {
      await client.chat.postEphemeral({ channel: channelId, user: userId, ...message });
    } catch (error) {
      // Not in that channel (e.g. a DM with someone else): answer in the user's DM with opsbot instead.
      target.logger.warn({ err: error }, 'ephemeral reply failed; sending a direct message');
      await client.chat.postMessage({ channel: userId, ...message });
    }
  }

  async function toChannel(channel: string, message: SlackMessage) {
    try {
      await client.chat.postMessage({ channel, ...message });
    } catch (error) {
      const code = (error as { data?: { error?: string } }).data?.error;
      if (channel !== channelId || !target.respond || (code !== 'not_in_channel' && code !== 'channel_not_found')) {
        throw error;
      }
      await target.respond({ ...message, response_type: 'in_channel' });
    }
  }

  return {
    async send(outcome: Outcome) {
      const message = renderOutcome(outcome);
      if (outcome.kind !== 'result' || outcome.audience === 'requester') return toRequester(message);
      await toChannel(channelId, message);
      const envChannel = outcome.env ? target.catalog.environments[outcome.env]?.channel : undefined;
      if (envChannel && envChannel !== channelId) {
        await toChannel(envChannel, message).catch((error) =>
          target.logger.error({ err: error, channel: envChannel }, 'could not post to the environment channel'),
        );
      }
    },
    async progress(text: string) {
      const message = { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: text.slice(0, 2_900) } }] };
      if (progressTs) {
        await client.chat.update({ channel: channelId, ts: progressTs, ...message });
        return;
      }
      const posted = await client.chat.postMessage({ channel: channelId, ...message });
      progressTs = posted.ts;
    },
  };
}
