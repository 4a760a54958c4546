/**
 * When Kubernetes says no, the reply says what to do — and whether anything changed: a refused
 * or failed read changed nothing; a write whose answer was lost may have been applied.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import restart from '../../commands/restart.js';
import scale from '../../commands/scale.js';
import type { OpsError } from '../../src/errors.js';
import type { FakeApiServer } from '../../src/kubernetes/fake-apiserver/index.js';
import { createKubeCluster } from '../../src/kubernetes/kube-cluster.js';
import { createRunContext, type TestRunContext } from '../support/run-context.js';

const NS = 'neural-hive-mind';
const RESTARTED_AT = 'kubectl.kubernetes.io/restartedAt';

describe('Kubernetes errors during a change', () => {
  let t: TestRunContext;
  const fake = (env: string) => t.sandbox.servers[`${env}-cluster`] as FakeApiServer;
  const restartedAt = (env: string, name: string) =>
    fake(env).cluster.deployment(NS, name).spec.template.metadata?.annotations?.[RESTARTED_AT];
  const failure = (promise: Promise<unknown>) =>
    promise.then(
      () => expect.fail('expected the command to fail'),
      (error: OpsError) => error,
    );
  const runRestart = (service: string, env: string) =>
    failure(restart.run(t.ctx, restart.args.parse({ service, env, timeout: '5s' })));
  beforeAll(async () => {
    t = await createRunContext();
  });
  afterAll(() => t.close());

  it('403: names the verb and resource the bot may not use, and the Role that must grant it', async () => {
    const undo = fake('staging').injectFault({ method: 'PATCH', path: /deployments\/backend$/, status: 403 });
    const error = await runRestart('backend', 'staging');
    undo();
    expect(error.code).toBe('forbidden');
    expect(error.userMessage).toMatch(
      /^opsbot's Kubernetes account may not patch deployments in namespace "neural-hive-mind" \(context staging-cluster, environment staging\): .*cannot patch resource "deployments".* Nothing was changed\.$/,
    );
    expect(error.hint).toContain(
      'The Role of opsbot\'s Helm chart (deploy/opsbot/templates/role.yaml) must grant "patch" on deployments in namespace neural-hive-mind',
    );
    expect(restartedAt('staging', 'backend')).toBeUndefined();
  });

  it('404: names the deployment, namespace and context, and where the catalog says so', async () => {
    const undo = fake('staging').injectFault({
      method: 'GET',
      path: /deployments\/frontend$/,
      status: 404,
      reason: 'NotFound',
      message: 'deployments.apps "frontend" not found',
    });
    const error = await failure(restart.plan?.(t.ctx, { service: 'frontend', env: 'staging' }) ?? Promise.resolve());
    undo();
    expect(error).toMatchObject({
      code: 'not_found',
      userMessage:
        'Deployment "frontend" not found in namespace "neural-hive-mind" (context staging-cluster, environment staging).',
    });
    expect(error.hint).toContain('services.frontend.deployment (or its env.staging override) in the catalog');
  });

  it('409: the first conflict is retried after re-reading and the restart happens', async () => {
    const undo = fake('staging').injectFault({
      method: 'PATCH',
      path: /deployments\/api-gateway$/,
      status: 409,
      times: 1,
    });
    const result = await restart.run(t.ctx, restart.args.parse({ service: 'api-gateway', env: 'staging' }));
    undo();
    expect(result.summary).toBe('Restarted api-gateway in staging; rollout complete');
    expect(restartedAt('staging', 'api-gateway')).toBeDefined();
    const patches = fake('staging').requests.filter((r) => r.method === 'PATCH' && r.path.endsWith('/api-gateway'));
    expect(patches.slice(-2).map((r) => r.contentType)).toEqual([
      'application/strategic-merge-patch+json',
      'application/strategic-merge-patch+json',
    ]);
  });

  it('409 twice: explained as someone else changing it, nothing changed', async () => {
    const before = restartedAt('staging', 'neural-engine');
    const undo = fake('staging').injectFault({
      method: 'PATCH',
      path: /deployments\/neural-engine$/,
      status: 409,
      times: 2,
    });
    const error = await runRestart('neural-engine', 'staging');
    undo();
    expect(error.code).toBe('k8s_conflict');
    expect(error.userMessage).toBe(
      'Nothing was changed: neural-engine in staging was modified by someone else while opsbot was updating it, twice in a row, so opsbot stopped.',
    );
    expect(error.hint).toContain('/ops status neural-engine staging and /ops history neural-engine staging');
    expect(restartedAt('staging', 'neural-engine')).toBe(before);
  });

  it('500 on the write: the change may have been applied, and the reply says where to look', async () => {
    const undo = fake('staging').injectFault({ method: 'PATCH', path: /deployments\/worker\/scale$/, status: 500 });
    const error = await failure(scale.run(t.ctx, scale.args.parse({ service: 'worker', env: 'staging', replicas: 3 })));
    undo();
    expect(error.code).toBe('k8s_error');
    expect(error.userMessage).toMatch(
      /^Kubernetes answered 500 InternalError to patch deployments\/scale in namespace "neural-hive-mind" \(context staging-cluster, environment staging\): Internal error occurred: .*\. The change may have been applied: check \/ops status worker staging before trying again\.$/,
    );
    expect(error.hint).toMatch(/^If it was not applied, run the command again/);
  });

  it('500 while reading the plan: nothing was changed', async () => {
    const undo = fake('staging').injectFault({ method: 'GET', path: /deployments\/frontend$/, status: 500 });
    const error = await failure(restart.plan?.(t.ctx, { service: 'frontend', env: 'staging' }) ?? Promise.resolve());
    undo();
    expect(error.code).toBe('k8s_error');
    expect(error.hint).toMatch(/^Nothing was changed\. Try again in a minute/);
  });

  it('an API server that does not answer in time: the change may have been applied (and here it was)', async () => {
    const slow = createKubeCluster({ kubeConfig: t.sandbox.kubeConfig, sandbox: true, requestTimeoutMs: 200 });
    const undo = fake('dev').injectFault({ method: 'PATCH', path: /deployments\/backend$/, delayMs: 500, times: 1 });
    const error = await failure(
      restart.run({ ...t.ctx, k8s: slow }, restart.args.parse({ service: 'backend', env: 'dev' })),
    );
    undo();
    expect(error.code).toBe('k8s_error');
    expect(error.userMessage).toMatch(
      /^No answer in time from the Kubernetes API of context dev-cluster at http:\/\/127\.0\.0\.1:\d+ \(patch deployments\)\. The change may have been applied: check \/ops status backend dev before trying again\.$/,
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(restartedAt('dev', 'backend')).toBeDefined();
  });
});
