/**
 * Runs runbook scripts from under SCRIPTS_DIR with execa: argv array, never a shell; only allow-listed
 * environment variables; working directory SCRIPTS_DIR; a timeout and an AbortSignal that stop the whole
 * process group; output streamed line by line and redacted. A non-zero exit is data, not an exception:
 * the command decides whether it is a failure.
 */
import type { Logger } from 'pino';
import { createRedactor, type Redactor } from '../redact/redact.js';
import { createOutputCollector, type OutputStream } from './collect-output.js';
import { createGroupRegistry } from './process-group.js';
import { resolveScript } from './resolve-script.js';
import { buildScriptEnv, urlPassword } from './script-env.js';
import { type GroupExit, spawnInGroup } from './spawn-in-group.js';

export interface ScriptRunOptions {
  /** Shutdown or the Cancel button: stops the process group like the timeout does. */
  signal?: AbortSignal;
  /** Default 10 minutes. */
  timeoutMs?: number;
  /** Names of the variables passed through, besides PATH, HOME and LANG. */
  env?: readonly string[];
  /** Names of variables passed through whose values are redacted from every line and the log. */
  secretEnv?: readonly string[];
  /** Variables set to these values (e.g. an environment's DATABASE_URL), redacted like secretEnv. */
  secretValues?: Readonly<Record<string, string>>;
  /** Each line of stdout and stderr as it arrives, already redacted. */
  onLine?: (line: string, stream: OutputStream) => void;
}

export interface ScriptResult {
  script: string;
  /** undefined when the script was killed by a signal or never started (cancelled before). */
  exitCode: number | undefined;
  signal: string | undefined;
  timedOut: boolean;
  cancelled: boolean;
  durationMs: number;
  /** stdout and stderr interleaved as they arrived, redacted; capped (see outputTruncated). */
  output: string;
  outputTruncated: boolean;
  /** The last lines (20 by default), redacted: what a failed run shows. */
  excerpt: string;
  /** Exit code 0, neither timed out nor cancelled. */
  ok: boolean;
}

export interface ScriptRunner {
  run(script: string, args: readonly string[], options?: ScriptRunOptions): Promise<ScriptResult>;
}

export interface ScriptRunnerOptions {
  scriptsDir: string;
  /** Reads one environment variable (Config.variable). */
  env: (name: string) => string | undefined;
  /** Redacts opsbot's own secrets and token shapes; run adds the values of `secretEnv`. */
  redact: Redactor;
  logger: Logger;
  /** Between SIGTERM and SIGKILL when stopping a script; default 5 s. */
  killGraceMs?: number;
  /** Default 5 MiB. */
  maxOutputBytes?: number;
  /** Default 20. */
  excerptLines?: number;
}

export const DEFAULT_SCRIPT_TIMEOUT_MS = 10 * 60_000;

export function createScriptRunner(runner: ScriptRunnerOptions): ScriptRunner {
  const killGraceMs = runner.killGraceMs ?? 5_000;
  const groups = createGroupRegistry();

  return {
    async run(script, args, options = {}) {
      const { file, root } = await resolveScript(runner.scriptsDir, script);
      const { env, secretValues } = buildScriptEnv(runner.env, options.env ?? [], options.secretEnv ?? []);
      for (const [name, value] of Object.entries(options.secretValues ?? {})) {
        env[name] = value;
        secretValues.push(value, ...urlPassword(value));
      }
      const secrets = createRedactor(secretValues);
      const redact = (text: string) => runner.redact(secrets(text));
      const log = runner.logger.child({ script });
      const collector = createOutputCollector({
        redact,
        onLine: options.onLine,
        maxBytes: runner.maxOutputBytes ?? 5 * 1024 * 1024,
        excerptLines: runner.excerptLines ?? 20,
        onLineError: (err) => log.warn({ err }, 'onLine failed; the run goes on without streaming its output'),
      });
      const started = performance.now();
      // Cancelled before it started (the Cancel button during approval, shutdown): it never runs.
      const exit: GroupExit = options.signal?.aborted
        ? { exitCode: undefined, signal: undefined, timedOut: false, cancelled: true }
        : await spawnInGroup(file, args, {
            name: script,
            cwd: root,
            env,
            timeoutMs: options.timeoutMs ?? DEFAULT_SCRIPT_TIMEOUT_MS,
            signal: options.signal,
            killGraceMs,
            groups,
            onOutput: (chunk, stream) => collector.write(chunk, stream),
            onLeftovers: () => log.warn('the script exited leaving processes running; they were stopped'),
          });

      collector.end('stdout');
      collector.end('stderr');
      const durationMs = Math.round(performance.now() - started);
      const ok = exit.exitCode === 0 && !exit.timedOut && !exit.cancelled;
      const outcome = { ...exit, durationMs };
      log[ok ? 'info' : 'warn']({ args: args.map(redact), ...outcome }, 'script finished');
      return { script, ...outcome, ...collector.result(), ok };
    },
  };
}
