/**
 * Checklist schedules end to end: the shipped daily-backup checklist runs the real backup commands
 * (example scripts, pg_dump, a real PostgreSQL standing for prod's database) as steps, with one
 * Slack message (the fake Slack Web API, through the real WebClient) edited as steps pass, fail or
 * are refused, ending with a summary line; a failing step marked "stop" ends the run.
 */
import path from 'node:path';
import { WebClient } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import dailyBackup from '../../schedules/daily-backup.js';
import { defineChecklist } from '../../src/define.js';
import { runTick } from '../../src/scheduler/run-tick.js';
import { checklistMessages, scheduleReplies } from '../../src/scheduler/schedule-replies.js';
import { scheduleHistory } from '../../src/store/schedule-runs.js';
import { type AppDatabase, createAppDatabase } from '../support/app-database.js';
import { type FakeSlack, startFakeSlack } from '../support/fake-slack.js';
import {
  copyExampleScripts,
  startToolsEngine,
  type ToolsEngine,
  tempDir,
  toolsCatalog,
} from '../support/tools-engine.js';

let t: ToolsEngine;
let app: AppDatabase;
let slack: FakeSlack;
let remove: () => void;
const catalog = { ...toolsCatalog(), channels: { alerts: 'C0ALERTS', reports: 'C0REPORTS' } };

beforeAll(async () => {
  const tmp = tempDir('opsbot-checklists-');
  remove = tmp.remove;
  app = await createAppDatabase('opsbot_checklist');
  await app.query('create table orders (id int primary key)');
  slack = await startFakeSlack();
  t = await startToolsEngine({
    scriptsDir: copyExampleScripts(tmp.dir),
    variables: { PROD_DATABASE_URL: app.url, BACKUP_DIR: path.join(tmp.dir, 'backups') },
    catalog,
  });
});
afterAll(async () => {
  await t?.close();
  await app?.drop();
  await slack?.close();
  remove?.();
});

function tickDeps() {
  const client = new WebClient('xoxb-1-test-bot-token', { slackApiUrl: slack.url, retryConfig: { retries: 0 } });
  const written: string[] = [];
  return {
    written,
    deps: {
      engine: t.engine,
      db: t.testDb.db,
      logger: t.logs.logger,
      replica: 'test',
      repliesFor: scheduleReplies(catalog, async () => {}),
      checklistMessage: checklistMessages(catalog, client, (text) => void written.push(text)),
    },
  };
}

describe('checklist schedules', () => {
  it('daily-backup: one message in #reports, edited step by step, ending with the summary', async () => {
    const { deps } = tickDeps();
    const tick = new Date('2026-11-24T01:00:00Z');
    await runTick(deps, dailyBackup, tick);

    const messages = slack.messagesIn('C0REPORTS');
    expect(messages).toHaveLength(1);
    const [message] = messages;
    // Posted once (all pending), then edited as each step starts (showing the last one's verdict) and for the summary.
    expect(message?.edits).toBeGreaterThanOrEqual(4);
    const lines = message?.text.split('\n') ?? [];
    expect(lines[0]).toBe('*daily-backup* checklist, 2026-11-24 01:00 UTC');
    expect(lines[1]).toMatch(
      /^✅ 1\. Backup of prod \(`backup`; expected: a new backup of the prod database\) — Backup of prod done: backup_\d{8}_\d{6}/,
    );
    expect(lines[2]).toMatch(/^✅ 2\. Verify the backup \(`backup-verify`; expected: .*\) — prod: verified backup_/);
    // Deleting backups in production is a change; the production policy preapproves schedules (reviewed as code).
    expect(lines[3]).toMatch(
      /^✅ 3\. Retention: 30 days \(`backup-prune`; expected: .*\) — pruned 0 backups of prod older than 30 days/,
    );
    expect(lines[4]).toBe('*Summary:* ✅ daily-backup: 3 of 3 passed');
    const [run] = await scheduleHistory(t.testDb.db, 'daily-backup', 1);
    expect(run).toMatchObject({ tick, state: 'succeeded', summary: '✅ daily-backup: 3 of 3 passed' });
  });

  it('stops after a failing step marked "stop"; the rest are shown as not run, and the tick failed', async () => {
    const { deps } = tickDeps();
    const good = t.variables.PROD_DATABASE_URL as string;
    t.variables.PROD_DATABASE_URL = good.replace(/\/[^/]+$/, '/no_such_database');
    try {
      await runTick(deps, dailyBackup, new Date('2026-11-25T01:00:00Z'));
    } finally {
      t.variables.PROD_DATABASE_URL = good;
    }
    const message = slack.messagesIn('C0REPORTS').at(-1);
    const lines = message?.text.split('\n') ?? [];
    expect(lines[1]).toMatch(/^❌ 1\. Backup of prod .* — /);
    expect(lines[2]).toMatch(/^⬜ 2\. Verify the backup/);
    expect(lines[3]).toMatch(/^⬜ 3\. Retention: 30 days/);
    expect(lines[4]).toBe(
      '*Summary:* ❌ daily-backup: 0 of 3 passed, 1 failed (Backup of prod), 2 not run: stopped after step 1',
    );
    const [run] = await scheduleHistory(t.testDb.db, 'daily-backup', 1);
    expect(run).toMatchObject({ state: 'failed' });
  });

  it('goes on after a failing step by default, and without Slack writes the finished checklist once', async () => {
    const checklist = defineChecklist({
      name: 'two-checks',
      cron: '0 3 * * *',
      steps: [
        {
          title: 'Staging pods',
          command: 'status',
          args: { service: 'nope', env: 'staging' },
          expect: 'known service',
        },
        { title: 'Staging health', command: 'health', args: { env: 'staging' }, expect: 'every component OK' },
      ],
    });
    const written: string[] = [];
    const { deps } = tickDeps();
    await runTick(
      { ...deps, checklistMessage: checklistMessages(catalog, undefined, (text) => void written.push(text)) },
      checklist,
      new Date('2026-11-24T03:00:00Z'),
    );
    expect(written).toHaveLength(1);
    const lines = written[0]?.split('\n') ?? [];
    expect(lines[0]).toBe('[schedule two-checks]');
    expect(lines[2]).toMatch(/^❌ 1\. Staging pods \(`status`; expected: known service\) — .*nope/);
    expect(lines[3]).toMatch(
      /^(✅|❌) 2\. Staging health \(`health`; expected: every component OK\) — Health of staging: /,
    );
    expect(lines[4]).toMatch(/^\*Summary:\* ❌ two-checks: \d of 2 passed, \d failed \(Staging pods/);
  });
});
