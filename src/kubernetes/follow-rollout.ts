/**
 * After a change, follow the rollout and turn how it ended into the command's
 * result: complete, failed (progress deadline) or still going at the timeout —
 * with a Roll back button whenever it did not complete.
 */
import type { CommandResult, RunContext } from '../define.js';
import { isOpsError } from '../errors.js';
import type { RolloutResult, Target } from './cluster.js';

export const DEFAULT_ROLLOUT_TIMEOUT_MS = 5 * 60_000;

export async function followRollout(
  ctx: RunContext,
  target: Target,
  done: string,
  options: { timeoutMs?: number; rollbackOffered?: boolean } = {},
): Promise<CommandResult> {
  const what = `${target.service} in ${target.env}`;
  const rollback =
    options.rollbackOffered !== false
      ? {
          actions: [
            { label: 'Roll back', command: `rollback ${target.service} ${target.env}`, style: 'danger' as const },
          ],
        }
      : {};
  const next = `Check /ops status ${target.service} ${target.env} and /ops diagnose ${target.service} ${target.env}${options.rollbackOffered !== false ? ', or roll back' : ''}.`;
  let result: RolloutResult;
  try {
    result = await ctx.k8s.waitForRollout(target, {
      signal: ctx.signal,
      timeoutMs: options.timeoutMs ?? DEFAULT_ROLLOUT_TIMEOUT_MS,
      onProgress: (message) => ctx.progress(`${what}: ${message}`),
    });
  } catch (error) {
    // The change is made; only watching it failed. Say so rather than let it look like nothing happened.
    const why = isOpsError(error) ? error.userMessage : String(error);
    return {
      summary: `${done}, but opsbot could not follow the rollout: ${why}`,
      details: next,
      ok: false,
      ...rollback,
    };
  }
  const s = result.status;
  const details = `replicas: desired ${s.desiredReplicas}, updated ${s.updatedReplicas}, ready ${s.readyReplicas}, available ${s.availableReplicas}; revision ${s.revision}`;
  if (result.outcome === 'complete') return { summary: `${done}; rollout complete`, details };
  const headline =
    result.outcome === 'failed'
      ? `${done}, but the rollout FAILED: ${result.message}`
      : result.outcome === 'cancelled'
        ? `${done}; stopped following the rollout: ${result.message}`
        : `${done}, but the rollout is not done: ${result.message}`;
  return { summary: headline, details: `${details}\n${next}`, ok: false, ...rollback };
}
