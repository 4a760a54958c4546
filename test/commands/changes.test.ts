import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import deploy from '../../commands/deploy.js';
import diagnose from '../../commands/diagnose.js';
import history from '../../commands/history.js';
import logs from '../../commands/logs.js';
import rollback from '../../commands/rollback.js';
import scale from '../../commands/scale.js';
import type { OpsError } from '../../src/errors.js';
import type { FakeApiServer } from '../../src/kubernetes/fake-apiserver/index.js';
import { createRunContext, type TestRunContext } from '../support/run-context.js';

const NS = 'neural-hive-mind';

describe('the Kubernetes runbook actions', () => {
  let t: TestRunContext;
  const fake = (env: string) => t.sandbox.servers[`${env}-cluster`] as FakeApiServer;
  const image = (env: string, name: string) =>
    fake(env).cluster.deployment(NS, name).spec.template.spec.containers[0]?.image;
  beforeAll(async () => {
    t = await createRunContext();
  });
  afterAll(() => t.close());

  it('rollback in dev puts the previous image back, says so, and shows the plan first', async () => {
    const plan = await rollback.plan?.(t.ctx, { service: 'backend', env: 'dev' });
    expect(plan?.summary).toMatch(/^roll back backend in dev from revision (\d+) to (\d+)$/);
    const [from, to] = [plan?.changes[1]?.from, plan?.changes[1]?.to];
    expect(image('dev', 'backend')).toBe(from);
    const result = await t.run(rollback, { service: 'backend', env: 'dev' });
    expect(result.summary).toMatch(
      /^Rolled back backend in dev to revision \d+ \(registry\.example\.com\/backend:.+\); rollout complete$/,
    );
    expect(image('dev', 'backend')).toBe(to);
    expect(t.progress).toContain('backend in dev: rollout complete');
  });

  it('deploy sets the new tag on the same repository and records who asked in the change-cause', async () => {
    const result = await t.run(deploy, { service: 'frontend', env: 'staging', tag: '9.9.9' });
    expect(result.summary).toBe('Deployed frontend 9.9.9 to staging; rollout complete');
    expect(image('staging', 'frontend')).toBe('registry.example.com/frontend:9.9.9');
    const revisions = await t.run(history, { service: 'frontend', env: 'staging' });
    expect(revisions.details).toMatch(new RegExp(`deploy 9\\.9\\.9 by U0ALICE \\(run ${t.ctx.runId}\\)`));
  });

  it('deploy refuses a tag that is not a Docker tag', () => {
    expect(deploy.args.safeParse({ service: 'frontend', env: 'dev', tag: 'latest;rm -rf /' }).success).toBe(false);
  });

  it('scale shows from → to and refuses more than the catalog allows', async () => {
    const plan = await scale.plan?.(t.ctx, { service: 'worker', env: 'staging', replicas: 5 });
    expect(plan?.changes).toEqual([{ what: 'replicas', from: expect.any(String), to: '5' }]);
    await expect(scale.plan?.(t.ctx, { service: 'worker', env: 'staging', replicas: 21 })).rejects.toThrow(
      'Nothing was changed: worker may run at most 20 replicas, not 21.',
    );
    const result = await t.run(scale, { service: 'worker', env: 'staging', replicas: 5 });
    expect(result.summary).toMatch(/^Scaled worker in staging from \d+ to 5 replicas; rollout complete$/);
    expect(fake('staging').cluster.deployment(NS, 'worker').spec.replicas).toBe(5);
  });

  it('diagnose finds the OOMKilled worker and offers the next steps', async () => {
    const result = await t.run(diagnose, { service: 'worker', env: 'dev' });
    expect(result.summary).toMatch(/^worker in dev: 1 of \d+ pods unhealthy \(OOMKilled\)$/);
    expect(result.details).toMatch(/OOMKilled exit 137/);
    expect(result.actions?.map((a) => a.command)).toEqual([
      'logs worker dev --previous',
      'restart worker dev',
      'rollback worker dev',
    ]);
  });

  it('logs --previous shows what the crashed container printed, pod by pod', async () => {
    const result = await t.run(logs, { service: 'worker', env: 'dev', previous: true });
    expect(result.summary).toMatch(/^worker in dev: \d+ log lines from \d+ pods? \(previous containers\)$/);
    expect(result.details).toMatch(/==> worker-\w+-\w+\/worker \(previous\) <==/);
  });

  it('logs --pod reads one pod, and names the pods when the name is wrong', async () => {
    const pod = fake('dev').cluster.pods(NS, 'backend')[0]?.metadata.name as string;
    const result = await t.run(logs, { service: 'backend', env: 'dev', pod });
    expect(result.details?.match(/==> /g)).toHaveLength(1);
    expect(result.details).toContain(`==> ${pod}/backend <==`);
    const error = await t.run(logs, { service: 'backend', env: 'dev', pod: 'backend-nope' }).catch((e: OpsError) => e);
    expect(error).toMatchObject({ code: 'not_found', userMessage: 'backend in dev has no pod "backend-nope".' });
    expect((error as OpsError).hint).toContain(pod);
  });
});
