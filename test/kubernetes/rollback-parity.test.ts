/**
 * kubectl as the oracle for the changes: two sandboxes seeded identically; kubectl acts on one,
 * the adapter on the other, and the deployments must end up the same (template and annotations,
 * revision included) — or both must refuse and leave them untouched.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Cluster, Target } from '../../src/kubernetes/cluster.js';
import type { FakeApiServer } from '../../src/kubernetes/fake-apiserver/index.js';
import type { Deployment } from '../../src/kubernetes/fake-apiserver/types.js';
import { createKubeCluster } from '../../src/kubernetes/kube-cluster.js';
import { type Sandbox, startSandbox } from '../../src/kubernetes/sandbox.js';
import { findKubectl, type Kubectl, kubectlFor } from '../support/kubectl.js';

const binary = findKubectl();
if (!binary) console.warn('kubectl parity tests skipped: no kubectl found');
const NS = 'neural-hive-mind';

describe.skipIf(!binary)('changes made by opsbot match kubectl’s on the same state', () => {
  let theirs: Sandbox;
  let ours: Sandbox;
  let kubectl: Kubectl;
  let cluster: Cluster;
  const fake = (s: Sandbox) => s.servers['prod-cluster'] as FakeApiServer;
  const target = (deployment: string): Target => ({
    env: 'prod',
    service: deployment,
    kubeContext: 'prod-cluster',
    namespace: NS,
    deployment,
  });
  const k = (...args: string[]) => kubectl.run(['-n', NS, ...args], { reject: false });
  const shape = (d: Deployment) => ({
    template: d.spec.template,
    annotations: d.metadata.annotations,
    replicas: d.spec.replicas,
  });
  const both = (name: string) =>
    [fake(theirs).cluster.deployment(NS, name), fake(ours).cluster.deployment(NS, name)] as const;

  beforeAll(async () => {
    const env = [{ name: 'prod', kubeContext: 'prod-cluster', namespace: NS, production: true }];
    const clock = () => new Date('2026-11-23T10:00:00Z');
    [theirs, ours] = [await startSandbox(env, { clock }), await startSandbox(env, { clock })];
    for (const s of [theirs, ours]) {
      fake(s).cluster.createDeployment({ namespace: NS, name: 'lonely', image: 'registry.example.com/lonely:1.0.0' });
      fake(s).cluster.createDeployment({
        namespace: NS,
        name: 'frozen',
        image: 'registry.example.com/frozen:1.0.0',
        paused: false,
      });
      fake(s).cluster.setImage(NS, 'frozen', 'registry.example.com/frozen:1.1.0');
      fake(s).cluster.patchDeployment(NS, 'frozen', { spec: { paused: true } });
    }
    kubectl = await kubectlFor(binary as string, theirs.kubeConfig);
    cluster = createKubeCluster({ kubeConfig: ours.kubeConfig, sandbox: true });
  });
  afterAll(async () => {
    await kubectl?.close();
    await theirs?.close();
    await ours?.close();
  });

  it('rollback to the previous revision', async () => {
    const before = both('api-gateway')[1];
    expect((await k('rollout', 'undo', 'deployment/api-gateway')).exitCode).toBe(0);
    const plan = await cluster.rollback(target('api-gateway'));
    const [a, b] = both('api-gateway');
    expect(shape(b)).toEqual(shape(a));
    expect(plan.fromRevision).toBe(Number(before.metadata.annotations?.['deployment.kubernetes.io/revision']));
    expect(b.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe(String(plan.fromRevision + 1));
  });

  it('rollback --to-revision', async () => {
    expect((await k('rollout', 'undo', 'deployment/neural-engine', '--to-revision=1')).exitCode).toBe(0);
    const plan = await cluster.rollback(target('neural-engine'), 1);
    const [a, b] = both('neural-engine');
    expect(shape(b)).toEqual(shape(a));
    expect(plan.toRevision).toBe(1);
  });

  it('rollback to a revision that does not exist: both refuse, nothing changes', async () => {
    const [, before] = both('backend');
    const result = await k('rollout', 'undo', 'deployment/backend', '--to-revision=99');
    expect(result.exitCode).not.toBe(0);
    await expect(cluster.rollback(target('backend'), 99)).rejects.toThrow(/has no revision 99[\s\S]*/);
    const [a, b] = both('backend');
    expect(shape(b)).toEqual(shape(before));
    expect(shape(a)).toEqual(shape(b));
  });

  it('rollback with no history: both refuse', async () => {
    expect((await k('rollout', 'undo', 'deployment/lonely')).stderr).toMatch(/no rollout history found/);
    await expect(cluster.rollback(target('lonely'))).rejects.toThrow('has no earlier revision to roll back to');
    expect(shape(both('lonely')[1])).toEqual(shape(both('lonely')[0]));
  });

  it('rollback of a paused deployment: both refuse', async () => {
    expect((await k('rollout', 'undo', 'deployment/frozen')).stderr).toMatch(/paused/);
    await expect(cluster.rollback(target('frozen'))).rejects.toThrow(
      'is paused, and a paused deployment cannot be rolled back',
    );
    expect(shape(both('frozen')[1])).toEqual(shape(both('frozen')[0]));
  });

  it('rollback to the template already running: kubectl skips, opsbot says nothing to do', async () => {
    const current = both('frontend')[1].metadata.annotations?.['deployment.kubernetes.io/revision'] as string;
    expect((await k('rollout', 'undo', 'deployment/frontend', `--to-revision=${current}`)).stdout).toMatch(
      /skipped rollback/,
    );
    await expect(cluster.rollback(target('frontend'), Number(current))).rejects.toThrow(
      `already runs the template of revision ${current}`,
    );
    expect(shape(both('frontend')[1])).toEqual(shape(both('frontend')[0]));
  });

  it('restart sets the same annotation kubectl sets', async () => {
    expect((await k('rollout', 'restart', 'deployment/worker')).exitCode).toBe(0);
    await cluster.restart(target('worker'), new Date());
    const [a, b] = both('worker');
    const key = 'kubectl.kubernetes.io/restartedAt';
    expect(b.spec.template.metadata?.annotations?.[key]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const strip = (d: Deployment) => ({
      ...shape(d),
      template: { ...d.spec.template, metadata: { ...d.spec.template.metadata, annotations: {} } },
    });
    expect(strip(b)).toEqual(strip(a));
    expect(Object.keys(b.spec.template.metadata?.annotations ?? {})).toEqual(
      Object.keys(a.spec.template.metadata?.annotations ?? {}),
    );
  });

  it('scale goes through the scale subresource to the same replicas', async () => {
    expect((await k('scale', 'deployment/backend', '--replicas=7')).exitCode).toBe(0);
    await cluster.scale(target('backend'), 7);
    const [a, b] = both('backend');
    expect(shape(b)).toEqual(shape(a));
    expect(await cluster.getReplicas(target('backend'))).toBe(7);
  });
});
