/**
 * A checklist schedule run from Slack (`/ops schedule run weekly-maintenance`) through the real Bolt app,
 * the real scheduler wiring of startOpsbot, the example backup scripts on a real PostgreSQL and the
 * sandbox cluster: one message in the reports channel, edited to its summary line.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scheduleHistory } from '../../src/store/schedule-runs.js';
import { type AppDatabase, createAppDatabase } from '../support/app-database.js';
import { startTestOpsbot, type TestOpsbot } from '../support/test-opsbot.js';
import { copyExampleScripts, tempDir } from '../support/tools-engine.js';

let t: TestOpsbot;
let app: AppDatabase;
let remove: () => void;

beforeAll(async () => {
  const tmp = tempDir('opsbot-slack-checklists-');
  remove = tmp.remove;
  app = await createAppDatabase('opsbot_weekly');
  await app.query('create table invoices (id int primary key)');
  t = await startTestOpsbot({
    env: {
      SCRIPTS_DIR: copyExampleScripts(tmp.dir),
      PROD_DATABASE_URL: app.url,
      BACKUP_DIR: path.join(tmp.dir, 'backups'),
    },
  });
});
afterAll(async () => {
  await t?.close();
  await app?.drop();
  remove?.();
});

describe('a checklist from Slack', () => {
  it('/ops schedule run weekly-maintenance posts one checklist message in #reports and edits it to the summary', async () => {
    const answer = await t.command('schedule run weekly-maintenance');
    expect(answer.status).toBe(200);
    const summary = await t.slack.waitFor(
      'chat.update',
      (c) => c.args.channel === 'C0REPORTS' && String(c.args.text).includes('*Summary:*'),
      30_000,
    );
    const messages = t.slack.messagesIn('C0REPORTS');
    expect(messages).toHaveLength(1);
    expect(messages[0]?.text).toBe(summary.args.text);
    const lines = String(summary.args.text).split('\n');
    expect(lines[0]).toMatch(/^\*weekly-maintenance\* checklist, \d{4}-\d\d-\d\d \d\d:\d\d UTC$/);
    expect(lines.slice(1, 6).map((l) => l.slice(0, l.indexOf(' (')))).toEqual([
      '✅ 1. Full backup',
      // The sandbox's api-gateway health check points at an in-cluster URL this machine cannot resolve.
      '❌ 2. Cluster health',
      // A change in production: refused until a policy preapproves it, so skipped, not failed.
      '⏭️ 3. Clean finished pods and completed jobs',
      '✅ 4. Certificate check',
      '❌ 5. Weekly health report',
    ]);
    expect(lines[2]).toContain('CRITICAL');
    expect(lines[6]).toBe(
      '*Summary:* ❌ weekly-maintenance: 2 of 5 passed, 2 failed (Cluster health, Weekly health report), 1 skipped',
    );
    // The tick is recorded right after the last edit.
    await expect
      .poll(async () => (await scheduleHistory(t.testDb.db, 'weekly-maintenance', 1))[0])
      .toMatchObject({ state: 'failed', summary: lines[6]?.replace('*Summary:* ', '') });
  });
});
