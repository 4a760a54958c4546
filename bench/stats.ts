/** The numbers the bench reports, and the table it prints. */

export interface AppResult {
  app: string;
  requests: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  /** Completed requests per second over the measured phase. */
  throughput: number;
  /** CPU time (user + system) of the app's process per measured command, background work included. */
  cpuMsPerCommand: number;
  errors: number;
  capped: number;
  maxLagMs: number;
  /** Idle, just after start: the footprint before any request. */
  startRssMb: number;
  peakRssMb: number;
  finalRssMb: number;
  /** Share of time the app's event loop was busy during its blocks: near 1, acks queue behind other work. */
  loopBusy: number;
  /**
   * Per block of requests: its ack p99 and event-loop load; RSS at its end and its mean over the block (one reading
   * swings with V8's heap cycles); the heap after a full GC at its end (what the app holds on to).
   */
  blocks: Array<{ requests: number; p99: number; loopBusy: number; rssMb: number; meanRssMb: number; heapMb: number }>;
  /** Least-squares slopes of mean RSS and heap after GC over the second half's blocks, MB per 1,000 requests. */
  rssSlope: number | null;
  heapSlope: number | null;
  responseUrl: {
    expected: number;
    answered: number;
    rejected: number;
    violations: number;
    lastAfterAckMs: number;
    /** The text of the first answers. */
    samples: string[];
  };
}

export const MB = 1024 * 1024;

/** Nearest-rank percentile of ascending `sorted`. */
export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? Number.NaN;
}

export function slopePer1k(points: ReadonlyArray<{ x: number; y: number }>): number | null {
  if (points.length < 2) return null;
  const mx = points.reduce((s, p) => s + p.x, 0) / points.length;
  const my = points.reduce((s, p) => s + p.y, 0) / points.length;
  const sxy = points.reduce((s, p) => s + (p.x - mx) * (p.y - my), 0);
  const sxx = points.reduce((s, p) => s + (p.x - mx) ** 2, 0);
  return (sxy / sxx) * 1000;
}

const f = (n: number | null, digits = 1) => (n === null || Number.isNaN(n) ? 'n/a' : n.toFixed(digits));
const signed = (n: number | null) => (n === null ? 'n/a' : `${n >= 0 ? '+' : ''}${n.toFixed(2)}`);

export function table(results: readonly AppResult[]): string {
  const head = [
    'app',
    'p50 ms',
    'p95 ms',
    'p99 ms',
    'max ms',
    'req/s',
    'CPU ms/cmd',
    'loop busy',
    'start RSS MB',
    'peak RSS MB',
    'final RSS MB',
    'RSS MB/1k cmd',
    'errors',
  ];
  const rows = results.map((r) => [
    r.app,
    f(r.p50, 2),
    f(r.p95, 2),
    f(r.p99, 2),
    f(r.max, 1),
    f(r.throughput, 1),
    f(r.cpuMsPerCommand, 2),
    `${(r.loopBusy * 100).toFixed(0)}%`,
    f(r.startRssMb),
    f(r.peakRssMb),
    f(r.finalRssMb),
    signed(r.rssSlope),
    String(r.errors),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  return [line(head), ...rows.map(line)].join('\n');
}
