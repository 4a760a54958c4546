/**
 * The scripts of one run: the script runner bound to the run's signal, its progress message (the last
 * lines, with a Cancel button) and the catalog's database URLs.
 */
import type { Catalog } from '../catalog.js';
import { OpsError } from '../errors.js';
import { databaseUrlOf } from '../runs/database-url.js';
import type { RunCancellation } from '../runs/run-cancellation.js';
import type { RunScripts } from '../runs/tool-ports.js';
import type { ScriptRunner } from './script-runner.js';

const SHOWN_LINES = 8;

export interface RunScriptsOptions {
  runner: ScriptRunner | undefined;
  catalog: Catalog;
  variable: (name: string) => string | undefined;
  cancellation: RunCancellation;
  /** The progress message; `cancellable` adds the Cancel button. */
  progress(text: string, cancellable: boolean): Promise<void>;
}

export function createRunScripts(o: RunScriptsOptions): RunScripts {
  return {
    async run(script, args, call = {}) {
      if (!o.runner) {
        throw new OpsError('config', 'Scripts are not available in this opsbot.', { hint: 'Set SCRIPTS_DIR.' });
      }
      const runner = o.runner;
      const secretValues = call.databaseOf
        ? { DATABASE_URL: databaseUrlOf(o.catalog, o.variable, call.databaseOf) }
        : undefined;
      const headline = call.progress;
      const lines: string[] = [];
      const show = () =>
        headline ? o.progress([headline, ...lines].join('\n'), true).catch(() => {}) : Promise.resolve();
      const options = {
        signal: o.cancellation.signal,
        ...(call.env ? { env: call.env } : {}),
        ...(call.secretEnv ? { secretEnv: call.secretEnv } : {}),
        ...(call.timeoutMs ? { timeoutMs: call.timeoutMs } : {}),
        ...(secretValues ? { secretValues } : {}),
        ...(headline
          ? {
              onLine: (line: string) => {
                lines.push(line.slice(0, 300));
                if (lines.length > SHOWN_LINES) lines.shift();
                void show();
              },
            }
          : {}),
      };
      const execute = async () => {
        await show();
        return runner.run(script, args, options);
      };
      const result = headline ? await o.cancellation.during(execute) : await runner.run(script, args, options);
      const by = o.cancellation.cancelledBy();
      return result.cancelled && by ? { ...result, cancelledBy: by } : result;
    },
  };
}
