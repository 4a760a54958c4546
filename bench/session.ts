/**
 * One app under test, as the bench drives it: blocks of load, then a settle until opsbot has answered every
 * command on its response_url, then a memory reading (after a full GC) and the event loop's load for the block.
 */
import { randomBytes } from 'node:crypto';
import type { Child } from './children.js';
import { runLoad } from './load.js';
import { type AppResult, MB, percentile, slopePer1k } from './stats.js';

export type Served = Child<{ port: number }>;
export type FakeSlack = Child<{ url: string; origin: string; kubeconfig: string }>;
type ResponseStats = { answered: number; rejected: number; violations: number; lastAt: number } & {
  firstRejected?: string;
  samples: string[];
};

/** What every block sends: the same for both apps. */
export interface Plan {
  signingSecret: string;
  rate: number;
  concurrency: number;
  texts: readonly string[];
  warmup: number;
}

/** One app under test: its process, and what its blocks of load have measured so far. */
export interface Session {
  plan: Plan;
  app: string;
  served: Served;
  url: string;
  /** response_url ids of this app start with it, so the fake Slack can count its answers. */
  prefix: string;
  sent: number;
  latenciesMs: number[];
  errors: string[];
  elapsedMs: number;
  capped: number;
  maxLagMs: number;
  startRssMb: number;
  /** CPU the app had used when the measured blocks began. */
  cpuStartMs: number;
  /** Date.now() when the last block's last ack came. */
  lastAckAt: number;
  blocks: AppResult['blocks'];
}

type Mem = { raw: number; meanRss: number; rss: number; heapUsed: number; peakRss: number; cpuMs: number } & {
  loopActive: number;
  loopIdle: number;
};

export async function openSession(plan: Plan, app: string, served: Served): Promise<Session> {
  const mem = await served.ask<Mem>('mem');
  const prefix = `T01OPSTEAM/${app.replace(/\W/g, '')}${Date.now().toString(36)}-`;
  const url = `http://127.0.0.1:${served.hello.port}/slack/events`;
  const s = {
    plan,
    app,
    served,
    url,
    prefix,
    sent: 0,
    latenciesMs: [],
    errors: [],
    elapsedMs: 0,
    capped: 0,
    maxLagMs: 0,
  };
  return { ...s, startRssMb: mem.rss / MB, cpuStartMs: 0, lastAckAt: 0, blocks: [] };
}

/** Sends `count` commands to the session's app; `measured` false is warm-up (only errors are kept). */
export async function runBlock(s: Session, slack: FakeSlack, count: number, measured: boolean): Promise<void> {
  const first = s.sent;
  s.sent += count;
  const before = await s.served.ask<Mem>('mem');
  const load = await runLoad({
    url: s.url,
    ...s.plan,
    count,
    responseUrl: (i) => `${slack.hello.origin}/response/${s.prefix}${first + i}/${randomBytes(8).toString('hex')}`,
  });
  s.lastAckAt = Date.now();
  s.errors.push(...load.errors);
  s.capped += load.capped;
  s.maxLagMs = Math.max(s.maxLagMs, load.maxLagMs);
  // opsbot works on after each ack; let it finish, so that work neither spills into the other app's block
  // nor counts as memory held at the block's end.
  await settle(s, slack);
  if (!measured) {
    s.cpuStartMs = (await s.served.ask<Mem>('mem')).cpuMs;
    return;
  }
  s.latenciesMs.push(...load.latenciesMs);
  s.elapsedMs += load.elapsedMs;
  const m = await s.served.ask<Mem>('mem', { gc: true });
  const p99 = percentile(
    load.latenciesMs.sort((a, b) => a - b),
    0.99,
  );
  const active = m.loopActive - before.loopActive;
  const loopBusy = active / (active + m.loopIdle - before.loopIdle);
  const requests = s.sent - s.plan.warmup;
  s.blocks.push({ requests, p99, rssMb: m.raw / MB, meanRssMb: m.meanRss / MB, heapMb: m.heapUsed / MB, loopBusy });
}

/** Waits until every command sent to opsbot is answered on its response_url, or 5 s pass with no progress. */
async function settle(s: Session, slack: FakeSlack): Promise<ResponseStats> {
  const expected = s.app === 'opsbot' ? s.sent : 0;
  let stats = await slack.ask<ResponseStats>('stats', { prefix: s.prefix });
  for (let last = -1, still = Date.now(); stats.answered < expected && Date.now() - still < 5_000; ) {
    if (stats.answered !== last) [last, still] = [stats.answered, Date.now()];
    await new Promise((resolve) => setTimeout(resolve, 100));
    stats = await slack.ask<ResponseStats>('stats', { prefix: s.prefix });
  }
  return stats;
}

/** Sums a session up; the response_url counts show commands opsbot acked but silently never answered. */
export async function finish(s: Session, slack: FakeSlack): Promise<AppResult> {
  const expected = s.app === 'opsbot' ? s.sent : 0;
  const stats = await settle(s, slack);
  const mem = await s.served.ask<Mem>('mem');
  for (const error of s.errors.slice(0, 10)) console.error(`  ${s.app} error: ${error}`);
  if (stats.firstRejected) console.error(`  ${s.app}: a response_url post was refused: ${stats.firstRejected}`);
  const sorted = s.latenciesMs.sort((a, b) => a - b);
  const n = s.sent - s.plan.warmup;
  const secondHalf = s.blocks.filter((b) => b.requests > n / 2);
  return {
    app: s.app,
    requests: n,
    p50: percentile(sorted, 0.5),
    p95: percentile(sorted, 0.95),
    p99: percentile(sorted, 0.99),
    max: sorted.at(-1) ?? Number.NaN,
    throughput: (sorted.length / s.elapsedMs) * 1000,
    cpuMsPerCommand: (mem.cpuMs - s.cpuStartMs) / n,
    errors: s.errors.length,
    capped: s.capped,
    maxLagMs: s.maxLagMs,
    startRssMb: s.startRssMb,
    peakRssMb: mem.peakRss / MB,
    finalRssMb: mem.raw / MB,
    blocks: s.blocks,
    loopBusy: s.blocks.reduce((sum, b) => sum + b.loopBusy, 0) / s.blocks.length,
    rssSlope: slopePer1k(secondHalf.map((b) => ({ x: b.requests, y: b.meanRssMb }))),
    heapSlope: slopePer1k(secondHalf.map((b) => ({ x: b.requests, y: b.heapMb }))),
    responseUrl: {
      expected,
      answered: stats.answered,
      rejected: stats.rejected,
      violations: stats.violations,
      lastAfterAckMs: stats.lastAt ? Math.max(0, stats.lastAt - s.lastAckAt) : 0,
      samples: stats.samples,
    },
  };
}
