/**
 * The one place that turns any error into what the user reads. Known errors
 * carry their message and hint; anything else gets a generic message with the
 * run id so an operator can find the log line.
 */
import type { Logger } from 'pino';
import { isOpsError } from '../errors.js';
import type { Outcome } from './outcome.js';

const SLACK_SETTINGS: Record<string, string> = {
  invalid_auth: 'Slack refused the bot token: check SLACK_BOT_TOKEN.',
  not_authed: 'Slack refused the bot token: check SLACK_BOT_TOKEN.',
  token_revoked: 'The bot token was revoked: reinstall the app and update SLACK_BOT_TOKEN.',
  missing_scope: 'The Slack app lacks a scope: reinstall it from slack-app-manifest.yaml.',
};

export function errorOutcome(
  error: unknown,
  runId: string,
  sandbox: boolean,
  log: Logger,
): Outcome & { kind: 'error' } {
  if (isOpsError(error)) {
    log.info({ code: error.code, err: error.message }, 'run refused');
    return {
      kind: 'error',
      runId,
      sandbox,
      code: error.code,
      message: error.userMessage,
      ...(error.hint ? { hint: error.hint } : {}),
    };
  }
  const slackCode = (error as { data?: { error?: string } })?.data?.error;
  if (slackCode && SLACK_SETTINGS[slackCode]) {
    log.error({ err: error }, 'slack rejected a call');
    return { kind: 'error', runId, sandbox, code: 'slack_unavailable', message: SLACK_SETTINGS[slackCode] };
  }
  log.error({ err: error }, 'run failed unexpectedly');
  return {
    kind: 'error',
    runId,
    sandbox,
    code: 'internal',
    message: `Something went wrong inside opsbot (run ${runId}). Nothing further was done.`,
    hint: `Ask the opsbot operators to look up run ${runId} in the logs.`,
  };
}
