/**
 * `health` and the health monitor over real HTTP endpoints, the sandbox cluster and real PostgreSQL:
 * one line per component, and the monitor posting to the alerts channel only when a state changes.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import health from '../../commands/health.js';
import healthMonitor from '../../schedules/health-monitor.js';
import type { Catalog } from '../../src/catalog.js';
import { createKubeCluster } from '../../src/kubernetes/kube-cluster.js';
import { type Sandbox, sandboxEnvironments, startSandbox } from '../../src/kubernetes/sandbox.js';
import { createRegistry } from '../../src/registry/registry.js';
import { createEngine, type Engine } from '../../src/runs/engine.js';
import type { Outcome } from '../../src/runs/outcome.js';
import { runTick } from '../../src/scheduler/run-tick.js';
import { scheduleReplies } from '../../src/scheduler/schedule-replies.js';
import { scheduleHistory } from '../../src/store/schedule-runs.js';
import { collectLogs } from '../support/collect-logs.js';
import { testCatalog } from '../support/run-context.js';
import { createTestDb, type TestDb } from '../support/test-db.js';

let endpoint: { status: number; delayMs: number; body: string } = { status: 200, delayMs: 0, body: '{"status":"ok"}' };
let server: Server;
let testDb: TestDb;
let sandbox: Sandbox;
let catalog: Catalog;
const logs = collectLogs();
const posted: Array<{ channel: string; outcome: Outcome }> = [];

function engineOn(db: TestDb['db']): Engine {
  return createEngine({
    registry: createRegistry([health], [healthMonitor], []),
    catalog,
    db,
    cluster: createKubeCluster({ kubeConfig: sandbox.kubeConfig, sandbox: true }),
    directory: {
      groupMembers: async () => [],
      user: async (id) => ({ id, isGuest: false, isBot: false, deleted: false }),
    },
    logger: logs.logger,
  });
}

beforeAll(async () => {
  server = createServer((_req, res) => {
    setTimeout(() => {
      res.writeHead(endpoint.status, { 'content-type': 'application/json' });
      res.end(endpoint.body);
    }, endpoint.delayMs);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/health`;
  const base = testCatalog();
  catalog = {
    ...base,
    environments: { dev: base.environments.dev as Catalog['environments'][string] },
    services: {
      'api-gateway': {
        ...(base.services['api-gateway'] as Catalog['services'][string]),
        healthChecks: [
          { name: 'api', url, expect: { status: 200, json: { status: 'ok' } }, warnAfterMs: 300 },
          // Another cluster's endpoint: never checked as dev's health (it would be CRITICAL here).
          { name: 'edge', url: 'http://127.0.0.1:9/health', environments: ['prod'] },
        ],
      },
      backend: base.services.backend as Catalog['services'][string],
    },
  };
  testDb = await createTestDb();
  sandbox = await startSandbox(sandboxEnvironments(catalog));
});
afterAll(async () => {
  server?.close();
  await sandbox?.close();
  await testDb?.close();
});

async function ask(engine: Engine, text: string): Promise<Outcome> {
  let sent: Outcome | undefined;
  await engine.run(
    { text, actor: { userId: 'U0CAROL', teamId: 'T1' }, source: 'console' },
    {
      send: async (o) => {
        sent = o;
      },
      progress: async () => {},
    },
  );
  return sent as Outcome;
}

describe('health', () => {
  it('answers one line per component, WARN when slow, CRITICAL (ok: false) when the endpoint fails', async () => {
    const engine = engineOn(testDb.db);
    endpoint = { status: 200, delayMs: 0, body: '{"status":"ok"}' };
    const fine = await ask(engine, 'health dev');
    expect(fine).toMatchObject({
      kind: 'result',
      result: { summary: 'Health of dev: 2 OK, 0 WARN, 0 CRITICAL', ok: true },
    });
    const lines = fine.kind === 'result' ? (fine.result.details ?? '').split('\n') : [];
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^OK {7}dev\/api-gateway: deployment \d+\/\d+ available; api HTTP 200 in \d+ ms$/);

    endpoint = { status: 200, delayMs: 400, body: '{"status":"ok"}' };
    const slow = await ask(engine, 'health dev');
    expect(slow).toMatchObject({
      result: { summary: 'Health of dev: 1 OK, 1 WARN, 0 CRITICAL (dev/api-gateway WARN)' },
    });
    expect(slow.kind === 'result' && slow.result.details).toMatch(
      /WARN {5}dev\/api-gateway: api HTTP 200 in \d+ ms \(slower than 300 ms\)/,
    );

    endpoint = { status: 200, delayMs: 0, body: '{"status":"degraded"}' };
    const wrongBody = await ask(engine, 'health');
    expect(wrongBody).toMatchObject({ result: { ok: false } });
    expect(wrongBody.kind === 'result' && wrongBody.result.details).toContain(
      'CRITICAL dev/api-gateway: api "status" is "degraded", expected "ok"',
    );
  });

  it('a hung endpoint is CRITICAL after 5 s, not a health command that never answers', async () => {
    endpoint = { status: 200, delayMs: 8_000, body: '{"status":"ok"}' };
    const started = Date.now();
    const hung = await ask(engineOn(testDb.db), 'health dev');
    expect(Date.now() - started).toBeLessThan(7_000);
    expect(hung.kind === 'result' && hung.result.details).toContain(
      'CRITICAL dev/api-gateway: api no answer within 5 s',
    );
    endpoint = { status: 200, delayMs: 0, body: '{"status":"ok"}' };
  }, 15_000);

  it('says what to type when the environment is wrong', async () => {
    const outcome = await ask(engineOn(testDb.db), 'health prdo');
    expect(outcome).toMatchObject({ kind: 'error', code: 'usage' });
    expect(outcome.kind === 'error' && outcome.message).toMatch(/prdo/);
  });
});

describe('the health monitor', () => {
  it('posts to the alerts channel when a component turns CRITICAL and when it recovers, nothing in steady state', async () => {
    // Two replicas on one PostgreSQL take turns: the last state is shared, not per process.
    const engines = [engineOn(testDb.db), engineOn(await testDb.openAnother())];
    const replies = scheduleReplies(catalog, async (channel, outcome) => void posted.push({ channel, outcome }));
    let minute = Date.parse('2026-11-23T10:00:00Z');
    const tick = async () => {
      const engine = engines[(minute / 900_000) % 2] as Engine;
      await runTick(
        { engine, db: engine.deps.db, logger: logs.logger, replica: 'r', repliesFor: replies },
        healthMonitor,
        new Date(minute),
      );
      minute += 15 * 60_000;
    };
    const summaries = () =>
      posted.map((p) => [p.channel, p.outcome.kind === 'result' ? p.outcome.result.summary : p.outcome.kind]);

    endpoint = { status: 200, delayMs: 0, body: '{"status":"ok"}' };
    await tick();
    await tick();
    await tick();
    expect(summaries()).toEqual([]);

    endpoint = { status: 503, delayMs: 0, body: '{"status":"down"}' };
    await tick();
    await tick();
    await tick();
    expect(summaries()).toEqual([['C0ALERTS', '🚨 Health changed: dev/api-gateway OK → CRITICAL']]);
    const alert = posted[0]?.outcome;
    expect(alert?.kind === 'result' && alert.result.details).toContain(
      'CRITICAL dev/api-gateway: api HTTP 503 (expected 200)',
    );

    endpoint = { status: 200, delayMs: 0, body: '{"status":"ok"}' };
    await tick();
    await tick();
    expect(summaries()).toEqual([
      ['C0ALERTS', '🚨 Health changed: dev/api-gateway OK → CRITICAL'],
      ['C0ALERTS', '✅ Recovered: dev/api-gateway CRITICAL → OK'],
    ]);
    // Every look is recorded, posted or not.
    expect(await scheduleHistory(testDb.db, 'health-monitor', 50)).toHaveLength(8);
  });
});
