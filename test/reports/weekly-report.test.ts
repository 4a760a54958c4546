/**
 * The weekly report over a seeded week: incidents, commands (audit trail), approvals and their waits,
 * rejected/expired/cancelled requests, break-glass reviews, schedule runs and failures, paused schedules,
 * freezes and failing services. Every number in the report is checked against the seeded rows, over
 * Slack HTTP; the weekly-report schedule posts the same report to the reports channel.
 */

import { inflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BLUE, CHART, ORANGE, RED } from '../../src/reports/weekly-chart.js';
import { appendAudit } from '../../src/store/audit.js';
import type { Db } from '../../src/store/db.js';
import { slash } from '../incidents/incident-support.js';
import { startTestOpsbot, type TestOpsbot } from '../support/test-opsbot.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
let t: TestOpsbot;
let now: number;
const ago = (ms: number) => new Date(now - ms);

async function seedIncidents(db: Db) {
  const rows: Array<[string, string, string, number, number | null, number | null]> = [
    // id, severity, title, declared (ago), mitigated after, resolved after
    ['INC-99', 'SEV3', 'old one', 10 * DAY, 30 * MIN, DAY],
    ['INC-100', 'SEV3', 'spans the week start', 8 * DAY, HOUR, 2 * DAY],
    ['INC-101', 'SEV1', 'db down', 5 * DAY, 20 * MIN, 50 * MIN],
    ['INC-102', 'SEV2', 'slow api', 3 * DAY, 10 * MIN, 2 * HOUR],
    ['INC-103', 'SEV2', 'queue backlog', DAY, null, null],
  ];
  for (const [id, severity, title, declared, mitigated, resolved] of rows) {
    const d = ago(declared);
    const at = (after: number | null) => (after === null ? null : new Date(d.getTime() + after));
    await db.query(
      `insert into incidents (id, title, severity, status, commander, declared_by, declared_at, mitigated_at, resolved_at)
       values ($1, $2, $3, $4, 'U0ALICE', 'U0ALICE', $5, $6, $7)`,
      [id, title, severity, resolved === null ? 'investigating' : 'resolved', d, at(mitigated), at(resolved)],
    );
  }
}

async function seedCommands(db: Db) {
  const row = (kind: string, command: string, target: string | null) =>
    appendAudit(db, { actor: 'U0BOB', kind, command, target, environment: 'dev', requestId: null, payload: {} });
  for (let i = 0; i < 3; i++) await row('command.succeeded', 'status', 'worker');
  await row('command.failed', 'status', 'backend');
  await row('command.started', 'restart', 'worker'); // not an outcome: not counted
  for (let i = 0; i < 2; i++) await row('command.succeeded', 'restart', 'worker');
  for (let i = 0; i < 2; i++) await row('command.failed', 'restart', 'worker');
  await row('command.refused', 'rollback', 'api-gateway');
  await row('command.planned', 'rollback', 'api-gateway');
  await row('command.rejected', 'rollback', null); // a typo: not counted
}

async function seedApprovals(db: Db) {
  const hash = 'a'.repeat(64);
  const request = async (
    id: string,
    state: string,
    created: number,
    extra: { approved?: boolean; breakGlass?: boolean } = {},
  ) => {
    const createdAt = ago(created);
    await db.query(
      `insert into approval_requests (id, command, service, env, args, plan, params_hash, requester, requester_person,
         team_id, incident_id, reason, break_glass, quorum, policy, state, created_at, expires_at, approved_at)
       values ($1, 'rollback', 'api-gateway', 'prod', '{}', '{}', $2, 'U0ALICE', 'alice', 'T01OPSTEAM', $3, $4, $5, $6,
         'production-two-person', $7, $8, $9, $10)`,
      [
        id,
        hash,
        extra.breakGlass ? 'INC-101' : null,
        extra.breakGlass ? 'db down, no second approver awake' : null,
        extra.breakGlass ?? false,
        extra.breakGlass ? 0 : 1,
        state,
        createdAt,
        new Date(createdAt.getTime() + 15 * MIN),
        extra.approved ? new Date(createdAt.getTime() + MIN) : null,
      ],
    );
    return createdAt;
  };
  const approve = async (id: string, created: Date, afterMs: number) =>
    db.query(
      `insert into approval_decisions (request_id, person, slack_user, team_id, decision, params_hash, decided_at)
       values ($1, 'bob', 'U0BOB', 'T01OPSTEAM', 'approve', $2, $3)`,
      [id, hash, new Date(created.getTime() + afterMs)],
    );
  await approve('a-r1', await request('a-r1', 'executed', 2 * DAY, { approved: true }), 4 * MIN);
  await approve('a-r2', await request('a-r2', 'executed', DAY, { approved: true }), 10 * MIN);
  await approve('a-r3', await request('a-r3', 'executed', 4 * DAY, { approved: true }), MIN);
  await approve('a-r4', await request('a-r4', 'executed', 9 * DAY, { approved: true }), 2 * MIN); // last week
  await request('a-r5', 'rejected', 2 * DAY);
  await request('a-r6', 'expired', 3 * DAY);
  await request('a-r7', 'expired_unexecuted', DAY, { approved: true });
  await request('a-r8', 'cancelled', 5 * DAY);
  await request('a-r9', 'expired', 12 * DAY); // last week
  await request('a-b1', 'executed', 2 * DAY, { breakGlass: true, approved: true });
  await request('a-b2', 'executed', 20 * DAY, { breakGlass: true, approved: true }); // old, still unreviewed
  await request('a-b3', 'executed', 3 * DAY, { breakGlass: true, approved: true });
  await request('a-b4', 'executed', 30 * DAY, { breakGlass: true, approved: true }); // old and reviewed: gone
  for (const id of ['a-b3', 'a-b4'])
    await appendAudit(db, { actor: 'U0BOB', kind: 'approval.review_acknowledged', requestId: id, payload: {} });
}

async function seedSchedules(db: Db) {
  const run = (schedule: string, tick: Date, state: string, summary: string | null, reason: string | null = null) =>
    db.query(
      `insert into schedule_runs (schedule, tick, replica, state, reason, summary, started_at, finished_at)
       values ($1, $2, 'replica-a', $3, $4, $5, $2, $2)`,
      [schedule, tick, state, reason, summary],
    );
  for (let d = 1; d <= 6; d++)
    await run(
      'daily-backup',
      ago(d * DAY),
      d === 3 ? 'failed' : 'succeeded',
      d === 3 ? 'backup verification failed' : 'ok',
    );
  await run('daily-backup', ago(8 * DAY), 'failed', 'last week');
  for (let i = 1; i <= 3; i++) await run('health-monitor', ago(i * HOUR), 'succeeded', 'all OK');
  for (let i = 4; i <= 5; i++) await run('health-monitor', ago(i * HOUR), 'skipped', null, 'paused by U0BOB');
  await run('health-monitor', ago(6 * HOUR), 'missed', null);
  await db.query(
    `insert into schedule_controls (schedule, paused, actor, reason) values
       ('weekly-maintenance', true, 'U0BOB', 'cluster upgrade'), ('certificate-check', false, 'U0ALICE', null)`,
  );
  await db.query(
    `insert into freezes (environment, starts_at, ends_at, reason, actor) values
       ('staging', $1, $2, 'load test', 'U0BOB'), ('dev', $3, $4, 'last month', 'U0BOB')`,
    [ago(2 * DAY), ago(DAY), ago(40 * DAY), ago(39 * DAY)],
  );
}

beforeAll(async () => {
  t = await startTestOpsbot();
  now = Date.now();
  const db = t.testDb.db;
  await seedIncidents(db);
  await seedCommands(db);
  await seedApprovals(db);
  await seedSchedules(db);
});
afterAll(async () => t?.close());

/** Reads back an 8-bit RGB PNG whose rows use filter 0 (as src/reports/png.ts writes them). */
function decodePng(png: Buffer) {
  expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  const width = png.readUInt32BE(16);
  const height = png.readUInt32BE(20);
  const chunks: Buffer[] = [];
  for (let at = 8; at < png.length; ) {
    const length = png.readUInt32BE(at);
    if (png.toString('ascii', at + 4, at + 8) === 'IDAT') chunks.push(png.subarray(at + 8, at + 8 + length));
    at += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(chunks));
  const pixel = (x: number, y: number) => [
    ...raw.subarray(y * (width * 3 + 1) + 1 + x * 3, y * (width * 3 + 1) + 4 + x * 3),
  ];
  /** How many pixels of `color` stack upwards from (x, y). */
  const run = (x: number, y: number, color: readonly number[]) => {
    let n = 0;
    while (y - n >= 0 && pixel(x, y - n).every((v, i) => v === color[i])) n++;
    return n;
  };
  return { width, height, run };
}

const day = (d: Date) => d.toISOString().slice(0, 10);
const at = (d: Date) => `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
const dy = (d: Date) =>
  `${d.toLocaleDateString('en-US', { weekday: 'short', timeZone: 'UTC' })} ${d.toISOString().slice(8, 10)} ${d.toISOString().slice(11, 16)}`;
/** The report's preformatted text, from the section blocks of a Slack message. */
const detailsOf = (blocks: unknown) =>
  (blocks as Array<{ type: string; text?: { text: string } }>)
    .filter((b) => b.type === 'section' && b.text?.text.startsWith('```'))
    .map((b) => (b.text as { text: string }).text.slice(3, -3))
    .join('\n');

/** The UTC days of [since, until) with what was seeded on each: all commands today, incidents 5, 3 and 1 days ago. */
function perDay(since: Date, until: Date) {
  const days = [];
  const declared = [ago(5 * DAY), ago(3 * DAY), ago(DAY)];
  const today = new Date(now).toISOString().slice(0, 10);
  for (let d = Date.parse(since.toISOString().slice(0, 10)); d < until.getTime(); d += DAY) {
    const date = new Date(d);
    const iso = date.toISOString().slice(0, 10);
    days.push({
      day: `${date.toLocaleDateString('en-US', { weekday: 'short', timeZone: 'UTC' })} ${iso.slice(8, 10)}`,
      commands: iso === today ? 8 : 0,
      failed: iso === today ? 3 : 0,
      incidents: declared.filter((x) => x.toISOString().slice(0, 10) === iso && x >= since).length,
    });
  }
  return days;
}

function expectedReport(since: Date, until: Date) {
  const b1 = ago(2 * DAY);
  const b2 = ago(20 * DAY);
  const b3 = ago(3 * DAY);
  return [
    `Week ${day(since)} → ${day(until)} (UTC)`,
    '',
    'INCIDENTS',
    '  opened 3 (1 SEV1, 2 SEV2), resolved 3 (1 SEV1, 1 SEV2, 1 SEV3)',
    '  time to mitigate: median 20m 00s, worst 1h 00m',
    '  time to resolve:  median 2h 00m, worst 48h 00m',
    '  INC-100 SEV3 spans the week start — resolved in 48h 00m',
    '  INC-101 SEV1 db down — resolved in 50m 00s',
    '  INC-102 SEV2 slow api — resolved in 2h 00m',
    '  INC-103 SEV2 queue backlog — open',
    '',
    'COMMANDS (succeeded / failed / refused / dry runs)',
    '  restart              2 / 2 / 0 / 0',
    '  status               3 / 1 / 0 / 0',
    '  rollback             0 / 0 / 1 / 1',
    '  total                5 / 3 / 1 / 1',
    '',
    'APPROVALS',
    '  given 3, waiting median 4m 00s, worst 10m 00s',
    '  rejected 1, expired 2, cancelled 1',
    '  break-glass: ',
    `    a-b2 rollback api-gateway prod by U0ALICE ${at(b2)} — REVIEW PENDING`,
    `    a-b3 rollback api-gateway prod by U0ALICE ${at(b3)} — review acknowledged`,
    `    a-b1 rollback api-gateway prod by U0ALICE ${at(b1)} — REVIEW PENDING`,
    '',
    'SCHEDULES (succeeded / failed / skipped / missed)',
    '  daily-backup         5 / 1 / 0 / 0',
    `    failed ${dy(ago(3 * DAY))} backup verification failed`,
    '  health-monitor       3 / 0 / 2 / 1',
    '  paused: weekly-maintenance (by U0BOB: cluster upgrade)',
    `  freezes: staging ${at(ago(2 * DAY))} → ${at(ago(DAY))} (load test, U0BOB)`,
    '',
    'PER DAY (commands run, of which failed, incidents opened)',
    ...perDay(since, until).map(
      (d) =>
        `  ${d.day}  ${String(d.commands).padStart(4)} ${String(d.failed).padStart(4)} ${String(d.incidents).padStart(4)}`,
    ),
    '',
    'MOST FAILING SERVICES',
    '  worker               2 failed',
    '  backend              1 failed',
  ].join('\n');
}

describe('the weekly report', () => {
  it('counts every part of a seeded week exactly, and leaves out what lies outside it', async () => {
    const since = ago(7 * DAY);
    const until = new Date(Date.now() + MIN);
    const responseText = await slash(
      t,
      `report weekly --since ${since.toISOString()} --until ${until.toISOString()}`,
      'U0CAROL',
    );
    expect(responseText).toBe(
      `Week ${day(since)} → ${day(until)}: 3 incidents opened, 3 resolved; 8 commands run (3 failed, 1 refused); ` +
        '3 approvals; 9 schedule runs (1 failed); 2 break-glass reviews pending',
    );
    const response = t.slack.responses.at(-1)?.body as { blocks: unknown };
    expect(detailsOf(response.blocks)).toBe(expectedReport(since, until));

    // The chart draws the same numbers: each bar's height is its value on its series' scale.
    const report = await t.opsbot.engine.deps.reports?.weekly({ since, until });
    const png = report?.images?.[0]?.png as Buffer;
    const image = decodePng(png);
    // The report asked for over Slack above is one more command run today.
    const today = new Date(now).toISOString().slice(8, 10);
    const days = perDay(since, until).map((d) => (d.day.endsWith(today) ? { ...d, commands: d.commands + 1 } : d));
    expect([image.width, image.height]).toEqual([
      2 * CHART.margin + CHART.group * days.length,
      CHART.top + CHART.barHeight + CHART.margin + 2,
    ]);
    const maxCommands = Math.max(1, ...days.map((d) => d.commands));
    const maxIncidents = Math.max(1, ...days.map((d) => d.incidents));
    const scaled = (n: number, max: number) => Math.round((n / max) * CHART.barHeight);
    days.forEach((d, i) => {
      const x = CHART.margin + i * CHART.group + CHART.gap + 1;
      const base = CHART.top + CHART.barHeight - 1;
      expect(image.run(x, base, ORANGE), `${d.day} failed`).toBe(scaled(d.failed, maxCommands));
      expect(image.run(x, base - scaled(d.failed, maxCommands), BLUE), `${d.day} commands`).toBe(
        scaled(d.commands, maxCommands) - scaled(d.failed, maxCommands),
      );
      expect(image.run(x + CHART.bar + CHART.gap, base, RED), `${d.day} incidents`).toBe(
        scaled(d.incidents, maxIncidents),
      );
    });
  });

  it('is posted to the reports channel by the weekly-report schedule (Monday 09:00 UTC)', async () => {
    const list = await slash(t, 'schedule list', 'U0ALICE');
    expect(list).toBeTruthy();
    const schedule = (await t.opsbot.engine.deps.schedules?.list())?.find((s) => s.name === 'weekly-report');
    expect(schedule).toMatchObject({ cron: '0 9 * * 1', timezone: 'UTC', command: 'report weekly' });
    expect(schedule?.nextRun?.getUTCDay()).toBe(1);
    expect(schedule?.nextRun?.toISOString().slice(11, 19)).toBe('09:00:00');

    await slash(t, 'schedule run weekly-report', 'U0ALICE', undefined, { answer: false });
    const posted = await t.slack.waitFor('chat.postMessage', (c) => c.args.channel === 'C0REPORTS', 10_000);
    // Two more commands ran since the seeding: the first test's report and the schedule list above.
    expect(String(posted.args.text)).toMatch(
      /^\[SANDBOX\] Week \d{4}-\d\d-\d\d → \d{4}-\d\d-\d\d: 3 incidents opened, 3 resolved; 10 commands run \(3 failed, 1 refused\); 3 approvals; 9 schedule runs \(1 failed\); 2 break-glass reviews pending$/,
    );
    const details = detailsOf(posted.args.blocks);
    expect(details).toContain('  daily-backup         5 / 1 / 0 / 0');
    expect(details).toContain('  report weekly        1 / 0 / 0 / 0');
    expect(details).toContain('  schedule list        1 / 0 / 0 / 0');
    const chart = await t.slack.waitFor('files.completeUploadExternal', (c) => c.args.channel_id === 'C0REPORTS');
    const file = t.slack.files.get((chart.args.files as Array<{ id: string }>)[0]?.id as string);
    expect(file?.filename).toMatch(/^weekly-\d{4}-\d\d-\d\d\.png$/);
    expect(decodePng(file?.content as Buffer).height).toBe(CHART.top + CHART.barHeight + CHART.margin + 2);
  });
});
