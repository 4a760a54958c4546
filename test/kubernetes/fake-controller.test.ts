/** The fake's deployment controller against the rules of TESTING.md 3.6 (pkg/controller/deployment). */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FakeApiServer, startFakeApiServer } from '../../src/kubernetes/fake-apiserver/index.js';

const NS = 'apps';
const REVISION = 'deployment.kubernetes.io/revision';
let fake: FakeApiServer;
let now: Date;

beforeEach(async () => {
  now = new Date('2026-11-23T10:00:00Z');
  fake = await startFakeApiServer({ clock: () => now });
});
afterEach(() => fake.close());

const image = (tag: string) => `registry.example.com/api:${tag}`;

describe('ReplicaSets', () => {
  it('creates <deployment>-<hash> owned by the deployment, with the hash label on selector and template', () => {
    const d = fake.cluster.createDeployment({
      namespace: NS,
      name: 'api',
      image: image('1.0.0'),
      replicas: 2,
      changeCause: 'first',
    });
    const [rs] = fake.cluster.replicaSets(NS, 'api');
    const hash = rs?.metadata.labels?.['pod-template-hash'] ?? '';
    expect(rs?.metadata.name).toBe(`api-${hash}`);
    expect(hash).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{6,10}$/);
    expect(rs?.spec.selector.matchLabels).toEqual({ app: 'api', 'pod-template-hash': hash });
    expect(rs?.spec.template.metadata?.labels).toEqual({ app: 'api', 'pod-template-hash': hash });
    expect(rs?.metadata.ownerReferences).toEqual([
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        name: 'api',
        uid: d.metadata.uid,
        controller: true,
        blockOwnerDeletion: true,
      },
    ]);
    expect(rs?.metadata.annotations).toEqual({
      [REVISION]: '1',
      'kubernetes.io/change-cause': 'first',
      'deployment.kubernetes.io/desired-replicas': '2',
      'deployment.kubernetes.io/max-replicas': '3',
    });
    const pods = fake.cluster.pods(NS, 'api');
    expect(pods.map((p) => p.metadata.ownerReferences?.[0]?.name)).toEqual([rs?.metadata.name, rs?.metadata.name]);
    expect(pods[0]?.metadata.name).toMatch(new RegExp(`^api-${hash}-[a-z0-9]{5}$`));
  });

  it('the same template always hashes the same; scaling reuses the ReplicaSet and keeps the revision', () => {
    fake.cluster.createDeployment({ namespace: NS, name: 'api', image: image('1.0.0') });
    const first = fake.cluster.replicaSets(NS, 'api')[0]?.metadata.name;
    fake.cluster.patchDeployment(NS, 'api', { spec: { replicas: 4 } });
    expect(fake.cluster.replicaSets(NS, 'api').map((rs) => rs.metadata.name)).toEqual([first]);
    const d = fake.cluster.deployment(NS, 'api');
    expect([d.metadata.generation, d.metadata.annotations?.[REVISION], d.status?.readyReplicas]).toEqual([2, '1', 4]);
  });

  it('keeps revisionHistoryLimit old ReplicaSets, dropping the oldest', () => {
    fake.cluster.createDeployment({ namespace: NS, name: 'api', image: image('1.0.0'), revisionHistoryLimit: 2 });
    for (const tag of ['1.0.1', '1.0.2', '1.0.3', '1.0.4']) fake.cluster.setImage(NS, 'api', image(tag));
    const sets = fake.cluster.replicaSets(NS, 'api');
    expect(sets.map((rs) => Number(rs.metadata.annotations?.[REVISION])).sort()).toEqual([3, 4, 5]);
    expect(sets.filter((rs) => rs.spec.replicas > 0).map((rs) => rs.spec.template.spec.containers[0]?.image)).toEqual([
      image('1.0.4'),
    ]);
  });

  it('a rollback to an old template reuses its ReplicaSet with the next revision and records the old one', () => {
    fake.cluster.createDeployment({ namespace: NS, name: 'api', image: image('1.0.0') });
    fake.cluster.setImage(NS, 'api', image('1.0.1'));
    fake.cluster.setImage(NS, 'api', image('1.0.0'));
    fake.cluster.setImage(NS, 'api', image('1.0.1'));
    const sets = fake.cluster.replicaSets(NS, 'api');
    expect(sets).toHaveLength(2);
    const byImage = Object.fromEntries(
      sets.map((rs) => [rs.spec.template.spec.containers[0]?.image, rs.metadata.annotations]),
    );
    expect(byImage[image('1.0.0')]).toMatchObject({
      [REVISION]: '3',
      'deployment.kubernetes.io/revision-history': '1',
    });
    expect(byImage[image('1.0.1')]).toMatchObject({
      [REVISION]: '4',
      'deployment.kubernetes.io/revision-history': '2',
    });
  });
});

describe('rollouts', () => {
  it('holds a rollout at N updated, moves lastUpdateTime on progress, and trips the deadline', () => {
    fake.cluster.createDeployment({
      namespace: NS,
      name: 'api',
      image: image('1.0.0'),
      replicas: 3,
      progressDeadlineSeconds: 60,
    });
    fake.cluster.setRolloutBehaviour({ mode: 'hold', updated: 1 }, { namespace: NS, name: 'api' });
    fake.cluster.setImage(NS, 'api', image('2.0.0'));
    const progressing = () =>
      fake.cluster.deployment(NS, 'api').status?.conditions?.find((c) => c.type === 'Progressing');
    expect(fake.cluster.deployment(NS, 'api').status).toMatchObject({
      replicas: 3,
      updatedReplicas: 1,
      readyReplicas: 3,
    });
    expect(progressing()).toMatchObject({ status: 'True', reason: 'ReplicaSetUpdated' });

    now = new Date(now.getTime() + 30_000);
    fake.cluster.setRolloutBehaviour({ mode: 'hold', updated: 2 }, { namespace: NS, name: 'api' });
    expect(progressing()?.lastUpdateTime).toBe('2026-11-23T10:00:30Z');
    fake.cluster.advance(45_000);
    expect(progressing()).toMatchObject({ status: 'True', reason: 'ReplicaSetUpdated' });
    fake.cluster.advance(30_000);
    expect(progressing()).toMatchObject({
      status: 'False',
      reason: 'ProgressDeadlineExceeded',
      message: expect.stringMatching(/^ReplicaSet "api-\w+" has timed out progressing\.$/),
    });
    fake.cluster.setRolloutBehaviour({ mode: 'complete' });
    expect(progressing()?.reason).toBe('ProgressDeadlineExceeded');
    fake.cluster.setRolloutBehaviour({ mode: 'complete' }, { namespace: NS, name: 'api' });
    expect(progressing()).toMatchObject({ status: 'True', reason: 'NewReplicaSetAvailable' });
    expect(fake.cluster.pods(NS, 'api').map((p) => p.spec.containers[0]?.image)).toEqual([
      image('2.0.0'),
      image('2.0.0'),
      image('2.0.0'),
    ]);
  });

  it('a paused deployment records template changes without rolling them out', () => {
    fake.cluster.createDeployment({ namespace: NS, name: 'api', image: image('1.0.0'), replicas: 2 });
    fake.cluster.patchDeployment(NS, 'api', { spec: { paused: true } });
    fake.cluster.setImage(NS, 'api', image('2.0.0'));
    const d = fake.cluster.deployment(NS, 'api');
    expect(fake.cluster.replicaSets(NS, 'api')).toHaveLength(1);
    expect(d.status?.conditions?.find((c) => c.type === 'Progressing')).toMatchObject({
      status: 'Unknown',
      reason: 'DeploymentPaused',
    });
    fake.cluster.patchDeployment(NS, 'api', { spec: { paused: false } });
    expect(fake.cluster.replicaSets(NS, 'api')).toHaveLength(2);
    expect(fake.cluster.deployment(NS, 'api').metadata.annotations?.[REVISION]).toBe('2');
  });
});

describe('pods', () => {
  it('a deleted pod is replaced by its ReplicaSet; crash-looping pods make the deployment unavailable', async () => {
    fake.cluster.createDeployment({ namespace: NS, name: 'api', image: image('1.0.0'), replicas: 2 });
    const [first] = fake.cluster.pods(NS, 'api');
    const response = await fetch(`${fake.url}/api/v1/namespaces/${NS}/pods/${first?.metadata.name}`, {
      method: 'DELETE',
    });
    expect(response.status).toBe(200);
    const after = fake.cluster.pods(NS, 'api').map((p) => p.metadata.name);
    expect(after).toHaveLength(2);
    expect(after).not.toContain(first?.metadata.name);

    fake.cluster.crashPods(NS, 'api', { reason: 'OOMKilled' });
    const d = fake.cluster.deployment(NS, 'api');
    expect(d.status?.readyReplicas).toBeUndefined();
    expect(d.status?.unavailableReplicas).toBe(2);
    expect(d.status?.conditions?.find((c) => c.type === 'Available')).toMatchObject({
      status: 'False',
      reason: 'MinimumReplicasUnavailable',
    });
    // A finished rollout stays "NewReplicaSetAvailable" when its pods later crash, as in Kubernetes.
    expect(d.status?.conditions?.find((c) => c.type === 'Progressing')?.reason).toBe('NewReplicaSetAvailable');
    const pod = fake.cluster.pods(NS, 'api')[0];
    expect(pod?.status.containerStatuses?.[0]).toMatchObject({
      ready: false,
      state: { waiting: { reason: 'CrashLoopBackOff' } },
      lastState: { terminated: { reason: 'OOMKilled', exitCode: 137 } },
    });
  });
});
