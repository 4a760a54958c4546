/**
 * `npm run bench [-- --n 10000 --rate 200 --concurrency 50 --commands help,status]`
 *
 * The same open-loop load of signed /ops commands goes to a bare Bolt app that only acks and to the real
 * opsbot (HTTP mode, PostgreSQL schema of its own, sandbox cluster), each in a process of its own with the
 * fake Slack in a third, in alternating blocks so they never compete for the CPU. Prints ack latency,
 * throughput and RSS of both, the ratios and PASS/FAIL; writes JSON to the temp folder.
 * Exit status: 1 if a request failed, a command went unanswered or the bench broke; 2 if a target was missed.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createTestDb, type TestDb, testDatabaseUrl } from '../test/support/test-db.js';
import { startChild } from './children.js';
import { type FakeSlack, finish, openSession, type Plan, runBlock, type Session } from './session.js';
import { type AppResult, table } from './stats.js';

// Every path below (dist/, bench/, catalog.yaml) is relative to the repository root.
process.chdir(join(import.meta.dirname, '..'));

const { values: opt } = parseArgs({
  options: {
    n: { type: 'string', default: '10000' },
    rate: { type: 'string', default: '200' },
    concurrency: { type: 'string', default: '50' },
    warmup: { type: 'string', default: '500' },
    block: { type: 'string', default: '2000' },
    commands: { type: 'string', default: 'help,status' },
    apps: { type: 'string', default: 'bare,opsbot' },
    'log-level': { type: 'string', default: 'warn' },
    /** tsx: run the apps' TypeScript under the tsx loader instead of compiling (adds ~40 MB to both RSS). */
    children: { type: 'string', default: 'node' },
  },
});
const n = Number(opt.n);
const rate = Number(opt.rate);
const concurrency = Number(opt.concurrency);
const warmup = Number(opt.warmup);
const block = Number(opt.block);
const apps = opt.apps.split(',');
if (apps.length === 0 || apps.some((app) => app !== 'bare' && app !== 'opsbot'))
  throw new Error(`--apps takes bare, opsbot or both (got ${opt.apps})`);
for (const [name, value] of Object.entries({ n, rate, concurrency, block }))
  if (!(value > 0)) throw new Error(`--${name} must be a positive number (got ${opt[name as keyof typeof opt]})`);
const NAMED: Record<string, string> = { help: 'help', status: 'status api-gateway prod' };
const texts = opt.commands.split(',').map((c) => NAMED[c] ?? c);
const SIGNING_SECRET = randomBytes(16).toString('hex');
const plan: Plan = { signingSecret: SIGNING_SECRET, rate, concurrency, texts, warmup };
const TARGETS = { p99Ratio: 1.25, rssRatio: 1.3, slopeMbPer1k: 0.5, absoluteRssMb: 120 };

/** Runs the apps as production does, plain JS compiled from this tree, so no loader's memory is counted. */
function entry(name: string): string[] {
  if (opt.children === 'tsx') return ['--expose-gc', '--import', 'tsx', `bench/${name}.ts`];
  const profile =
    process.env.BENCH_CPU_PROF && name === 'serve-opsbot'
      ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`]
      : [];
  return ['--expose-gc', ...profile, `dist/bench/${name}.js`];
}

function compile(): void {
  const started = Date.now();
  const tsc = spawnSync('node_modules/.bin/tsc', ['-p', 'bench/tsconfig.json'], { encoding: 'utf8' });
  // tsc emits despite type errors elsewhere in the tree (work in progress); say so, run what it emitted.
  if (tsc.status !== 0) console.warn(`tsc reported problems (running the emitted JS anyway):\n${tsc.stdout}`);
  if (!existsSync('dist/bench/serve-opsbot.js')) throw new Error('tsc emitted no dist/bench/serve-opsbot.js');
  console.log(`compiled the apps to dist/ in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

function verdicts(bare: AppResult | undefined, ops: AppResult | undefined): Array<[string, boolean]> {
  if (!bare || !ops) return [];
  const p99 = ops.p99 / bare.p99;
  const rss = ops.peakRssMb / bare.peakRssMb;
  const lines: Array<[string, boolean]> = [
    [`ack p99 opsbot/bare ${p99.toFixed(2)}× (target ≤ ${TARGETS.p99Ratio}×)`, p99 <= TARGETS.p99Ratio],
    [`peak RSS opsbot/bare ${rss.toFixed(2)}× (target ≤ ${TARGETS.rssRatio}×)`, rss <= TARGETS.rssRatio],
  ];
  // RSS is what the target names; the heap after a full GC is the steadier sign of something kept per command.
  for (const [what, slope] of [
    ['RSS (block mean)', ops.rssSlope],
    ['heap after GC', ops.heapSlope],
  ] as const) {
    if (slope === null) continue;
    const text = `opsbot ${what} growth over the 2nd half ${slope.toFixed(2)} MB/1k commands (target ≤ ${TARGETS.slopeMbPer1k})`;
    lines.push([text, slope <= TARGETS.slopeMbPer1k]);
  }
  return lines;
}

async function main(): Promise<number> {
  console.log(
    `opsbot ack bench: ${n} commands (+${warmup} warm-up) per app at ${rate}/s, ≤ ${concurrency} in flight, ` +
      `"${texts.join('", "')}" in turn; node ${process.version}, ${cpus().length} CPUs, load ${loadavg()[0]?.toFixed(2)}`,
  );
  if (opt.children !== 'tsx') compile();
  const slack: FakeSlack = await startChild('fake-slack', ['--import', 'tsx', 'bench/serve-fake-slack.ts'], {});
  const results: AppResult[] = [];
  let testDb: TestDb | undefined;
  const sessions: Session[] = [];
  let fakeSlackBusy: number | undefined;
  try {
    const env = {
      SLACK_API_URL: slack.hello.url,
      BENCH_SIGNING_SECRET: SIGNING_SECRET,
      BENCH_KUBECONFIG: slack.hello.kubeconfig,
    };
    if (apps.includes('bare'))
      sessions.push(await openSession(plan, 'bare Bolt', await startChild('bare-bolt', entry('serve-bare-bolt'), env)));
    if (apps.includes('opsbot')) {
      testDb = await createTestDb();
      const schema = { BENCH_DATABASE_URL: testDatabaseUrl, BENCH_SCHEMA: testDb.schema ?? '' };
      const opsEnv = { ...env, ...schema, BENCH_LOG_LEVEL: opt['log-level'] };
      sessions.push(await openSession(plan, 'opsbot', await startChild('opsbot', entry('serve-opsbot'), opsEnv)));
    }
    for (const s of sessions) await runBlock(s, slack, warmup, false);
    await slack.ask('busy');
    // Blocks alternate between the apps (A B, then B A, …) so that drift on a shared machine, such as
    // someone's test run starting halfway, lands on both alike. Only one app is ever under load.
    for (let done = 0, round = 0; done < n; done += block, round++) {
      for (const s of round % 2 ? [...sessions].reverse() : sessions) {
        await runBlock(s, slack, Math.min(block, n - done), true);
      }
      console.log(`  ${Math.min(n, done + block)}/${n} commands sent to each app`);
    }
    const { utilization } = await slack.ask<{ utilization: number }>('busy');
    console.log(`  the fake Slack's event loop was busy ${(utilization * 100).toFixed(0)}% of the time`);
    fakeSlackBusy = utilization;
    for (const s of sessions) results.push(await finish(s, slack));
  } finally {
    for (const s of sessions) await s.served.stop();
    await slack.stop();
    await testDb?.close();
  }

  console.log(`\n${table(results)}`);
  for (const r of results) {
    console.log(
      `${r.app}, per block of ${Math.min(block, n)}: p99 ${r.blocks.map((b) => b.p99.toFixed(1)).join(', ')} ms; ` +
        `RSS ${r.blocks.map((b) => b.rssMb.toFixed(0)).join(', ')} MB (mean over the block ` +
        `${r.blocks.map((b) => b.meanRssMb.toFixed(0)).join(', ')} MB); ` +
        `heap after GC ${r.blocks.map((b) => b.heapMb.toFixed(1)).join(', ')} MB; ` +
        `sends late by up to ${r.maxLagMs.toFixed(1)} ms, ${r.capped} held by the concurrency cap`,
    );
  }
  const bare = results.find((r) => r.app === 'bare Bolt');
  const ops = results.find((r) => r.app === 'opsbot');
  if (ops) {
    const u = ops.responseUrl;
    const missing = u.expected - u.answered;
    console.log(
      `opsbot response_url: ${u.answered}/${u.expected} commands answered${missing ? ` (${missing} MISSING)` : ''}, ` +
        `${u.rejected} posts refused, ${u.violations} Block Kit violations, last ${u.lastAfterAckMs} ms after the last ack`,
    );
    console.log(`opsbot's answers, e.g.: ${u.samples.map((text) => JSON.stringify(text)).join(', ')}`);
  }
  // CPU per command × rate = cores the app needs; past the machine's spare cores acks queue behind work.
  const cores = results.map((r) => `${r.app} ${((r.cpuMsPerCommand * rate) / 1000).toFixed(2)}`).join(', ');
  console.log(
    `CPU cores used at ${rate}/s: ${cores} (of ${cpus().length}, shared with PostgreSQL, the fake Slack and this load generator)`,
  );
  // Sends late by more than a few ms while the light bare-Bolt load ran mean the load generator itself was
  // starved by something else on the machine: the latency tails then say more about that than about the apps.
  const lag = bare?.maxLagMs ?? 0;
  if (lag > 25)
    console.warn(
      `WARNING  during bare Bolt's blocks sends were up to ${lag.toFixed(0)} ms late (load average ` +
        `${loadavg()[0]?.toFixed(2)} on ${cpus().length} CPUs): something else is using the CPU, so the latency ` +
        'figures are not trustworthy; rerun when the machine is quiet.',
    );
  const checks = verdicts(bare, ops);
  for (const [text, ok] of checks) console.log(`${ok ? 'PASS' : 'FAIL'}  ${text}`);
  if (ops && n >= 10_000)
    console.log(
      `info  the issue's absolute target, RSS < ${TARGETS.absoluteRssMb} MB after ${n} commands: opsbot final ` +
        `${ops.finalRssMb.toFixed(1)} MB, peak ${ops.peakRssMb.toFixed(1)} MB (bare Bolt peak ${bare?.peakRssMb.toFixed(1) ?? 'n/a'} MB)`,
    );

  const dir = join(tmpdir(), 'opsbot-bench');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'latest.json');
  const run = {
    at: new Date().toISOString(),
    node: process.version,
    cpus: cpus().length,
    options: opt,
    texts,
    fakeSlackBusy,
  };
  writeFileSync(file, `${JSON.stringify({ run, targets: TARGETS, results, checks }, null, 2)}\n`);
  console.log(`results: ${file}`);

  // A command acked but never answered (or answered with something Slack refuses) is a failure too, only quieter.
  const unanswered = results.some((r) => r.responseUrl.answered < r.responseUrl.expected || r.responseUrl.rejected > 0);
  if (unanswered || results.some((r) => r.errors > 0)) return 1;
  return checks.every(([, ok]) => ok) ? 0 : 2;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
