/**
 * The real adapter (our transport over HTTP) against the fake kube-apiserver: what it reads,
 * and how every kind of failure reaches the user as an OpsError that says what to do. The
 * credentials come from a client-node KubeConfig here, which the adapter accepts as well as its own.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AppsV1Api, KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isOpsError, type OpsError } from '../../src/errors.js';
import type { Cluster, Target } from '../../src/kubernetes/cluster.js';
import { type FakeApiServer, startFakeApiServer } from '../../src/kubernetes/fake-apiserver/index.js';
import { createKubeCluster, loadKubeConfig } from '../../src/kubernetes/kube-cluster.js';
import { translateKubeError } from '../../src/kubernetes/kube-errors.js';

let fake: FakeApiServer;
let cluster: Cluster;
let kubeConfig: KubeConfig;
const target: Target = {
  env: 'prod',
  service: 'api-gateway',
  kubeContext: 'prod-cluster',
  namespace: 'edge',
  deployment: 'api-gateway',
};

function configFor(server: string, token = 't0ken') {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'prod', server, skipTLSVerify: true }],
    users: [{ name: 'opsbot', token }],
    contexts: [{ name: 'prod-cluster', cluster: 'prod', user: 'opsbot' }],
    currentContext: 'prod-cluster',
  });
  return kc;
}

async function failure(promise: Promise<unknown>): Promise<OpsError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isOpsError(error)) throw new Error(`expected an OpsError, got ${String(error)}`);
  return error;
}

beforeAll(async () => {
  fake = await startFakeApiServer({ token: 't0ken' });
  const c = fake.cluster;
  c.setTime(new Date(Date.now() - 3 * 86_400_000));
  c.createDeployment({
    namespace: 'edge',
    name: 'api-gateway',
    image: 'registry.example.com/api-gateway:1.4.1',
    replicas: 3,
    changeCause: 'deploy 1.4.1 by U0BOB',
  });
  c.setTime(new Date(Date.now() - 3_600_000));
  c.setImage('edge', 'api-gateway', 'registry.example.com/api-gateway:1.4.2', {
    changeCause: 'deploy 1.4.2 by U0ALICE',
  });
  c.setTime(new Date());
  kubeConfig = configFor(fake.url);
  cluster = createKubeCluster({ kubeConfig, sandbox: false });
});
afterAll(() => fake.close());

describe('reading', () => {
  it('reads a deployment: replicas, revision, images, conditions, rollout state', async () => {
    const d = await cluster.getDeployment(target);
    expect(d).toMatchObject({
      name: 'api-gateway',
      namespace: 'edge',
      generation: 2,
      observedGeneration: 2,
      desiredReplicas: 3,
      replicas: 3,
      updatedReplicas: 3,
      readyReplicas: 3,
      availableReplicas: 3,
      paused: false,
      revision: 2,
      images: { 'api-gateway': 'registry.example.com/api-gateway:1.4.2' },
      rollout: { state: 'complete', message: 'rollout complete' },
    });
    expect(d.conditions.map((c) => `${c.type}=${c.status}/${c.reason}`)).toEqual([
      'Available=True/MinimumReplicasAvailable',
      'Progressing=True/NewReplicaSetAvailable',
    ]);
    expect(cluster.sandbox).toBe(false);
  });

  it('lists revisions from ReplicaSets the deployment controls, ignoring look-alikes it does not own', async () => {
    const owned = fake.cluster.replicaSets('edge', 'api-gateway')[0];
    if (!owned) throw new Error('no ReplicaSet');
    fake.cluster.store.create('replicasets', {
      ...owned,
      metadata: {
        ...owned.metadata,
        name: 'api-gateway-orphan',
        ownerReferences: [],
        annotations: { 'deployment.kubernetes.io/revision': '9' },
      },
    });
    const history = await cluster.rolloutHistory(target);
    expect(history.map((r) => [r.revision, r.images['api-gateway'], r.changeCause, r.replicas, r.current])).toEqual([
      [1, 'registry.example.com/api-gateway:1.4.1', 'deploy 1.4.1 by U0BOB', 0, false],
      [2, 'registry.example.com/api-gateway:1.4.2', 'deploy 1.4.2 by U0ALICE', 3, true],
    ]);
    expect(history[1]?.replicaSet).toMatch(/^api-gateway-[bcdfghjklmnpqrstvwxz2456789]+$/);
  });

  it('lists pods with readiness, restarts, waiting reason and last termination', async () => {
    fake.cluster.crashPods('edge', 'api-gateway', { reason: 'OOMKilled', restarts: 4, count: 1 });
    const pods = await cluster.listPods(target);
    expect(pods).toHaveLength(3);
    const crashed = pods.find((p) => !p.ready);
    expect(crashed).toMatchObject({
      phase: 'Running',
      readyContainers: '0/1',
      restarts: 4,
      waitingReason: 'CrashLoopBackOff',
      lastTermination: { reason: 'OOMKilled', exitCode: 137 },
    });
    expect(crashed?.node).toMatch(/^gke-/);
    expect((await cluster.getDeployment(target)).readyReplicas).toBe(2);
  });

  it('reports a held rollout as progressing', async () => {
    fake.cluster.setRolloutBehaviour({ mode: 'hold', updated: 1 }, { namespace: 'edge', name: 'api-gateway' });
    fake.cluster.setImage('edge', 'api-gateway', 'registry.example.com/api-gateway:1.4.3');
    const d = await cluster.getDeployment(target);
    expect(d.rollout).toEqual({ state: 'progressing', message: '1 of 3 new replicas updated' });
    fake.cluster.setRolloutBehaviour({ mode: 'complete' }, { namespace: 'edge', name: 'api-gateway' });
    expect((await cluster.getDeployment(target)).rollout.state).toBe('complete');
  });
});

describe('errors become OpsErrors', () => {
  it('404: names the deployment, namespace, context and where to fix it', async () => {
    const error = await failure(cluster.getDeployment({ ...target, deployment: 'api-gw' }));
    expect(error.code).toBe('not_found');
    expect(error.userMessage).toBe(
      'Deployment "api-gw" not found in namespace "edge" (context prod-cluster, environment prod).',
    );
    expect(error.hint).toContain('services.api-gateway.deployment (or its env.prod override)');
  });

  it('403: names the verb and resource the bot account lacks', async () => {
    const remove = fake.injectFault({ path: /\/replicasets$/, status: 403 });
    try {
      const error = await failure(cluster.rolloutHistory(target));
      expect(error.code).toBe('forbidden');
      expect(error.userMessage).toContain('opsbot\'s Kubernetes account may not list replicasets in namespace "edge"');
      expect(error.userMessage).toContain('cannot list resource "replicasets" in API group "apps"');
      expect(error.hint).toContain('"list" on replicasets in namespace edge');
    } finally {
      remove();
    }
  });

  it('500: k8s_error with the server message and a retry hint', async () => {
    fake.injectFault({ path: /\/pods$/, status: 500, message: 'etcdserver: request timed out', times: 1 });
    const error = await failure(cluster.listPods(target));
    expect(error.code).toBe('k8s_error');
    expect(error.userMessage).toBe(
      'Kubernetes answered 500 InternalError to list pods in namespace "edge" (context prod-cluster, environment prod): etcdserver: request timed out',
    );
    expect(error.hint).toContain('Try again in a minute');
  });

  it('401 and unreachable servers say which context and what to check', async () => {
    const badToken = createKubeCluster({ kubeConfig: configFor(fake.url, 'expired'), sandbox: false });
    const unauthorized = await failure(badToken.getDeployment(target));
    expect(unauthorized.code).toBe('k8s_error');
    expect(unauthorized.userMessage).toContain("rejected opsbot's credentials for context prod-cluster");
    const gone = await startFakeApiServer();
    await gone.close();
    const unreachable = await failure(
      createKubeCluster({ kubeConfig: configFor(gone.url), sandbox: false }).getDeployment(target),
    );
    expect(unreachable.code).toBe('k8s_error');
    expect(unreachable.userMessage).toContain(
      `Could not reach the Kubernetes API of context prod-cluster at ${gone.url}`,
    );
  });

  it('an environment whose kube context is not in the kubeconfig is a config error', async () => {
    const error = await failure(cluster.getDeployment({ ...target, kubeContext: 'stg-cluster', env: 'staging' }));
    expect(error.code).toBe('config');
    expect(error.userMessage).toContain(
      'Kube context "stg-cluster" (environment staging) is not in the kubeconfig; it has: prod-cluster',
    );
  });

  it('409 from a stale write becomes k8s_conflict', async () => {
    const apps = kubeConfig.makeApiClient(AppsV1Api);
    const stale = await apps.readNamespacedDeployment({ name: 'api-gateway', namespace: 'edge' });
    fake.cluster.patchDeployment('edge', 'api-gateway', { spec: { replicas: 4 } });
    const raw = await apps
      .replaceNamespacedDeployment({ name: 'api-gateway', namespace: 'edge', body: stale })
      .catch((e: unknown) => e);
    const error = translateKubeError(raw, { verb: 'update', resource: 'deployments', target });
    expect(error.code).toBe('k8s_conflict');
    expect(error.userMessage).toContain(
      'Deployment "api-gateway" in namespace "edge" (context prod-cluster, environment prod) changed',
    );
    expect(error.hint).toContain('Run the command again');
  });
});

describe('loadKubeConfig', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'opsbot-kubeconfig-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('reads KUBECONFIG (several files joined by ":", first definition wins) and nothing means sandbox', async () => {
    const first = path.join(dir, 'a.json');
    const second = path.join(dir, 'b.json');
    await writeFile(first, kubeConfig.exportConfig());
    // A second file that defines prod-cluster again (ignored: the first wins) and adds stg-cluster.
    const other = {
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'prod', cluster: { server: 'http://127.0.0.1:1', 'insecure-skip-tls-verify': true } }],
      users: [{ name: 'opsbot', user: { token: 'other' } }],
      contexts: [
        { name: 'prod-cluster', context: { cluster: 'prod', user: 'opsbot' } },
        { name: 'stg-cluster', context: { cluster: 'prod', user: 'opsbot' } },
      ],
      'current-context': 'stg-cluster',
    };
    await writeFile(second, JSON.stringify(other));
    const loaded = loadKubeConfig({ kubeconfig: `${first}:${second}` });
    expect(loaded?.getContexts().map((c) => c.name)).toEqual(['prod-cluster', 'stg-cluster']);
    const d = await createKubeCluster({ kubeConfig: loaded as KubeConfig, sandbox: false }).getDeployment(target);
    expect(d.name).toBe('api-gateway');
    expect(loadKubeConfig({})).toBeUndefined();
  });

  it('a missing file is a config error naming KUBECONFIG', () => {
    const missing = path.join(dir, 'missing.yaml');
    expect(() => loadKubeConfig({ kubeconfig: missing })).toThrowError(expect.objectContaining({ code: 'config' }));
    try {
      loadKubeConfig({ kubeconfig: missing });
    } catch (error) {
      expect((error as OpsError).userMessage).toContain(
        `Could not load Kubernetes credentials from KUBECONFIG (${missing})`,
      );
    }
  });
});
