/**
 * The /ops slash command, the command modal and its picker. Every interaction
 * is acknowledged first; slow work continues after the ack, well inside
 * Slack's 3 seconds.
 */
import type { App } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import type { Engine, RunRequest } from '../runs/engine.js';
import { ArgumentProblems } from '../runs/parse-request.js';
import { registerCancelRunAction } from './cancel-run-action.js';
import {
  buildCommandModal,
  fieldErrors,
  MODAL_CALLBACK,
  type ModalMetadata,
  PICK_ACTION,
  PICK_BLOCK,
  tokensFromState,
} from './command-modal.js';
import { respondVia } from './post-to-response-url.js';
import { RUN_ACTION_PREFIX, type SlackMessage } from './render-outcome.js';
import { createSlackReplies } from './slack-replies.js';

export interface OpsListenerOptions {
  engine: Engine;
  logger: Logger;
  observeAck?: (kind: string, seconds: number) => void;
  /** Commands typed with nothing after them that open their own modal instead (e.g. "incident declare"). */
  modals?: Record<string, (open: { channelId: string; userId: string }) => Record<string, unknown>>;
}

export function registerOpsListeners(app: App, options: OpsListenerOptions): void {
  const { engine, logger } = options;
  const timer = (kind: string) => {
    const started = process.hrtime.bigint();
    return () => options.observeAck?.(kind, Number(process.hrtime.bigint() - started) / 1e9);
  };
  // Every path that runs a command from Slack: the same replies, the same pipeline.
  const runAs = (
    client: WebClient,
    request: RunRequest & { channelId: string },
    respond?: (message: SlackMessage & { response_type: 'ephemeral' | 'in_channel' }) => Promise<unknown>,
  ) =>
    engine.run(
      request,
      createSlackReplies({
        client,
        catalog: engine.deps.catalog,
        logger,
        userId: request.actor.userId,
        channelId: request.channelId,
        ...(respond ? { respond } : {}),
      }),
    );

  app.command('/ops', async ({ command, ack, client }) => {
    const acked = timer('command');
    const text = command.text.trim();
    if (!text) {
      await ack();
      acked();
      const view = buildCommandModal(engine.deps.registry.commands, engine.deps.catalog, {
        channelId: command.channel_id,
      });
      await client.views.open({ trigger_id: command.trigger_id, view: view as never });
      return;
    }
    const modal = options.modals?.[text.toLowerCase().replace(/\s+/g, ' ')];
    if (modal) {
      await ack();
      acked();
      const view = modal({ channelId: command.channel_id, userId: command.user_id });
      await client.views.open({ trigger_id: command.trigger_id, view: view as never });
      return;
    }
    await ack();
    acked();
    const actor = { userId: command.user_id, teamId: command.team_id };
    // Every command answers here: keep-alive http rather than Bolt's respond() over fetch (post-to-response-url.ts).
    const respond = respondVia(command.response_url);
    await runAs(client, { text, actor, channelId: command.channel_id, source: 'slack' }, respond);
  });

  app.action({ action_id: PICK_ACTION }, async ({ ack, body, action, client }) => {
    const acked = timer('action');
    await ack();
    acked();
    if (body.type !== 'block_actions' || !body.view) return;
    const meta = JSON.parse(body.view.private_metadata || '{}') as ModalMetadata;
    const picked = action.type === 'static_select' ? action.selected_option?.value : undefined;
    const view = buildCommandModal(engine.deps.registry.commands, engine.deps.catalog, {
      channelId: meta.channelId,
      ...(picked ? { command: picked } : {}),
    });
    await client.views.update({ view_id: body.view.id, hash: body.view.hash, view: view as never });
  });

  app.view(MODAL_CALLBACK, async ({ ack, body, view, client }) => {
    const acked = timer('view');
    const meta = JSON.parse(view.private_metadata || '{}') as ModalMetadata;
    const { command, tokens } = tokensFromState(view.state.values as Parameters<typeof tokensFromState>[0]);
    if (!command) {
      await ack({ response_action: 'errors', errors: { [PICK_BLOCK]: 'Choose a command.' } });
      return acked();
    }
    if (command !== meta.command) {
      // The picker changed without its fields being shown yet: show them instead of running.
      const next = buildCommandModal(engine.deps.registry.commands, engine.deps.catalog, {
        channelId: meta.channelId,
        command,
      });
      await ack({ response_action: 'update', view: next as never });
      return acked();
    }
    const request = {
      text: [
        command,
        ...tokens.map((t) =>
          t.kind === 'flag' ? `--${t.name}${t.value !== undefined ? `=${t.value}` : ''}` : t.value,
        ),
      ].join(' '),
      form: { command, tokens },
      actor: { userId: body.user.id, teamId: body.user.team_id ?? body.team?.id ?? '' },
      channelId: meta.channelId,
      source: 'modal' as const,
    };
    try {
      await engine.parse(request);
    } catch (error) {
      if (error instanceof ArgumentProblems) {
        const errors = fieldErrors(error.problems);
        const known = Object.keys(errors).filter((id) => view.blocks.some((b) => b.block_id === id));
        if (known.length > 0) {
          await ack({
            response_action: 'errors',
            errors: Object.fromEntries(known.map((id) => [id, errors[id] as string])),
          });
          return acked();
        }
      }
    }
    await ack();
    acked();
    await runAs(client, request);
  });

  // A next-step button: the command text is parsed, authorized and audited again, as the person who clicked.
  app.action({ action_id: new RegExp(`^${RUN_ACTION_PREFIX}`) }, async ({ ack, body, action, client, respond }) => {
    const acked = timer('action');
    await ack();
    acked();
    if (body.type !== 'block_actions' || action.type !== 'button' || !action.value) return;
    const channelId = body.channel?.id ?? body.container?.channel_id ?? body.user.id;
    const actor = { userId: body.user.id, teamId: body.user.team_id ?? body.team?.id ?? '' };
    await runAs(client, { text: action.value, actor, channelId, source: 'slack' }, (m) => respond(m as never));
  });

  registerCancelRunAction(app, { engine, logger });

  app.error(async (error) => {
    logger.error({ err: error }, 'unhandled error in a Slack listener');
  });
}
