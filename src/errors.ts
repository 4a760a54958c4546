/**
 * Every error a user can act on is an OpsError with a code from a closed set.
 * `userMessage` says what was wrong, `hint` what to type instead. One place
 * (src/runs/report-error.ts) turns any error into the reply a user sees.
 */
export type OpsErrorCode =
  | 'usage' // bad verb, argument, service or environment
  | 'forbidden' // the user lacks the role
  | 'not_found' // the target does not exist
  | 'refused' // the engine will not do this (e.g. production mutation without approval)
  | 'approval_expired'
  | 'target_locked'
  | 'k8s_conflict'
  | 'k8s_error'
  | 'script_failed'
  | 'slack_unavailable'
  | 'config'; // configuration or catalog problem at start

export class OpsError extends Error {
  readonly code: OpsErrorCode;
  readonly userMessage: string;
  readonly hint: string | undefined;

  constructor(code: OpsErrorCode, userMessage: string, options: { hint?: string; cause?: unknown } = {}) {
    super(userMessage, { cause: options.cause });
    this.name = 'OpsError';
    this.code = code;
    this.userMessage = userMessage;
    this.hint = options.hint;
  }
}

export const usageError = (message: string, hint?: string) => new OpsError('usage', message, { hint });

export function isOpsError(error: unknown): error is OpsError {
  return error instanceof OpsError;
}
