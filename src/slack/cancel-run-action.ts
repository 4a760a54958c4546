/**
 * The Cancel button on the progress message of a running script or helm rollback. The click is
 * acknowledged at once; the engine records it in PostgreSQL (any replica may have received it), audits it,
 * and the replica running the work stops the process group. The clicker gets a short ephemeral answer;
 * everyone sees the run's outcome say it was cancelled, and by whom.
 */
import type { App } from '@slack/bolt';
import type { Logger } from 'pino';
import type { Engine } from '../runs/engine.js';

export const CANCEL_RUN_ACTION = 'ops_cancel_run';

export function cancelBlock(runId: string): Record<string, unknown> {
  return {
    type: 'actions',
    block_id: `cancel_${runId}`,
    elements: [
      {
        type: 'button',
        action_id: CANCEL_RUN_ACTION,
        text: { type: 'plain_text', text: 'Cancel' },
        style: 'danger',
        value: runId,
        confirm: {
          title: { type: 'plain_text', text: 'Cancel this run?' },
          text: { type: 'plain_text', text: 'The script is stopped where it is; what it already did stays done.' },
          confirm: { type: 'plain_text', text: 'Stop it' },
          deny: { type: 'plain_text', text: 'Keep running' },
        },
      },
    ],
  };
}

export function registerCancelRunAction(app: App, options: { engine: Engine; logger: Logger }): void {
  app.action({ action_id: CANCEL_RUN_ACTION }, async ({ ack, body, action, respond }) => {
    await ack();
    if (body.type !== 'block_actions' || action.type !== 'button' || !action.value) return;
    const actor = { userId: body.user.id, teamId: body.user.team_id ?? body.team?.id ?? '' };
    try {
      const answer = await options.engine.cancel(action.value, actor);
      await respond({ response_type: 'ephemeral', replace_original: false, text: answer.message });
    } catch (error) {
      options.logger.error({ err: error, runId: action.value }, 'cancel failed');
      await respond({
        response_type: 'ephemeral',
        replace_original: false,
        text: `Could not cancel run ${action.value}; it may still be running. Try again in a moment.`,
      }).catch(() => {});
    }
  });
}
