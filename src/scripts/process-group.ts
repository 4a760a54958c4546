/**
 * Scripts run detached, as leaders of their own process group, so that stopping one stops everything
 * it started (`sleep 1000 &`, subshells, pipelines). execa 9's `timeout`, `cancelSignal` and
 * `forceKillAfterDelay` signal only the direct child: grandchildren would survive and, holding the
 * stdout pipe, keep the run from ever finishing.
 */

/** Sends a signal to the whole group; false when no process of the group is left. */
export function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw error;
  }
}

/** SIGTERM now, SIGKILL after the grace period to whatever is still there. Returns whether any process was signalled. */
export function terminateGroup(pgid: number, graceMs: number): boolean {
  if (!signalGroup(pgid, 'SIGTERM')) return false;
  setTimeout(() => signalGroup(pgid, 'SIGKILL'), graceMs);
  return true;
}

/**
 * Groups still running when opsbot itself exits are killed: detached groups outlive their parent
 * otherwise (which is why execa skips its own `cleanup` for detached subprocesses).
 */
export function createGroupRegistry() {
  const live = new Set<number>();
  const killAll = () => {
    for (const pgid of live) signalGroup(pgid, 'SIGKILL');
  };
  return {
    add(pgid: number) {
      if (live.size === 0) process.on('exit', killAll);
      live.add(pgid);
    },
    delete(pgid: number) {
      live.delete(pgid);
      if (live.size === 0) process.off('exit', killAll);
    },
  };
}

export type GroupRegistry = ReturnType<typeof createGroupRegistry>;
