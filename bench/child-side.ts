/**
 * The served processes' half of the bench protocol. Each app runs in a process of its own so that the RSS
 * it reports is that app's alone, not the load generator's or the fake Slack's.
 *
 * - stdout: one line `{"bench":{...}}` once listening (other stdout lines are passed through by the parent);
 * - IPC `{type:'mem', gc?}` → `{raw, meanRss, rss, heapUsed, peakRss}` in bytes (`raw` before the GC, if one was
 *   asked for; `meanRss` since the previous ask), `cpuMs` and the event loop's active/idle ms so far;
 * - IPC `{type:'stop'}` → close and exit.
 */

// Sampled from the moment this module loads, so the peak includes start-up (registry, migrations, sandbox).
let peakRss = process.memoryUsage.rss();
// RSS swings by tens of MB with V8's heap cycles, so one reading says little: the mean since the last ask is steadier.
let sum = 0;
let samples = 0;
setInterval(() => {
  const rss = process.memoryUsage.rss();
  peakRss = Math.max(peakRss, rss);
  sum += rss;
  samples += 1;
}, 100).unref();

export interface BenchMessage {
  id: number;
  type: string;
  [key: string]: unknown;
}

export function serveBench(
  hello: Record<string, unknown>,
  stop: () => Promise<void>,
  answer: (message: BenchMessage) => unknown = () => ({}),
): void {
  process.on('message', (message: BenchMessage) => {
    if (message.type === 'stop') {
      void stop()
        .catch((error: unknown) => process.stderr.write(`stop failed: ${String(error)}\n`))
        .finally(() => process.exit(0));
      return;
    }
    let reply: unknown;
    if (message.type === 'mem') {
      const raw = process.memoryUsage.rss();
      peakRss = Math.max(peakRss, raw);
      const meanRss = samples > 0 ? sum / samples : raw;
      [sum, samples] = [0, 0];
      // After a full GC what is left is what the app holds on to: garbage not yet collected is noise that
      // hides (or fakes) growth. Needs --expose-gc, which the parent passes.
      if (message.gc) globalThis.gc?.();
      const { rss, heapUsed } = process.memoryUsage();
      const cpu = process.cpuUsage();
      const { active, idle } = performance.eventLoopUtilization();
      reply = {
        raw,
        meanRss,
        rss,
        heapUsed,
        peakRss,
        cpuMs: (cpu.user + cpu.system) / 1000,
        loopActive: active,
        loopIdle: idle,
      };
    } else reply = answer(message);
    process.send?.({ ...(reply as object), id: message.id });
  });
  // The parent died without stopping us: do not linger holding a port and a database schema's pool.
  process.on('disconnect', () => process.exit(0));
  process.stdout.write(`${JSON.stringify({ bench: hello })}\n`);
}
