import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Target } from '../../src/kubernetes/cluster.js';
import { createKubeCluster } from '../../src/kubernetes/kube-cluster.js';
import { type Sandbox, sandboxEnvironments, startSandbox } from '../../src/kubernetes/sandbox.js';
import { testCatalog } from '../support/run-context.js';

describe('sandboxEnvironments', () => {
  it('covers every environment namespace and the namespaces of per-environment overrides', () => {
    const envs = sandboxEnvironments(testCatalog());
    expect(envs.map((e) => `${e.name} ${e.kubeContext} ${e.namespace} ${e.deployments?.join(',')}`)).toEqual([
      'dev dev-cluster neural-hive-mind api-gateway,neural-engine,backend,frontend,worker',
      'staging staging-cluster neural-hive-mind api-gateway,neural-engine,backend,frontend,worker',
      'prod prod-cluster neural-hive-mind neural-engine,backend,frontend,worker',
      'prod prod-cluster edge api-gateway',
    ]);
  });
});

describe('startSandbox', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox([
      { name: 'dev', kubeContext: 'dev-cluster', namespace: 'apps' },
      { name: 'staging', kubeContext: 'dev-cluster', namespace: 'apps-staging' },
      { name: 'prod', kubeContext: 'prod-cluster', namespace: 'apps', production: true },
    ]);
  });
  afterAll(() => sandbox.close());

  const target = (env: string, kubeContext: string, namespace: string, deployment: string): Target => ({
    env,
    service: deployment,
    kubeContext,
    namespace,
    deployment,
  });

  it('runs one fake API server per kube context and gives a kubeconfig for it', () => {
    expect(Object.keys(sandbox.servers)).toEqual(['dev-cluster', 'prod-cluster']);
    expect(sandbox.kubeConfigOptions.contexts.map((c) => c.name)).toEqual(['dev-cluster', 'prod-cluster']);
    for (const c of sandbox.kubeConfigOptions.clusters) {
      expect(c).toEqual({ name: c.name, server: sandbox.servers[c.name]?.url, skipTLSVerify: true });
    }
    expect(sandbox.kubeConfig.getCurrentContext()).toBe('dev-cluster');
  });

  it('seeds the five services with realistic replicas and several revisions per environment', async () => {
    const cluster = createKubeCluster({ kubeConfig: sandbox.kubeConfig, sandbox: true });
    expect(cluster.sandbox).toBe(true);
    const prod = await Promise.all(
      ['api-gateway', 'neural-engine', 'backend', 'frontend', 'worker'].map((d) =>
        cluster.getDeployment(target('prod', 'prod-cluster', 'apps', d)),
      ),
    );
    expect(prod.map((d) => [d.name, d.desiredReplicas, d.readyReplicas, d.revision, d.rollout.state])).toEqual([
      ['api-gateway', 4, 4, 4, 'complete'],
      ['neural-engine', 6, 6, 4, 'complete'],
      ['backend', 3, 3, 4, 'complete'],
      ['frontend', 3, 3, 4, 'complete'],
      ['worker', 4, 4, 4, 'complete'],
    ]);
    const dev = await cluster.getDeployment(target('dev', 'dev-cluster', 'apps', 'api-gateway'));
    expect([dev.desiredReplicas, dev.revision, dev.images['api-gateway']]).toEqual([
      1,
      4,
      'registry.example.com/api-gateway:1.5.0',
    ]);
    const staging = await cluster.rolloutHistory(target('staging', 'dev-cluster', 'apps-staging', 'backend'));
    expect(staging.map((r) => `${r.revision} ${r.images.backend} ${r.current ? 'current' : ''}`.trim())).toEqual([
      '1 registry.example.com/backend:3.12.0',
      '2 registry.example.com/backend:3.12.2',
      '3 registry.example.com/backend:3.13.0 current',
    ]);
    expect(
      staging.every((r) => /^deploy \S+ by U0(ALICE|BOB|CAROL) \(req [0-9a-f]{6}\)$/.test(r.changeCause ?? '')),
    ).toBe(true);
  });

  it('shuts every server down on close', async () => {
    const other = await startSandbox([{ kubeContext: 'ctx', namespace: 'ns', deployments: ['payments'] }]);
    const url = other.servers.ctx?.url;
    const cluster = createKubeCluster({ kubeConfig: other.kubeConfig, sandbox: true });
    // A deployment the sandbox has no seed for still gets a plausible history.
    expect((await cluster.getDeployment(target('dev', 'ctx', 'ns', 'payments'))).images.payments).toBe(
      'registry.example.com/payments:1.2.0',
    );
    await other.close();
    await expect(fetch(`${url}/version`)).rejects.toThrow();
  });
});
