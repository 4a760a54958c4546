/**
 * What a run produces, before any front end renders it. Slack turns outcomes
 * into Block Kit (src/slack/render-outcome.ts), the console into text.
 */
import type { CommandResult, Plan } from '../define.js';

interface OutcomeBase {
  runId: string;
  /** True when the target is the sandbox cluster: every rendering says SANDBOX. */
  sandbox: boolean;
}

export type Outcome =
  | (OutcomeBase & {
      kind: 'result';
      command: string;
      env?: string;
      result: CommandResult;
      /** Read-only answers go to the requester; results of changes to the channel. */
      audience: 'requester' | 'channel';
    })
  | (OutcomeBase & { kind: 'plan'; command: string; env?: string; plan: Plan; reason: 'dry-run' })
  | (OutcomeBase & { kind: 'error'; code: string; message: string; hint?: string });

/** A change is about to run: front ends announce it where its outcome will appear. */
export interface RunStarted {
  runId: string;
  sandbox: boolean;
  command: string;
  env?: string;
  plan: Plan;
}

/** Where a run talks back to the person who asked: a front end implements it per request. */
export interface Replies {
  /** Called once before a change runs (not for read-only commands). */
  started?(run: RunStarted): Promise<void>;
  send(outcome: Outcome): Promise<void>;
  /** Edit the run's single progress message; with cancelRunId it carries a Cancel button for that run. */
  progress(text: string, options?: { cancelRunId?: string }): Promise<void>;
}
