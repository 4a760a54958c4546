/**
 * The Cancel button of one run. A click may land on any replica: it is recorded in PostgreSQL
 * (cancel-run.ts), and the replica doing the work polls for it while a cancellable step runs. A click on
 * the same replica also aborts at once through `live`.
 */
import type { Logger } from 'pino';
import { cancelRequestedBy, markCancellable, markFinished } from '../store/cancellable-runs.js';
import type { Db } from '../store/db.js';

export interface RunCancellation {
  /** Aborted on shutdown or Cancel. */
  signal: AbortSignal;
  /** Runs one cancellable step (a script, helm): the Cancel button works while it runs. */
  during<T>(work: () => Promise<T>): Promise<T>;
  /** Who pressed Cancel, once someone did. */
  cancelledBy(): string | undefined;
}

export interface RunCancellationOptions {
  db: Db;
  run: { runId: string; command: string; env: string | undefined; requester: string };
  parent: AbortSignal | undefined;
  /** Controllers of the runs on this replica, by run id. */
  live: Map<string, AbortController>;
  log: Logger;
  pollMs?: number;
}

export function createRunCancellation(o: RunCancellationOptions): RunCancellation {
  const controller = new AbortController();
  const signal = o.parent ? AbortSignal.any([o.parent, controller.signal]) : controller.signal;
  let by: string | undefined;
  const { runId } = o.run;

  const check = async () => {
    const requested = await cancelRequestedBy(o.db, runId);
    if (!requested) return;
    by = requested;
    if (!controller.signal.aborted) controller.abort();
  };

  return {
    signal,
    cancelledBy: () => by,
    async during(work) {
      await markCancellable(o.db, { ...o.run, environment: o.run.env });
      o.live.set(runId, controller);
      const timer = setInterval(() => {
        check().catch((err) => o.log.warn({ err }, 'could not read whether the run was cancelled'));
      }, o.pollMs ?? 1_000);
      try {
        return await work();
      } finally {
        clearInterval(timer);
        o.live.delete(runId);
        // The last word: a click just before the end still names who cancelled.
        await check().catch(() => {});
        await markFinished(o.db, runId).catch((err) => o.log.warn({ err }, 'could not mark the run finished'));
      }
    },
  };
}
