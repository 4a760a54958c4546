/** A tiny time-bounded cache for directory lookups (user groups, user info). */
export class TtlCache<V> {
  private readonly entries = new Map<string, { value: Promise<V>; expires: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  get(key: string, load: () => Promise<V>): Promise<V> {
    const hit = this.entries.get(key);
    if (hit && hit.expires > this.now()) return hit.value;
    const value = load();
    this.entries.set(key, { value, expires: this.now() + this.ttlMs });
    // A failed lookup must not be cached: the next request asks again.
    value.catch(() => this.entries.delete(key));
    if (this.entries.size > 5_000) this.entries.delete(this.entries.keys().next().value as string);
    return value;
  }
}
