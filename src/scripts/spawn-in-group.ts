/**
 * Starts one script with execa as the leader of its own process group and supervises it: the timeout
 * and the AbortSignal stop the whole group, processes left behind at exit are stopped too, and a
 * process that escaped the group cannot keep the run open by holding the pipes.
 */
import { execa } from 'execa';
import { OpsError } from '../errors.js';
import type { OutputStream } from './collect-output.js';
import { type GroupRegistry, terminateGroup } from './process-group.js';

export interface SpawnInGroupOptions {
  /** The script as the command names it, for messages. */
  name: string;
  cwd: string;
  env: Record<string, string>;
  timeoutMs: number;
  signal: AbortSignal | undefined;
  killGraceMs: number;
  groups: GroupRegistry;
  onOutput(chunk: Buffer, stream: OutputStream): void;
  /** The script exited and processes of its group were still running (they are being stopped). */
  onLeftovers(): void;
}

export interface GroupExit {
  exitCode: number | undefined;
  signal: string | undefined;
  timedOut: boolean;
  cancelled: boolean;
}

export async function spawnInGroup(file: string, args: readonly string[], o: SpawnInGroupOptions): Promise<GroupExit> {
  const subprocess = execa(file, [...args], {
    cwd: o.cwd,
    env: o.env,
    extendEnv: false,
    shell: false,
    detached: true, // leader of a new process group, so the group can be killed as a whole
    stdin: 'ignore',
    buffer: false, // the caller keeps a capped, redacted copy instead
    reject: false, // a non-zero exit is data
  });
  const pgid = subprocess.pid;
  const state = { timedOut: false, cancelled: false, exited: false };
  const stop = (reason: 'timedOut' | 'cancelled') => {
    if (state.exited || state.timedOut || state.cancelled || pgid === undefined) return;
    state[reason] = true;
    terminateGroup(pgid, o.killGraceMs);
  };
  const timer = setTimeout(() => stop('timedOut'), o.timeoutMs);
  const onAbort = () => stop('cancelled');
  o.signal?.addEventListener('abort', onAbort, { once: true });
  let streamsDeadline: NodeJS.Timeout | undefined;
  if (pgid !== undefined) o.groups.add(pgid);

  subprocess.stdout?.on('data', (chunk: Buffer) => o.onOutput(chunk, 'stdout'));
  subprocess.stderr?.on('data', (chunk: Buffer) => o.onOutput(chunk, 'stderr'));
  subprocess.on('exit', () => {
    if (pgid === undefined) return;
    // Background processes left behind would hold stdout open, and the run would never end.
    if (!state.timedOut && !state.cancelled && terminateGroup(pgid, o.killGraceMs)) o.onLeftovers();
    state.exited = true;
    // A process that left the group (setsid) may still hold the pipes: stop reading after the grace period.
    streamsDeadline = setTimeout(() => {
      subprocess.stdout?.destroy();
      subprocess.stderr?.destroy();
    }, o.killGraceMs + 1_000);
  });

  const result = await subprocess;
  clearTimeout(timer);
  clearTimeout(streamsDeadline);
  o.signal?.removeEventListener('abort', onAbort);
  if (pgid !== undefined) o.groups.delete(pgid);
  if (pgid === undefined || (result.failed && result.exitCode === undefined && result.signal === undefined)) {
    const code = (result.cause as NodeJS.ErrnoException | undefined)?.code ?? result.shortMessage;
    // The file was checked just before: ENOENT from exec means the #! interpreter is missing.
    const why = code === 'ENOENT' ? ' (the interpreter named on its #! line was not found)' : '';
    throw new OpsError('script_failed', `Could not start script ${JSON.stringify(o.name)}: ${code}${why}`, {
      hint: 'Check its #! line and that the interpreter it names is installed.',
      cause: result.cause ?? result,
    });
  }
  return { exitCode: result.exitCode, signal: result.signal, timedOut: state.timedOut, cancelled: state.cancelled };
}
