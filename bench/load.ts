/**
 * Open-loop load: request i is due at start + i/rate whatever the app has answered so far, as Slack's
 * traffic would be (a closed loop would slow down with the app and hide its latency). A cap on requests
 * in flight keeps a stalled app from drowning the generator; when the cap or a busy event loop makes a send
 * late, that shows as `capped` / `maxLagMs` rather than silently lowering the rate.
 */
import { buildSlashCommand, signSlackRequest } from '../test/support/slack-requests.js';

export interface LoadOptions {
  url: string;
  signingSecret: string;
  count: number;
  rate: number;
  concurrency: number;
  /** Command texts, used in turn. */
  texts: readonly string[];
  /** A response_url of its own per request: the fake Slack accepts 5 posts per URL, as Slack does. */
  responseUrl: (index: number) => string;
}

export interface LoadResult {
  /** Send → full HTTP response, per successful (200) request. */
  latenciesMs: number[];
  errors: string[];
  /** First due time → last response. */
  elapsedMs: number;
  /** Sends that had to wait for a free slot under the concurrency cap. */
  capped: number;
  /** Worst delay of a send behind its due time. */
  maxLagMs: number;
}

const SLACK_HEADERS = { 'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)', accept: 'application/json,*/*' };
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function runLoad(o: LoadOptions): Promise<LoadResult> {
  const latenciesMs: number[] = [];
  const errors: string[] = [];
  let inFlight = 0;
  let completed = 0;
  let capped = 0;
  let maxLagMs = 0;
  let slotFreed: (() => void) | undefined;
  let allDone: () => void = () => {};
  const done = new Promise<void>((resolve) => {
    allDone = resolve;
  });
  const start = performance.now();
  let lastEnd = start;

  async function send(i: number): Promise<void> {
    const text = o.texts[i % o.texts.length] ?? 'help';
    const body = new URLSearchParams(
      buildSlashCommand({
        text,
        userId: 'U0ALICE',
        teamId: 'T01OPSTEAM',
        channelId: 'C0123OPS01',
        responseUrl: o.responseUrl(i),
        triggerId: `${Math.floor(Date.now() / 1000)}${i}.738474920.bench`,
      }),
    ).toString();
    // Signed with a fresh timestamp per request, as Slack does; building and signing is not timed.
    const headers = {
      ...SLACK_HEADERS,
      'content-type': 'application/x-www-form-urlencoded',
      ...signSlackRequest(o.signingSecret, body),
    };
    const sent = performance.now();
    try {
      const response = await fetch(o.url, { method: 'POST', headers, body, signal: AbortSignal.timeout(10_000) });
      const answer = await response.text();
      lastEnd = performance.now();
      if (response.status === 200) latenciesMs.push(lastEnd - sent);
      else errors.push(`#${i} "${text}": HTTP ${response.status} ${answer.slice(0, 200)}`);
    } catch (error) {
      lastEnd = performance.now();
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      errors.push(`#${i} "${text}": ${cause?.code ?? cause?.message ?? String(error)}`);
    }
    inFlight -= 1;
    completed += 1;
    slotFreed?.();
    if (completed === o.count) allDone();
  }

  for (let i = 0; i < o.count; i++) {
    const due = start + (i * 1000) / o.rate;
    const wait = due - performance.now();
    if (wait >= 1) await sleep(wait);
    if (inFlight >= o.concurrency) capped += 1;
    while (inFlight >= o.concurrency) {
      await new Promise<void>((resolve) => {
        slotFreed = resolve;
      });
    }
    maxLagMs = Math.max(maxLagMs, performance.now() - due);
    inFlight += 1;
    void send(i);
  }
  if (o.count > 0) await done;
  return { latenciesMs, errors, elapsedMs: lastEnd - start, capped, maxLagMs };
}
