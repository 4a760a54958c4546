/**
 * The approval engine's Slack side: posts each request's card to the approvals channel and the requester's
 * channel (recording both, so clicks are accepted only there and both are redrawn on every transition), tells
 * the requester in the card's thread when the request is decided, and announces break-glass changes.
 */
import type { WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import { listApprovalMessages, recordApprovalMessage } from '../approvals/approval-messages.js';
import type { Catalog } from '../catalog.js';
import type { ApprovalNotifier } from '../runs/approval-notifier.js';
import { textOf } from '../runs/approval-text.js';
import { type ApprovalRequest, listDecisions } from '../store/approvals.js';
import { getReview } from '../store/break-glass-reviews.js';
import type { Db } from '../store/db.js';
import { renderApprovalCard, renderBreakGlass, who } from './approval-card.js';
import { escapeMrkdwn } from './mrkdwn.js';
import { createSlackReplies } from './slack-replies.js';

export interface SlackNotifierOptions {
  client: WebClient;
  db: Db;
  catalog: Catalog;
  logger: Logger;
  sandbox: boolean;
  /** Eligible approvers to send the card to directly (a DM each), besides the channels. */
  approversOf?: (request: ApprovalRequest) => Promise<string[]>;
}

/** Transitions the requester hears about in the card's thread (the outcome of a run is reported by the run). */
const TOLD: Partial<Record<ApprovalRequest['state'], string>> = {
  approved: 'approved; it runs now.',
  rejected: 'rejected. Nothing was changed.',
  expired: 'expired: nobody decided in time. Nothing was changed; run the command again if it is still needed.',
  expired_unexecuted: 'expired unexecuted: it was approved but did not start in time. Nothing was changed.',
  blocked_freeze: 'blocked by a change freeze. Nothing was changed.',
  cancelled: 'cancelled. Nothing was changed.',
  needs_reconciliation:
    'needs reconciliation: the replica running it stopped. It may or may not have run; check the target before asking again.',
};

export function createSlackApprovalNotifier(options: SlackNotifierOptions): ApprovalNotifier {
  const { client, db, catalog, logger } = options;
  const approvalsChannel = catalog.channels.approvals;
  const card = async (request: ApprovalRequest) =>
    renderApprovalCard(request, await listDecisions(db, request.id), { sandbox: options.sandbox });

  async function post(request: ApprovalRequest, channel: string) {
    try {
      const posted = await client.chat.postMessage({ channel, ...(await card(request)) });
      if (posted.ts)
        await recordApprovalMessage(db, request.id, { channelId: posted.channel ?? channel, messageTs: posted.ts });
      return posted.ts;
    } catch (error) {
      logger.warn({ err: error, channel, approval: request.id }, 'could not post the approval card');
      return undefined;
    }
  }

  const reviewOf = async (request: ApprovalRequest) =>
    (await getReview(db, request.id)) ?? { acknowledgedBy: null, acknowledgedAt: null, dueAt: request.createdAt };

  /** The requester's card (its thread is "the requester's thread"), else the approvals channel's. */
  async function threadOf(request: ApprovalRequest) {
    const messages = await listApprovalMessages(db, request.id);
    const mine = messages.find((m) => m.channelId === request.channelId) ?? messages[0];
    return mine ? { channel: mine.channelId, ts: mine.messageTs } : undefined;
  }

  return {
    approvalsChannel,
    async opened(request) {
      const targets = [approvalsChannel, request.channelId].filter((c): c is string => !!c);
      let posted = 0;
      for (const channel of new Set(targets)) if (await post(request, channel)) posted++;
      // Nowhere to show it (no approvals channel, the bot not in the requester's channel): the requester's DM.
      if (posted === 0 && !request.requester.startsWith('schedule:')) await post(request, request.requester);
      // Each eligible approver gets the card directly too; clicks there count like the channel's, and the copy is
      // redrawn on every transition like the others (case 38).
      const approvers = await options.approversOf?.(request).catch((error) => {
        logger.warn({ err: error, approval: request.id }, 'could not list the approvers to tell');
        return [];
      });
      for (const approver of approvers ?? []) await post(request, approver);
    },
    async changed(request) {
      const message = request.breakGlass ? renderBreakGlass(request, await reviewOf(request)) : await card(request);
      for (const m of await listApprovalMessages(db, request.id)) {
        await client.chat
          .update({ channel: m.channelId, ts: m.messageTs, ...message })
          .catch((error) => logger.warn({ err: error, approval: request.id }, 'could not update an approval card'));
      }
      const told = TOLD[request.state];
      const thread = told ? await threadOf(request) : undefined;
      if (told && thread) {
        const text = `${who(request.requester)} request \`${request.id}\` (${escapeMrkdwn(textOf(request))}) ${told}`;
        await client.chat
          .postMessage({ channel: thread.channel, thread_ts: thread.ts, text })
          .catch((error) => logger.warn({ err: error }, 'could not tell the requester'));
      }
    },
    async breakGlass(request) {
      const message = renderBreakGlass(request, await reviewOf(request));
      const envChannel = catalog.environments[request.env]?.channel;
      // Loud: the channels, and each approver directly, since one of them must review it within 24 hours.
      const approvers = await options.approversOf?.(request).catch(() => []);
      for (const channel of new Set(
        [approvalsChannel, envChannel, request.channelId, ...(approvers ?? [])].filter((c): c is string => !!c),
      )) {
        try {
          const posted = await client.chat.postMessage({ channel, ...message });
          // The announcement is where the review is acknowledged: a click is accepted only there.
          if (posted.ts)
            await recordApprovalMessage(db, request.id, { channelId: posted.channel ?? channel, messageTs: posted.ts });
        } catch (error) {
          logger.error({ err: error, channel }, 'could not announce a break-glass change');
        }
      }
    },
    async reminder(request) {
      // In the approvals channel card's thread: approvers watch that channel; the requester already knows.
      const messages = await listApprovalMessages(db, request.id);
      const card = messages.find((m) => m.channelId === approvalsChannel) ?? messages[0];
      if (!card) return;
      const minutes = Math.max(1, Math.round((request.expiresAt.getTime() - Date.now()) / 60_000));
      const approvers = (catalog.services[request.service]?.approvers ?? catalog.roles.approver ?? []).filter(
        (id) => /^[UW]/.test(id) && id !== request.requester,
      );
      const text = `Still waiting for approval, about ${minutes} min left: \`${escapeMrkdwn(textOf(request))}\` by ${who(request.requester)}.${approvers.length ? ` ${approvers.map((id) => `<@${id}>`).join(' ')}` : ''}`;
      await client.chat
        .postMessage({ channel: card.channelId, thread_ts: card.messageTs, text })
        .catch((error) => logger.warn({ err: error }, 'could not remind approvers'));
    },
    async reviewOverdue(request) {
      const channel = approvalsChannel ?? catalog.channels.alerts;
      if (!channel) return;
      const text = `:rotating_light: The review of break-glass change \`${request.id}\` by ${who(request.requester)} (${escapeMrkdwn(textOf(request))}) is overdue. An approver must acknowledge it on its announcement.`;
      await client.chat
        .postMessage({ channel, text })
        .catch((error) => logger.error({ err: error }, 'could not report an overdue review'));
    },
    repliesFor(request) {
      let thread: { channel: string; ts: string } | undefined;
      const replies = () =>
        createSlackReplies({
          client,
          catalog,
          logger,
          userId: request.requester,
          channelId: thread?.channel ?? request.channelId ?? approvalsChannel ?? request.requester,
          ...(thread ? { thread } : {}),
        });
      // The thread is looked up once, on first use (the card was posted before the run starts).
      let inner: ReturnType<typeof createSlackReplies> | undefined;
      const get = async () => {
        if (!inner) {
          thread = await threadOf(request);
          inner = replies();
        }
        return inner;
      };
      return {
        started: async (run) => (await get()).started?.(run),
        progress: async (text) => (await get()).progress(text),
        send: async (outcome) => (await get()).send(outcome),
      };
    },
  };
}
