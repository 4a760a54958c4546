/**
 * The card's buttons: Approve, Reject (asks for a reason in a modal), Cancel, and Acknowledge on a break-glass
 * announcement. Each acks first (Slack's 3 s), then:
 *   - accepts the click only from a message opsbot posted for that request (case 12);
 *   - identifies the clicker by user id + team id only, asking Slack who they are now; if Slack cannot say,
 *     nothing is recorded (fail closed, case 8);
 *   - lets the approval engine decide in one PostgreSQL transaction, redraws every card, and when a decision
 *     completes the quorum, runs the request (exactly once across replicas: the claim decides who runs it).
 * Refusals are ephemeral, for the clicker only.
 */
import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import type { Logger } from 'pino';
import { isApprovalMessage } from '../approvals/approval-messages.js';
import { cancel } from '../approvals/cancel.js';
import { decide } from '../approvals/decide.js';
import { personOf } from '../approvals/person.js';
import { stateSentence } from '../approvals/state-text.js';
import type { ApprovalNotifier } from '../runs/approval-notifier.js';
import { approverCheck } from '../runs/approver-check.js';
import type { Engine } from '../runs/engine.js';
import { type ApprovalRequest, getApprovalRequest } from '../store/approvals.js';
import { appendAudit } from '../store/audit.js';
import { acknowledgeReview } from '../store/break-glass-reviews.js';
import { APPROVAL_ACTIONS, parseButtonValue } from './approval-card.js';
import { REJECT_CALLBACK, rejectionFrom, rejectModal } from './reject-modal.js';

export interface ApprovalListenerOptions {
  engine: Engine;
  notifier: ApprovalNotifier;
  logger: Logger;
  observeAck?: (kind: string, seconds: number) => void;
  /** This app's id (auth.test): a click naming another app is refused (case 12). */
  appId?: string;
}

type Say = (text: string) => Promise<unknown>;
interface Click {
  requestId: string;
  paramsHash: string;
  actor: { userId: string; teamId: string };
  person: string;
  request: ApprovalRequest;
  actionTs: string | undefined;
}

export function registerApprovalListeners(app: App, options: ApprovalListenerOptions): void {
  const { engine, notifier, logger } = options;
  const { db, catalog } = engine.deps;
  const eligibleFor = (request: ApprovalRequest) => approverCheck(engine.deps, request);

  /** Everything a click must pass before any decision: a real card of this request, a known request. */
  async function clickOf(body: BlockAction, action: ButtonAction, say: Say): Promise<Click | undefined> {
    const parsed = parseButtonValue(action.value);
    const actor = { userId: body.user.id, teamId: body.user.team_id ?? body.team?.id ?? '' };
    if (!parsed) return void (await say('This button is not one opsbot made; nothing was recorded.'));
    const container = {
      channelId: body.container?.channel_id ?? body.channel?.id ?? '',
      messageTs: body.container?.message_ts ?? '',
    };
    const otherApp = options.appId !== undefined && body.api_app_id !== options.appId;
    if (otherApp || !(await isApprovalMessage(db, parsed.requestId, container))) {
      await appendAudit(db, {
        actor: actor.userId,
        teamId: actor.teamId,
        kind: 'approval.refused',
        requestId: parsed.requestId,
        payload: {
          refusal: 'foreign_card',
          action: action.action_id,
          app: body.api_app_id,
          channel: container.channelId,
          ts: container.messageTs,
        },
      });
      return void (await say(
        'This button is not on a card opsbot posted for that request; nothing was recorded. Use the card in the approvals channel.',
      ));
    }
    const request = await getApprovalRequest(db, parsed.requestId);
    if (!request) return void (await say(`There is no approval request ${parsed.requestId}.`));
    return { ...parsed, actor, person: personOf(catalog, actor.userId), request, actionTs: action.action_ts };
  }

  /** Slack could not say who clicked (timeout, error): refuse and record nothing but the refusal. */
  async function identityFailed(click: Click, action: string, error: unknown, say: Say) {
    logger.warn({ err: error, approval: click.requestId }, 'identity lookup failed; decision refused');
    await appendAudit(db, {
      actor: click.actor.userId,
      teamId: click.actor.teamId,
      kind: 'approval.refused',
      requestId: click.requestId,
      payload: { refusal: 'identity_unavailable', action },
    }).catch(() => {});
    await say(
      'opsbot could not confirm who you are with Slack just now, so nothing was recorded. Try again in a minute.',
    );
  }

  async function approveOrReject(click: Click, decision: 'approve' | 'reject', reason: string | undefined, say: Say) {
    let outcome: Awaited<ReturnType<typeof decide>>;
    try {
      outcome = await decide(db, {
        requestId: click.requestId,
        actor: click.actor,
        person: click.person,
        decision,
        reason,
        paramsHash: click.paramsHash,
        eligible: eligibleFor(click.request),
        actionTs: click.actionTs,
      });
    } catch (error) {
      return identityFailed(click, decision, error, say);
    }
    if (outcome.kind === 'refused') {
      // A lazy expiry may have changed the state: the card must show it.
      if (outcome.request && outcome.request.state !== click.request.state) await notifier.changed(outcome.request);
      return void (await say(outcome.message));
    }
    await notifier.changed(outcome.request);
    if (outcome.kind === 'recorded') await say(outcome.message);
    if (outcome.kind === 'approved') await engine.executeApproved(outcome.request.id);
  }

  const timed = (kind: string) => {
    const started = process.hrtime.bigint();
    return () => options.observeAck?.(kind, Number(process.hrtime.bigint() - started) / 1e9);
  };

  const onButton =
    (handle: (click: Click, say: Say, ctx: { triggerId: string; body: BlockAction }) => Promise<void>) =>
    async ({
      ack,
      body,
      action,
      respond,
    }: {
      ack: () => Promise<void>;
      body: BlockAction;
      action: ButtonAction;
      respond: (m: unknown) => Promise<unknown>;
    }) => {
      const acked = timed('action');
      await ack();
      acked();
      const say: Say = (text) => respond({ response_type: 'ephemeral', replace_original: false, text });
      try {
        const click = await clickOf(body, action, say);
        if (click) await handle(click, say, { triggerId: body.trigger_id, body });
      } catch (error) {
        logger.error({ err: error, action: action.action_id }, 'approval button failed');
        await say(
          'Something went wrong handling that click; nothing more was done. The card shows the real state.',
        ).catch(() => {});
      }
    };

  app.action<BlockAction<ButtonAction>>(
    APPROVAL_ACTIONS.approve,
    onButton((click, say) => approveOrReject(click, 'approve', undefined, say)) as never,
  );

  app.action<BlockAction<ButtonAction>>(
    APPROVAL_ACTIONS.reject,
    onButton(async (click, say, { triggerId, body }) => {
      if (click.request.state !== 'pending')
        return void (await say(`${stateSentence(click.request)} Nothing was recorded.`));
      await app.client.views.open({
        trigger_id: triggerId,
        view: rejectModal(click.request, {
          paramsHash: click.paramsHash,
          channelId: body.container?.channel_id ?? '',
          messageTs: body.container?.message_ts ?? '',
        }) as never,
      });
    }) as never,
  );

  app.view(REJECT_CALLBACK, async ({ ack, body, view, respond }) => {
    const rejection = rejectionFrom(view);
    if (!rejection.reason) {
      await ack({ response_action: 'errors', errors: { [rejection.reasonBlock]: 'Say why: the requester reads it.' } });
      return;
    }
    await ack();
    const actor = { userId: body.user.id, teamId: body.user.team_id ?? body.team?.id ?? '' };
    const say: Say = (text) =>
      respond
        ? respond({ response_type: 'ephemeral', text })
        : app.client.chat.postMessage({ channel: actor.userId, text });
    try {
      if (!(await isApprovalMessage(db, rejection.requestId, rejection.card)))
        return void (await say('That card is not one opsbot posted; nothing was recorded.'));
      const request = await getApprovalRequest(db, rejection.requestId);
      if (!request) return void (await say(`There is no approval request ${rejection.requestId}.`));
      const click = {
        requestId: request.id,
        paramsHash: rejection.paramsHash,
        actor,
        person: personOf(catalog, actor.userId),
        request,
        actionTs: undefined,
      };
      await approveOrReject(click, 'reject', rejection.reason, say);
    } catch (error) {
      logger.error({ err: error }, 'rejection failed');
    }
  });

  app.action<BlockAction<ButtonAction>>(
    APPROVAL_ACTIONS.cancel,
    onButton(async (click, say) => {
      let isApprover: boolean;
      try {
        isApprover =
          click.person !== click.request.requesterPerson &&
          (await eligibleFor(click.request)({ ...click.actor, person: click.person }));
      } catch (error) {
        return identityFailed(click, 'cancel', error, say);
      }
      const outcome = await cancel(db, {
        requestId: click.requestId,
        actor: click.actor,
        person: click.person,
        isApprover,
      });
      if (outcome.request && (outcome.kind === 'cancelled' || outcome.request.state !== click.request.state))
        await notifier.changed(outcome.request);
      if (outcome.kind === 'refused') await say(outcome.message);
    }) as never,
  );

  app.action<BlockAction<ButtonAction>>(
    APPROVAL_ACTIONS.acknowledge,
    onButton(async (click, say) => {
      if (click.person === click.request.requesterPerson)
        return void (await say('You made this break-glass change; another approver must review it.'));
      let eligible: boolean;
      try {
        eligible = await eligibleFor(click.request)({ ...click.actor, person: click.person });
      } catch (error) {
        return identityFailed(click, 'acknowledge', error, say);
      }
      if (!eligible) return void (await say('Only an approver for this service can acknowledge a break-glass review.'));
      const review = await acknowledgeReview(db, click.requestId, click.actor.userId, null);
      if (!review) return void (await say('This review was already acknowledged.'));
      await appendAudit(db, {
        actor: click.actor.userId,
        teamId: click.actor.teamId,
        kind: 'break_glass.acknowledged',
        command: click.request.command,
        environment: click.request.env,
        target: click.request.service,
        requestId: click.requestId,
        payload: { person: click.person, incident: click.request.incidentId },
      });
      await notifier.changed((await getApprovalRequest(db, click.requestId)) ?? click.request);
    }) as never,
  );
}
