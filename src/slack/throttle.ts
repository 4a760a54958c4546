/**
 * Keeps only the latest value and delivers it at most once per interval, so a
 * chatty rollout edits its progress message within Slack's rate limits
 * (chat.update is Tier 3, about 50 a minute). `flush` delivers what is pending.
 */
export function throttleLatest(deliver: (value: string) => Promise<void>, intervalMs: number) {
  let pending: string | undefined;
  let last = 0;
  let timer: NodeJS.Timeout | undefined;
  let chain: Promise<void> = Promise.resolve();

  const run = () => {
    timer = undefined;
    if (pending === undefined) return chain;
    const value = pending;
    pending = undefined;
    last = Date.now();
    chain = chain.then(() => deliver(value)).catch(() => {});
    return chain;
  };

  return {
    push(value: string): Promise<void> {
      pending = value;
      const wait = last + intervalMs - Date.now();
      if (wait <= 0) return run();
      timer ??= setTimeout(run, wait);
      return Promise.resolve();
    },
    flush(): Promise<void> {
      if (timer) clearTimeout(timer);
      return run();
    },
  };
}
