import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pods from '../../commands/pods.js';
import { createRunContext, type TestRunContext } from '../support/run-context.js';

describe('/ops pods <service> <env>', () => {
  let t: TestRunContext;
  beforeAll(async () => {
    t = await createRunContext();
  });
  afterAll(() => t.close());

  it('counts pods, readiness and restarts, and shows each pod with node and age', async () => {
    const result = await t.run(pods, { service: 'neural-engine', env: 'prod' });
    expect(result.summary).toBe('neural-engine in prod: 6 pods, 6 ready, 0 restarts');
    const lines = result.details?.split('\n') ?? [];
    expect(lines[0]).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+LAST TERMINATION\s+AGE\s+NODE$/);
    expect(lines).toHaveLength(7);
    // neural-engine runs a model-sync sidecar: two containers per pod.
    expect(lines[1]).toMatch(/^neural-engine-\w+-\w{5}\s+2\/2\s+Running\s+0\s+-\s+1d2h\s+gke-cluster-pool-\w+-\w+$/);
  });

  it('points at the pod that was OOMKilled', async () => {
    const result = await t.run(pods, { service: 'worker', env: 'dev' });
    expect(result.summary).toBe('worker in dev: 1 pod, 1 ready, 3 restarts (OOMKilled)');
    expect(result.details).toMatch(/^worker-\w+-\w{5}\s+1\/1\s+Running\s+3\s+OOMKilled \(exit 137\) 1m ago\s+1d2h/m);
  });

  it('shows crash-looping pods as CrashLoopBackOff, not ready', async () => {
    const fake = t.sandbox.servers['staging-cluster'];
    fake?.cluster.crashPods('neural-hive-mind', 'backend', { reason: 'Error', restarts: 7, count: 1 });
    const result = await t.run(pods, { service: 'backend', env: 'staging' });
    expect(result.summary).toBe('backend in staging: 2 pods, 1 ready, 7 restarts (CrashLoopBackOff, Error)');
    expect(result.details).toMatch(/^backend-\w+-\w{5}\s+0\/1\s+CrashLoopBackOff\s+7\s+Error \(exit 1\) 0m ago/m);
  });
});
