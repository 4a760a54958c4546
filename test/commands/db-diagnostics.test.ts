import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApprovalRequest } from '../../src/store/approvals.js';
import { listAudit } from '../../src/store/audit.js';
import { acquireLock, releaseLock } from '../../src/store/locks.js';
import { type AppDatabase, createAppDatabase } from '../support/app-database.js';
import { resultOf, startToolsEngine, type ToolsEngine, tempDir, toolsCatalog } from '../support/tools-engine.js';

// Seed 002's "database is slow" procedure on a real PostgreSQL database standing for staging's: a long
// query and a lock wait are started here, seen through db activity and db locks, and one is terminated.
let t: ToolsEngine;
let app: AppDatabase;
let remove: () => void;
const clients: pg.Client[] = [];

const connect = async () => {
  const client = new pg.Client({ connectionString: app.url, application_name: 'shop-worker' });
  await client.connect();
  client.on('error', () => {}); // the terminated one
  clients.push(client);
  const [row] = (await client.query<{ pid: number }>('select pg_backend_pid() as pid')).rows;
  return { client, pid: (row as { pid: number }).pid };
};

beforeAll(async () => {
  const tmp = tempDir('opsbot-db-');
  remove = tmp.remove;
  app = await createAppDatabase('opsbot_diag');
  await app.query('create table products (id int primary key, name text not null)');
  await app.query(`insert into products select g, 'product ' || g from generate_series(1, 20) g`);
  const catalog = toolsCatalog();
  delete catalog.environments.dev?.databaseUrlEnv;
  t = await startToolsEngine({
    scriptsDir: tmp.dir,
    catalog,
    variables: { STAGING_DATABASE_URL: app.url, PROD_DATABASE_URL: app.url },
  });
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.end().catch(() => {})));
  await t?.close();
  await app?.drop();
  remove?.();
});

describe('db activity, db locks, db terminate and db vacuum', () => {
  it('shows a long query and a lock wait with who blocks whom, then terminates the blocker so the waiter goes on', async () => {
    const sleeper = await connect();
    const holder = await connect();
    const waiter = await connect();
    const sleeping = sleeper.client.query('select pg_sleep(20) /* nightly sync */').catch((e: Error) => e);
    // The sleeper's query must start first, so that it is the longest whatever the machine's load.
    await expect
      .poll(async () => (await app.query('select state from pg_stat_activity where pid = $1', [sleeper.pid]))[0])
      .toEqual({ state: 'active' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    await holder.client.query('begin');
    await holder.client.query(`update products set name = 'held' where id = 1`);
    const waiting = waiter.client.query(`update products set name = 'waiting' where id = 1`).catch((e: Error) => e);
    await new Promise((resolve) => setTimeout(resolve, 1_200));

    const activity = resultOf((await t.run('db activity staging --min-duration 1s')).outcome);
    expect(activity.summary).toMatch(
      new RegExp(
        `^3 queries running longer than 1s on 127\\.0\\.0\\.1:5432/${app.name} \\(staging\\); the longest: pid ${sleeper.pid}, \\d+s$`,
      ),
    );
    expect(activity.details).toMatch(
      new RegExp(`${sleeper.pid}\\s+postgres\\s+\\d+s\\s+active\\s+Timeout:PgSleep\\s+select pg_sleep\\(20\\)`),
    );
    expect(activity.details).toMatch(
      new RegExp(`${waiter.pid}\\s+postgres\\s+\\d+s\\s+active\\s+Lock:transactionid\\s+update products`),
    );
    // A transaction left open counts too: it holds locks while doing nothing.
    expect(activity.details).toMatch(
      new RegExp(
        `${holder.pid}\\s+postgres\\s+\\d+s\\s+idle in transaction\\s+Client:ClientRead\\s+update products set name = 'held'`,
      ),
    );
    expect(activity.actions?.[0]).toEqual({
      label: `Terminate ${sleeper.pid}`,
      command: `db terminate staging ${sleeper.pid}`,
      style: 'danger',
    });
    // The default threshold is five minutes: nothing here is that old.
    expect(resultOf((await t.run('db activity staging')).outcome).summary).toMatch(
      /^No queries running longer than 5m00s/,
    );

    const locks = resultOf((await t.run('db locks staging')).outcome);
    expect(locks.summary).toMatch(
      new RegExp(
        `^1 session waiting on locks on .*, blocked by pid ${holder.pid} \\(pid ${holder.pid}: idle in transaction, transaction open \\d+s\\)$`,
      ),
    );
    expect(locks.details).toMatch(
      new RegExp(
        `${waiter.pid}\\s+\\d+s\\s+update products set name = 'waiting' where id = 1\\s+${holder.pid}\\s+idle in transaction`,
      ),
    );

    const plan = (await t.run(`db terminate staging ${holder.pid} --dry-run`)).outcome;
    expect(plan).toMatchObject({
      kind: 'plan',
      plan: {
        summary: expect.stringMatching(
          new RegExp(
            `^terminate pid ${holder.pid} \\(postgres, idle in transaction for \\d+s\\) on .*: update products set name = 'held' where id = 1$`,
          ),
        ),
        changes: [{ what: `session ${holder.pid} (postgres, shop-worker)`, to: 'terminated' }],
      },
    });

    const { outcome } = await t.run(`db terminate staging ${holder.pid}`);
    expect(resultOf(outcome).summary).toBe(`Terminated pid ${holder.pid} on 127.0.0.1:5432/${app.name} (staging)`);
    expect(resultOf(outcome).details).toContain(`update products set name = 'held' where id = 1`);
    await expect(waiting).resolves.toMatchObject({ rowCount: 1 });
    const trail = await listAudit(t.testDb.db, { requestId: outcome.runId, limit: 5 });
    expect(trail.map((e) => e.kind).sort()).toEqual(['command.started', 'command.succeeded']);

    await t.run(`db terminate staging ${sleeper.pid}`);
    expect(String(await sleeping)).toMatch(/terminat/);
  });

  it('refuses to terminate a pid that is not a session of that database', async () => {
    const { outcome } = await t.run('db terminate staging 999999');
    expect(outcome).toMatchObject({
      kind: 'error',
      code: 'refused',
      message: `There is no session with pid 999999 on 127.0.0.1:5432/${app.name} (staging); it may have ended.`,
      hint: '/ops db activity staging --min-duration 0s lists the sessions.',
    });
  });

  it('does not terminate anything in production without approval', async () => {
    const victim = await connect();
    const { outcome } = await t.run(`db terminate prod ${victim.pid}`);
    expect(outcome).toMatchObject({ kind: 'error', code: 'refused' });
    expect((await victim.client.query('select 1 as alive')).rows).toEqual([{ alive: 1 }]);
  });

  it('terminates in production only once a second person approves, showing approvers the query it kills', async () => {
    const opened: ApprovalRequest[] = [];
    t.engine.deps.approvals = {
      replica: 'test',
      notifier: {
        opened: async (r) => void opened.push(r),
        changed: async () => {},
        breakGlass: async () => {},
        reminder: async () => {},
        reviewOverdue: async () => {},
        repliesFor: () => ({ send: async () => {}, progress: async () => {} }),
      },
    };
    try {
      const victim = await connect();
      const busy = victim.client.query('select pg_sleep(20) /* runaway report */').catch((e: Error) => e);
      await new Promise((resolve) => setTimeout(resolve, 300));
      const { outcome } = await t.run(`db terminate prod ${victim.pid}`);
      expect(outcome).toMatchObject({
        kind: 'approval',
        request: { command: 'db terminate', env: 'prod', state: 'pending' },
      });
      const request = opened[0] as ApprovalRequest;
      expect(JSON.stringify(request.plan)).toContain('runaway report');
      expect(
        (await listAudit(t.testDb.db, { requestId: request.id, kind: 'approval.requested', limit: 1 })).length,
      ).toBe(1);

      // Alice cannot approve her own; Bob can, and then it runs.
      expect(resultOf((await t.run(`approvals approve ${request.id}`)).outcome)).toMatchObject({ ok: false });
      expect(resultOf((await t.run(`approvals approve ${request.id}`, { userId: 'U0BOB' })).outcome).ok).not.toBe(
        false,
      );
      expect(await busy).toBeInstanceOf(Error);
      const kinds = (await listAudit(t.testDb.db, { requestId: request.id, limit: 20 })).map((e) => e.kind);
      expect(kinds).toEqual(expect.arrayContaining(['approval.approved', 'approval.executed', 'command.succeeded']));
    } finally {
      delete t.engine.deps.approvals;
    }
  });

  it('runs one database-wide change at a time per environment: a vacuum waits for the restore holding the database', async () => {
    const held = {
      target: 'staging/database',
      runId: 'r-restore1',
      holder: 'U0BOB',
      command: 'restore',
      replica: 'r2',
      leaseSeconds: 60,
    };
    expect(await acquireLock(t.testDb.db, held)).toMatchObject({ acquired: true });
    try {
      const { outcome } = await t.run('db vacuum staging products');
      expect(outcome).toMatchObject({
        kind: 'error',
        code: 'target_locked',
        message: expect.stringContaining('database in staging is busy: <@U0BOB> is running restore (run r-restore1)'),
      });
    } finally {
      await releaseLock(t.testDb.db, held.target, held.runId);
    }
  });

  it('vacuums one table and says when a table does not exist', async () => {
    await app.query(`delete from products where id > 10`);
    const plan = (await t.run('db vacuum staging products --dry-run')).outcome;
    expect(plan).toMatchObject({
      kind: 'plan',
      plan: { summary: `VACUUM (ANALYZE) products on 127.0.0.1:5432/${app.name} (staging)` },
    });
    const done = resultOf((await t.run('db vacuum staging products')).outcome);
    expect(done.summary).toMatch(
      new RegExp(`^Vacuumed products on 127\\.0\\.0\\.1:5432/${app.name} \\(staging\\) in \\d+\\.\\ds$`),
    );
    // The statistics collector may lag on the dead-row count; the vacuum time is what it recorded.
    expect(done.details).toMatch(/products\s+\d+\s+\d+\s+\d{4}-\d\d-\d\d \d\d:\d\d UTC/);
    const missing = (await t.run('db vacuum staging "products; drop table products"')).outcome;
    expect(missing).toMatchObject({ kind: 'error', code: 'not_found' });
    expect((await app.query('select count(*)::int as n from products'))[0]).toEqual({ n: 10 });
  });

  it('names the variable to set, or the catalog key to add, when a database is not configured', async () => {
    delete t.variables.STAGING_DATABASE_URL;
    try {
      expect((await t.run('db activity staging')).outcome).toMatchObject({
        kind: 'error',
        message: 'STAGING_DATABASE_URL is not set: the database URL of staging is read from it.',
        hint: 'Set STAGING_DATABASE_URL in opsbot’s environment, e.g. STAGING_DATABASE_URL=postgres://opsbot_ops@db.internal:5432/app'.replace(
          '’',
          "'",
        ),
      });
    } finally {
      t.variables.STAGING_DATABASE_URL = app.url;
    }
    expect((await t.run('db locks dev')).outcome).toMatchObject({
      kind: 'error',
      message: 'dev has no database in the catalog, so database commands cannot reach it.',
      hint: expect.stringContaining('databaseUrlEnv: DEV_DATABASE_URL'),
    });
  });
});
