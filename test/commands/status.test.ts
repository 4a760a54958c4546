import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import status from '../../commands/status.js';
import { isOpsError } from '../../src/errors.js';
import { createKubeCluster } from '../../src/kubernetes/kube-cluster.js';
import { createRunContext, type TestRunContext } from '../support/run-context.js';

describe('/ops status <service> <env>', () => {
  let t: TestRunContext;
  beforeAll(async () => {
    t = await createRunContext();
  });
  afterAll(() => t.close());

  it('answers in one line: ready replicas, revision, image and whether the rollout is complete', async () => {
    const result = await t.run(status, { service: 'api-gateway', env: 'prod' });
    expect(result.summary).toBe(
      'api-gateway in prod: 4/4 ready, revision 4, image api-gateway:1.4.2, rollout complete',
    );
    expect(result.ok).toBe(true);
    // The catalog puts api-gateway in namespace edge in prod; the details say where it looked.
    expect(result.details).toContain('deployment  edge/api-gateway (context prod-cluster)');
    expect(result.details).toContain('replicas    desired 4, updated 4, ready 4, available 4');
    expect(result.details).toContain('image       api-gateway=registry.example.com/api-gateway:1.4.2');
    expect(result.details).toMatch(
      /Progressing True NewReplicaSetAvailable: ReplicaSet "api-gateway-\w+" has successfully progressed\./,
    );
    const podLines = result.details?.split('\n').filter((line) => line.startsWith('api-gateway-')) ?? [];
    expect(podLines).toHaveLength(4);
    expect(podLines[0]).toMatch(/^api-gateway-\w+-\w{5}\s+1\/1\s+Running\s+0\s+1d2h$/);
  });

  it('shows a rollout that is still going, as kubectl rollout status would', async () => {
    const fake = t.sandbox.servers['staging-cluster'];
    fake?.cluster.setRolloutBehaviour({ mode: 'hold', updated: 1 }, { namespace: 'neural-hive-mind', name: 'backend' });
    fake?.cluster.setImage('neural-hive-mind', 'backend', 'registry.example.com/backend:3.14.0');
    const result = await t.run(status, { service: 'backend', env: 'staging' });
    expect(result.summary).toBe(
      'backend in staging: 2/2 ready, revision 4, image backend:3.14.0, 1 of 2 new replicas updated',
    );
  });

  it('says FAILED when the rollout exceeded its progress deadline, and names the crash-looping pods', async () => {
    const fake = t.sandbox.servers['dev-cluster'];
    fake?.cluster.setRolloutBehaviour({ mode: 'crash' }, { namespace: 'neural-hive-mind', name: 'frontend' });
    fake?.cluster.setImage('neural-hive-mind', 'frontend', 'registry.example.com/frontend:5.5.0-broken');
    fake?.cluster.advance(11 * 60_000);
    const result = await t.run(status, { service: 'frontend', env: 'dev' });
    expect(result.summary).toBe(
      'frontend in dev: 1/1 ready, revision 5, image frontend:5.5.0-broken, ' +
        'rollout FAILED: progress deadline exceeded; 1 pod CrashLoopBackOff',
    );
    expect(result.ok).toBe(false);
    expect(result.details).toMatch(
      /Progressing False ProgressDeadlineExceeded: ReplicaSet "frontend-\w+" has timed out/,
    );
  });

  it('leaves the SANDBOX label to the renderers: the summary reads the same on any cluster', async () => {
    const real = { ...t.ctx, k8s: createKubeCluster({ kubeConfig: t.sandbox.kubeConfig, sandbox: false }) };
    const onReal = await status.run(real, { service: 'worker', env: 'prod' });
    const onSandbox = await t.run(status, { service: 'worker', env: 'prod' });
    expect(onReal.summary).toBe('worker in prod: 4/4 ready, revision 4, image worker:1.9.2, rollout complete');
    expect(onSandbox.summary).toBe(onReal.summary);
  });

  it('names the deployment, namespace and context when the deployment does not exist', async () => {
    const ctx = {
      ...t.ctx,
      target: (s: string, e: string) => ({ ...t.ctx.target(s, e), deployment: 'workers' }),
    };
    const error = await status.run(ctx, { service: 'worker', env: 'dev' }).catch((e: unknown) => e);
    expect(isOpsError(error) && error.code).toBe('not_found');
    expect((error as Error).message).toBe(
      'Deployment "workers" not found in namespace "neural-hive-mind" (context dev-cluster, environment dev).',
    );
  });
});
