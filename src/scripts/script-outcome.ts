/** Turns a script run that did not succeed into the result a user sees: what happened and its last lines. */
import type { CommandResult } from '../define.js';
import type { ScriptRun } from '../runs/tool-ports.js';

const seconds = (ms: number) => (ms < 10_000 ? `${(ms / 1000).toFixed(1)}s` : `${Math.round(ms / 1000)}s`);

/** "failed (exit 2)", "timed out after 600s", "cancelled by <@U…> after 4.2s". */
export function howItEnded(run: ScriptRun): string {
  if (run.cancelled)
    return `cancelled${run.cancelledBy ? ` by <@${run.cancelledBy}>` : ''} after ${seconds(run.durationMs)}`;
  if (run.timedOut) return `timed out after ${seconds(run.durationMs)}`;
  if (run.exitCode === undefined) return `was killed by ${run.signal ?? 'a signal'}`;
  return run.exitCode === 0 ? `succeeded in ${seconds(run.durationMs)}` : `failed (exit ${run.exitCode})`;
}

/** A failed run: the headline says how it ended, the details are the last lines of its output. */
export function scriptFailed(what: string, run: ScriptRun): CommandResult {
  return {
    summary: `${what} ${howItEnded(run)}`,
    details: run.excerpt ? `last lines of ${run.script}:\n${run.excerpt}` : `${run.script} printed nothing`,
    ok: false,
  };
}
