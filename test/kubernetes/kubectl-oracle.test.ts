/**
 * kubectl as the oracle (TESTING.md 3.8): kubectl's own get, rollout history/status/undo/restart/pause,
 * scale, set image and logs drive the sandbox's fake kube-apiserver, and what kubectl sees must agree
 * with what our client-node adapter reports. A fake that diverged from Kubernetes would fail here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Cluster, Target } from '../../src/kubernetes/cluster.js';
import type { FakeApiServer } from '../../src/kubernetes/fake-apiserver/index.js';
import type { Deployment, ReplicaSet } from '../../src/kubernetes/fake-apiserver/types.js';
import { createKubeCluster } from '../../src/kubernetes/kube-cluster.js';
import { type Sandbox, startSandbox } from '../../src/kubernetes/sandbox.js';
import { findKubectl, type Kubectl, kubectlFor } from '../support/kubectl.js';

const binary = findKubectl();
if (!binary)
  console.warn('kubectl oracle tests skipped: no kubectl found (looked in /usr/lib/google-cloud-sdk/bin and PATH)');

const NS = 'neural-hive-mind';
const REVISION = 'deployment.kubernetes.io/revision';

describe.skipIf(!binary)('kubectl against the sandbox agrees with the adapter', () => {
  let sandbox: Sandbox;
  let fake: FakeApiServer;
  let cluster: Cluster;
  let kubectl: Kubectl;
  const target = (deployment: string): Target => ({
    env: 'prod',
    service: deployment,
    kubeContext: 'prod-cluster',
    namespace: NS,
    deployment,
  });
  const k = (...args: string[]) => kubectl.run(['-n', NS, ...args]);

  beforeAll(async () => {
    sandbox = await startSandbox([{ name: 'prod', kubeContext: 'prod-cluster', namespace: NS, production: true }]);
    fake = sandbox.servers['prod-cluster'] as FakeApiServer;
    cluster = createKubeCluster({ kubeConfig: sandbox.kubeConfig, sandbox: true });
    kubectl = await kubectlFor(binary as string, sandbox.kubeConfig);
  });
  afterAll(async () => {
    await kubectl?.close();
    await sandbox?.close();
  });

  it('kubectl get deploy -o json shows the replicas, revision and images the adapter reports', async () => {
    const list = JSON.parse((await k('get', 'deployments', '-o', 'json')).stdout) as { items: Deployment[] };
    expect(list.items.map((d) => d.metadata.name)).toEqual([
      'api-gateway',
      'backend',
      'frontend',
      'neural-engine',
      'worker',
    ]);
    for (const item of list.items) {
      const ours = await cluster.getDeployment(target(item.metadata.name));
      expect(item.kind).toBe('Deployment');
      expect({
        revision: Number(item.metadata.annotations?.[REVISION]),
        desired: item.spec.replicas,
        ready: item.status?.readyReplicas,
        images: Object.fromEntries(item.spec.template.spec.containers.map((c) => [c.name, c.image])),
      }).toEqual({
        revision: ours.revision,
        desired: ours.desiredReplicas,
        ready: ours.readyReplicas,
        images: ours.images,
      });
    }
  });

  it('kubectl rollout history lists the revisions and change-causes the adapter reports', async () => {
    const { stdout } = await k('rollout', 'history', 'deployment/api-gateway');
    const rows = stdout.split('\n').flatMap((line) => {
      const match = /^(\d+)\s+(.*?)\s*$/.exec(line);
      return match ? [[Number(match[1]), match[2]]] : [];
    });
    const ours = await cluster.rolloutHistory(target('api-gateway'));
    expect(rows).toEqual(ours.map((r) => [r.revision, r.changeCause ?? '<none>']));
    expect(rows).toHaveLength(4);
  });

  it('kubectl rollout status succeeds on a finished rollout', async () => {
    const { stdout } = await k('rollout', 'status', 'deployment/worker', '--timeout=10s');
    expect(stdout.trim()).toBe('deployment "worker" successfully rolled out');
    expect((await cluster.getDeployment(target('worker'))).rollout.state).toBe('complete');
  });

  it('kubectl rollout status waits on a held rollout over a watch, and finishes when it completes', async () => {
    fake.cluster.setRolloutBehaviour({ mode: 'hold', updated: 1 }, { namespace: NS, name: 'backend' });
    fake.cluster.setImage(NS, 'backend', 'registry.example.com/backend:3.13.0');
    const watching = k('rollout', 'status', 'deployment/backend', '--timeout=10s');
    let out = '';
    await new Promise<void>((resolve, reject) => {
      watching.stdout?.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('Waiting')) resolve();
      });
      watching.catch(reject);
    });
    expect(out).toContain(
      'Waiting for deployment "backend" rollout to finish: 1 out of 3 new replicas have been updated...',
    );
    expect((await cluster.getDeployment(target('backend'))).rollout).toEqual({
      state: 'progressing',
      message: '1 of 3 new replicas updated',
    });
    fake.cluster.setRolloutBehaviour({ mode: 'complete' }, { namespace: NS, name: 'backend' });
    const { stdout } = await watching;
    expect(stdout.trim().split('\n').at(-1)).toBe('deployment "backend" successfully rolled out');
    // It followed the rollout over a watch on this one deployment, as TESTING.md 3.4 says.
    const watches = fake.requests.filter((r) => r.query.watch === 'true' && r.path.endsWith('/deployments'));
    expect(watches.map((r) => r.query.fieldSelector)).toContain('metadata.name=backend');
  });

  it('kubectl rollout status fails when the rollout exceeds its progress deadline', async () => {
    fake.cluster.setRolloutBehaviour({ mode: 'crash' }, { namespace: NS, name: 'frontend' });
    fake.cluster.setImage(NS, 'frontend', 'registry.example.com/frontend:9.9.9-broken');
    fake.cluster.advance(601_000);
    const result = await kubectl.run(['-n', NS, 'rollout', 'status', 'deployment/frontend', '--timeout=10s'], {
      reject: false,
    });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('error: deployment "frontend" exceeded its progress deadline');
    expect((await cluster.getDeployment(target('frontend'))).rollout).toEqual({
      state: 'failed',
      message: 'progress deadline exceeded',
    });
  });

  it('kubectl rollout undo restores the previous revision’s template; the controller renumbers it', async () => {
    const before = fake.cluster.replicaSets(NS, 'api-gateway');
    const previous = before.find((rs) => rs.metadata.annotations?.[REVISION] === '3') as ReplicaSet;
    expect((await k('rollout', 'undo', 'deployment/api-gateway')).stdout.trim()).toBe(
      'deployment.apps/api-gateway rolled back',
    );

    const deployment = fake.cluster.deployment(NS, 'api-gateway');
    const expected = structuredClone(previous.spec.template);
    delete expected.metadata?.labels?.['pod-template-hash'];
    expect(deployment.spec.template).toEqual(expected);
    // kubectl replaced the annotations with the ReplicaSet's: its change-cause comes back too.
    expect(deployment.metadata.annotations?.['kubernetes.io/change-cause']).toBe(
      previous.metadata.annotations?.['kubernetes.io/change-cause'],
    );
    const reused = fake.cluster
      .replicaSets(NS, 'api-gateway')
      .find((rs) => rs.metadata.name === previous.metadata.name);
    expect(reused?.metadata.annotations).toMatchObject({
      [REVISION]: '5',
      'deployment.kubernetes.io/revision-history': '3',
    });

    const history = await cluster.rolloutHistory(target('api-gateway'));
    expect(history.map((r) => [r.revision, r.images['api-gateway'], r.current])).toEqual([
      [1, 'registry.example.com/api-gateway:1.3.9', false],
      [2, 'registry.example.com/api-gateway:1.4.0', false],
      [4, 'registry.example.com/api-gateway:1.4.2', false],
      [5, 'registry.example.com/api-gateway:1.4.1', true],
    ]);
    const patch = fake.requests
      .filter((r) => r.method === 'PATCH' && r.path.endsWith('/deployments/api-gateway'))
      .at(-1);
    expect(patch?.contentType).toBe('application/json-patch+json');

    await k('rollout', 'undo', 'deployment/api-gateway', '--to-revision=1');
    const d = await cluster.getDeployment(target('api-gateway'));
    expect([d.revision, d.images['api-gateway'], d.rollout.state]).toEqual([
      6,
      'registry.example.com/api-gateway:1.3.9',
      'complete',
    ]);
    const same = await k('rollout', 'undo', 'deployment/api-gateway', '--to-revision=6');
    expect(same.stdout.trim()).toBe(
      'deployment.apps/api-gateway skipped rollback (current template already matches revision 6)',
    );
  });

  it('kubectl refuses to undo a paused deployment, as the adapter reports it paused', async () => {
    await k('rollout', 'pause', 'deployment/worker');
    expect((await cluster.getDeployment(target('worker'))).rollout).toEqual({
      state: 'paused',
      message: 'rollout paused',
    });
    const result = await kubectl.run(['-n', NS, 'rollout', 'undo', 'deployment/worker'], { reject: false });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('you cannot rollback a paused deployment');
    await k('rollout', 'resume', 'deployment/worker');
    expect((await cluster.getDeployment(target('worker'))).rollout.state).toBe('complete');
  });

  it('kubectl scale, set image and rollout restart change what the adapter reads', async () => {
    await k('scale', 'deployment/neural-engine', '--replicas=8');
    const scaled = await cluster.getDeployment(target('neural-engine'));
    expect([scaled.desiredReplicas, scaled.readyReplicas, scaled.revision]).toEqual([8, 8, 4]);
    expect(fake.requests.some((r) => r.method === 'PATCH' && r.path.endsWith('/neural-engine/scale'))).toBe(true);

    await k('set', 'image', 'deployment/neural-engine', 'model-sync=registry.example.com/model-sync:0.7.0');
    const updated = await cluster.getDeployment(target('neural-engine'));
    expect(updated.images).toEqual({
      'neural-engine': 'registry.example.com/neural-engine:2.9.0',
      'model-sync': 'registry.example.com/model-sync:0.7.0',
    });
    expect(Object.keys(updated.images)).toEqual(['neural-engine', 'model-sync']);
    expect(updated.revision).toBe(5);

    await k('rollout', 'restart', 'deployment/neural-engine');
    const restarted = fake.cluster.deployment(NS, 'neural-engine');
    expect(restarted.spec.template.metadata?.annotations?.['kubectl.kubernetes.io/restartedAt']).toMatch(
      /^\d{4}-\d\d-\d\dT/,
    );
    const pods = await cluster.listPods(target('neural-engine'));
    expect(pods).toHaveLength(8);
    expect((await cluster.getDeployment(target('neural-engine'))).revision).toBe(6);
  });

  it('kubectl logs --previous reads what the crashed container printed', async () => {
    const [pod] = fake.cluster.crashPods(NS, 'worker', {
      reason: 'OOMKilled',
      count: 1,
      previousLogs: ['loading batch 7', 'heap 99%'],
    });
    const name = pod?.metadata.name as string;
    expect((await k('logs', name, '--previous')).stdout).toBe('loading batch 7\nheap 99%');
    const noPrevious = await kubectl.run(
      ['-n', NS, 'logs', fake.cluster.pods(NS, 'backend')[0]?.metadata.name as string, '--previous'],
      { reject: false },
    );
    expect(noPrevious.stderr).toContain('previous terminated container "backend" in pod');
  });
});
