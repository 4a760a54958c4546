/**
 * Replies for one Slack request. Answers meant for the requester go through
 * the slash command's response_url (or chat.postEphemeral after a modal).
 * A change gets one message in the channel that says it started and is
 * edited to its outcome; its progress is one message in that message's
 * thread, edited in place. Production outcomes also go to the environment's
 * channel. Output too long for a message is uploaded as a file.
 */
import type { WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import type { Catalog } from '../catalog.js';
import type { Outcome, Replies, RunStarted } from '../runs/outcome.js';
import { cancelBlock } from './cancel-run-action.js';
import { escapeMrkdwn } from './mrkdwn.js';
import { renderOutcome, renderStarted, type SlackMessage } from './render-outcome.js';
import { throttleLatest } from './throttle.js';

export interface SlackReplyTarget {
  client: WebClient;
  catalog: Catalog;
  logger: Logger;
  userId: string;
  channelId: string;
  /** Present for slash commands and button clicks: up to 5 uses within 30 minutes. */
  respond?: (message: SlackMessage & { response_type: 'ephemeral' | 'in_channel' }) => Promise<unknown>;
}

const PROGRESS_EVERY_MS = 1_200;
const isLong = (text: string) => text.length > 3_500 || text.split('\n').length > 60;
const slackError = (error: unknown) => (error as { data?: { error?: string } }).data?.error;

export function createSlackReplies(target: SlackReplyTarget): Replies {
  const { client, userId, channelId, logger } = target;
  let header: { channel: string; ts: string } | undefined;
  let progressTs: string | undefined;
  let lastProgress: { text: string; cancelRunId?: string } | undefined;

  async function toRequester(message: SlackMessage) {
    if (target.respond) return void (await target.respond({ ...message, response_type: 'ephemeral' }));
    try {
      await client.chat.postEphemeral({ channel: channelId, user: userId, ...message });
    } catch (error) {
      // Not in that channel (e.g. a DM with someone else): answer in the user's DM with opsbot instead.
      logger.warn({ err: error }, 'ephemeral reply failed; sending a direct message');
      await client.chat.postMessage({ channel: userId, ...message });
    }
  }

  async function toChannel(channel: string, message: SlackMessage): Promise<string | undefined> {
    try {
      return (await client.chat.postMessage({ channel, ...message })).ts;
    } catch (error) {
      const code = slackError(error);
      if (channel !== channelId || !target.respond || (code !== 'not_in_channel' && code !== 'channel_not_found')) {
        throw error;
      }
      await target.respond({ ...message, response_type: 'in_channel' });
      return undefined;
    }
  }

  // Long output becomes a file in the channel (in the run's thread when there is one).
  async function upload(outcome: Outcome & { kind: 'result' }): Promise<Outcome> {
    const details = outcome.result.details ?? '';
    if (!isLong(details)) return outcome;
    const filename = `${outcome.command.replaceAll(' ', '-')}-${outcome.runId}.txt`;
    try {
      const where = header ? { channel_id: header.channel, thread_ts: header.ts } : { channel_id: channelId };
      await client.files.uploadV2({
        ...where,
        content: details,
        filename,
        title: outcome.result.summary.slice(0, 250),
        initial_comment: `<@${userId}> ran /ops ${escapeMrkdwn(outcome.command)}: full output (${details.split('\n').length} lines)`,
      });
      const shortened = { ...outcome.result, details: `${details.split('\n').slice(-15).join('\n')}` };
      return {
        ...outcome,
        result: { ...shortened, summary: `${outcome.result.summary} (full output uploaded as ${filename})` },
      };
    } catch (error) {
      logger.warn({ err: error }, 'file upload failed; posting the output cut to fit');
      return outcome;
    }
  }

  const progress = throttleLatest(async (json) => {
    const { text, cancelRunId } = JSON.parse(json) as { text: string; cancelRunId?: string };
    lastProgress = { text, ...(cancelRunId ? { cancelRunId } : {}) };
    const message = {
      text,
      blocks: [
        {
          type: 'section',
          text: { type: 'mrkdwn', text: `:hourglass_flowing_sand: ${escapeMrkdwn(text).slice(0, 2_800)}` },
        },
        ...(cancelRunId ? [cancelBlock(cancelRunId)] : []),
      ],
    };
    const channel = header?.channel ?? channelId;
    if (progressTs) {
      await client.chat.update({ channel, ts: progressTs, ...message });
      return;
    }
    progressTs = (await client.chat.postMessage({ channel, ...(header ? { thread_ts: header.ts } : {}), ...message }))
      .ts;
  }, PROGRESS_EVERY_MS);

  return {
    async started(run: RunStarted) {
      const ts = await toChannel(channelId, renderStarted(run, userId));
      if (ts) header = { channel: channelId, ts };
    },
    progress: (text, options) => progress.push(JSON.stringify({ text, cancelRunId: options?.cancelRunId })),
    async send(original: Outcome) {
      await progress.flush();
      // The run is over: its progress message keeps its last lines but loses the Cancel button.
      if (progressTs && lastProgress?.cancelRunId) {
        const text = lastProgress.text;
        const block = { type: 'section', text: { type: 'mrkdwn', text: escapeMrkdwn(text).slice(0, 2_800) } };
        await client.chat
          .update({ channel: header?.channel ?? channelId, ts: progressTs, text, blocks: [block] })
          .catch((error) => logger.warn({ err: error }, 'could not remove the Cancel button'));
      }
      const outcome = original.kind === 'result' ? await upload(original) : original;
      const message = renderOutcome(outcome);
      if (outcome.kind !== 'result' || outcome.audience === 'requester') {
        if (header && outcome.kind === 'error')
          await client.chat.update({ channel: header.channel, ts: header.ts, ...message });
        return toRequester(message);
      }
      if (header) await client.chat.update({ channel: header.channel, ts: header.ts, ...message });
      else await toChannel(channelId, message);
      const envChannel = outcome.env ? target.catalog.environments[outcome.env]?.channel : undefined;
      if (envChannel && envChannel !== channelId) {
        await toChannel(envChannel, message).catch((error) =>
          logger.error({ err: error, channel: envChannel }, 'could not post to the environment channel'),
        );
      }
    },
  };
}
