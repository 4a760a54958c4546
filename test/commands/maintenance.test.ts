/**
 * `cleanup` and `certificates` through the engine (parse, plan, gates, audit) against the sandbox's
 * fake kube-apiservers, real TLS certificates (openssl) and a real HTTPS endpoint.
 */
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Catalog } from '../../src/catalog.js';
import { defineSchedule } from '../../src/define.js';
import { addBarePod, addJob, addTlsSecret } from '../../src/kubernetes/fake-apiserver/maintenance-objects.js';
import { createKubeCluster } from '../../src/kubernetes/kube-cluster.js';
import { type Sandbox, sandboxEnvironments, startSandbox } from '../../src/kubernetes/sandbox.js';
import { loadRegistry } from '../../src/registry/load-registry.js';
import { createEngine, type Engine } from '../../src/runs/engine.js';
import type { Outcome } from '../../src/runs/outcome.js';
import { runTick } from '../../src/scheduler/run-tick.js';
import { scheduleReplies } from '../../src/scheduler/schedule-replies.js';
import { CONTENT_ROOT } from '../../src/start-opsbot.js';
import { listAudit } from '../../src/store/audit.js';
import { scheduleHistory } from '../../src/store/schedule-runs.js';
import { selfSignedCertificate, selfSignedKeyPair } from '../support/certificates.js';
import { collectLogs } from '../support/collect-logs.js';
import { testCatalog } from '../support/run-context.js';
import { createTestDb, type TestDb } from '../support/test-db.js';

const NS = 'neural-hive-mind';
let sandbox: Sandbox;
let testDb: TestDb;
let engine: Engine;
let https: Server;
const catalog: Catalog = testCatalog();

const fake = (context: string) => {
  const server = sandbox.servers[context];
  if (!server) throw new Error(`no sandbox cluster ${context}`);
  return server.cluster;
};

async function ask(text: string, userId = 'U0ALICE'): Promise<Outcome> {
  let sent: Outcome | undefined;
  await engine.run(
    { text, actor: { userId, teamId: 'T1' }, source: 'console' },
    {
      send: async (o) => {
        sent = o;
      },
      progress: async () => {},
    },
  );
  return sent as Outcome;
}

beforeAll(async () => {
  const endpoint = await selfSignedKeyPair('localhost', 3);
  https = createServer({ cert: endpoint.cert, key: endpoint.key }, (_req, res) => res.end('{"status":"ok"}'));
  await new Promise<void>((resolve) => https.listen(0, '127.0.0.1', resolve));
  const port = (https.address() as AddressInfo).port;
  const gateway = catalog.services['api-gateway'] as Catalog['services'][string];
  gateway.healthChecks = [{ name: 'public', url: `https://localhost:${port}/health` }];
  sandbox = await startSandbox(sandboxEnvironments(catalog));
  testDb = await createTestDb();
  engine = createEngine({
    registry: await loadRegistry(CONTENT_ROOT),
    catalog,
    db: testDb.db,
    cluster: createKubeCluster({ kubeConfig: sandbox.kubeConfig, sandbox: true }),
    directory: {
      groupMembers: async () => [],
      user: async (id) => ({ id, isGuest: false, isBot: false, deleted: false }),
    },
    logger: collectLogs().logger,
  });
});
afterAll(async () => {
  https?.close();
  await sandbox?.close();
  await testDb?.close();
});

describe('/ops cleanup <env>', () => {
  it('shows the plan with --dry-run, deletes finished pods and completed Jobs, keeps failed Jobs, and is audited', async () => {
    const staging = fake('staging-cluster');
    addJob(staging, NS, 'db-migrate-7', 'Complete');
    addJob(staging, NS, 'nightly-report', 'Failed');
    addJob(staging, NS, 'model-sync', 'Running');
    addBarePod(staging, NS, 'debug-shell', 'Succeeded');

    const plan = await ask('cleanup staging --dry-run');
    expect(plan).toMatchObject({
      kind: 'plan',
      plan: { summary: 'delete 1 finished pods and 1 completed Jobs in staging' },
    });
    const what = plan.kind === 'plan' ? plan.plan.changes.map((c) => `${c.what}: ${c.to}`) : [];
    expect(what).toEqual([`job ${NS}/db-migrate-7: deleted`, `pod ${NS}/debug-shell: deleted`]);
    expect(staging.store.list('jobs', NS)).toHaveLength(3);

    const done = await ask('cleanup staging');
    expect(done).toMatchObject({
      kind: 'result',
      result: { summary: 'Cleaned up staging: deleted 2 finished pods and Jobs.' },
    });
    expect(staging.store.list('jobs', NS).map((j) => j.metadata.name)).toEqual(['model-sync', 'nightly-report']);
    const pods = staging.store.list('pods', NS).map((p) => p.metadata.name);
    expect(pods.some((p) => p.startsWith('db-migrate-7-') || p === 'debug-shell')).toBe(false);
    expect(pods.some((p) => p.startsWith('nightly-report-'))).toBe(true);
    const audit = await listAudit(testDb.db, { actor: 'U0ALICE', limit: 5 });
    const succeeded = audit.find((e) => e.kind === 'command.succeeded');
    expect(JSON.stringify(succeeded)).toContain('cleanup staging');

    expect(await ask('cleanup staging')).toMatchObject({ result: { summary: 'Nothing to clean up in staging.' } });
  });

  it('is a change: refused in production without approval, and to a viewer', async () => {
    addBarePod(fake('prod-cluster'), NS, 'leftover', 'Succeeded');
    expect(await ask('cleanup prod')).toMatchObject({ kind: 'error', code: 'refused' });
    expect(await ask('cleanup staging', 'U0CAROL')).toMatchObject({ kind: 'error', code: 'forbidden' });
  });
});

describe('/ops certificates [env]', () => {
  it('reads TLS Secrets in every namespace of the environment and HTTPS endpoints: <7 days CRITICAL, <30 WARN', async () => {
    const prod = fake('prod-cluster');
    addTlsSecret(prod, NS, 'internal-tls', await selfSignedCertificate('engine.internal', 20));
    addTlsSecret(prod, 'edge', 'api-tls', await selfSignedCertificate('api.example.com', 5));
    addTlsSecret(prod, NS, 'grafana-tls', await selfSignedCertificate('grafana.example.com', 400));

    const outcome = await ask('certificates prod');
    expect(outcome.kind).toBe('result');
    const result = outcome.kind === 'result' ? outcome.result : undefined;
    expect(result?.ok).toBe(false);
    expect(result?.summary).toMatch(/^2 CRITICAL, 1 WARN of 4 certificates in prod: /);
    const lines = result?.details?.split('\n') ?? [];
    expect(lines[0]).toMatch(
      /^CRITICAL https:\/\/localhost:\d+\/health: localhost: expires \d{4}-\d\d-\d\d \(in [23] days\)$/,
    );
    expect(lines[1]).toMatch(/^CRITICAL prod\/edge secret api-tls: api\.example\.com: expires .* \(in [45] days\)$/);
    expect(lines[2]).toMatch(
      /^WARN {5}prod\/neural-hive-mind secret internal-tls: engine\.internal: expires .* \(in 1[89] days\)$/,
    );
    expect(lines[3]).toMatch(/^OK {7}prod\/neural-hive-mind secret grafana-tls: grafana\.example\.com/);
  });

  it('--problems-only says nothing when every certificate is fine; the daily check then posts nothing', async () => {
    const gateway = catalog.services['api-gateway'] as Catalog['services'][string];
    const checks = gateway.healthChecks;
    gateway.healthChecks = [];
    try {
      addTlsSecret(fake('dev-cluster'), NS, 'dev-tls', await selfSignedCertificate('dev.example.com', 90));
      const outcome = await ask('certificates dev --problems-only');
      expect(outcome).toMatchObject({
        kind: 'result',
        result: { summary: '1 certificates in dev, none expiring within 30 days.', quiet: true },
      });
      const posted: string[] = [];
      await scheduleReplies(
        catalog,
        async (channel) => void posted.push(channel),
      )({
        name: 'certificate-check',
        cron: '0 6 * * *',
        command: 'certificates',
        args: {},
        postTo: 'alerts',
      }).send(outcome);
      expect(posted).toEqual([]);
    } finally {
      gateway.healthChecks = checks;
    }
  });
});

describe('/ops secrets-age [env]', () => {
  it('lists the secrets older than the limit, without reading their values; managed types are left out', async () => {
    const staging = fake('staging-cluster');
    const opaque = (name: string, type = 'Opaque') =>
      staging.store.create('secrets', {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name, namespace: NS },
        type,
        data: { password: Buffer.from('hunter2-very-secret').toString('base64') },
      });
    staging.setTime(new Date(Date.now() - 200 * 86_400_000));
    opaque('db-credentials');
    opaque('builder-token', 'kubernetes.io/service-account-token');
    staging.setTime(new Date());
    opaque('api-keys');

    const outcome = await ask('secrets-age staging');
    expect(outcome).toMatchObject({
      kind: 'result',
      result: {
        summary: `1 of 2 secrets in staging are older than 90 days: staging/${NS} db-credentials`,
        ok: false,
      },
    });
    const details = outcome.kind === 'result' ? (outcome.result.details ?? '') : '';
    expect(details.split('\n')).toEqual([
      `OK   staging/${NS} secret api-keys (0m old)`,
      `WARN staging/${NS} secret db-credentials (200d old)`,
    ]);
    expect(JSON.stringify(outcome)).not.toContain('hunter2');
    expect(await ask('secrets-age staging --max-age 365d')).toMatchObject({
      result: { summary: '2 secrets in staging, none older than 365 days.', ok: true },
    });
  });
});

describe('a mutating schedule inside a freeze', () => {
  it('is skipped and recorded as skipped (not failed), and changes nothing', async () => {
    const staging = fake('staging-cluster');
    addBarePod(staging, NS, 'frozen-leftover', 'Succeeded');
    expect(await ask('freeze staging 2h --reason "release week"')).toMatchObject({ kind: 'result' });
    const schedule = defineSchedule({
      name: 'staging-cleanup',
      cron: '0 2 * * *',
      command: 'cleanup',
      args: { env: 'staging' },
    });
    const posted: Outcome[] = [];
    const replies = scheduleReplies(catalog, async (_channel, outcome) => void posted.push(outcome));
    const logs = collectLogs();
    const tick = new Date('2026-11-24T02:00:00Z');
    await runTick({ engine, db: testDb.db, logger: logs.logger, replica: 'r', repliesFor: replies }, schedule, tick);
    const [run] = await scheduleHistory(testDb.db, 'staging-cleanup', 1);
    expect(run).toMatchObject({ tick, state: 'skipped' });
    expect(run?.summary).toMatch(
      /^Nothing was changed: staging is frozen until .* \(release week\), so cleanup cannot run there\.$/,
    );
    expect(staging.store.get('pods', NS, 'frozen-leftover')).toBeDefined();
    // The skip is said where the schedule's failures go: the alerts channel.
    expect(posted).toMatchObject([{ kind: 'error', code: 'refused' }]);
    await ask('unfreeze staging');
  });
});
