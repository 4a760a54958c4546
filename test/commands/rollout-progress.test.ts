/**
 * Following a rollout after a change, as the on-call engineer sees it: one progress message edited
 * as the rollout moves (a new line only when the state changes), then how it ended — complete,
 * failed at its progress deadline, still going at the timeout, stopped on Cancel, or unreadable.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import deploy from '../../commands/deploy.js';
import restart from '../../commands/restart.js';
import rollback from '../../commands/rollback.js';
import scale from '../../commands/scale.js';
import type { FakeApiServer } from '../../src/kubernetes/fake-apiserver/index.js';
import { createRunContext, type TestRunContext } from '../support/run-context.js';

const NS = 'neural-hive-mind';
const ROLL_BACK = (service: string, env: string) => [
  { label: 'Roll back', command: `rollback ${service} ${env}`, style: 'danger' },
];

describe('following the rollout of a change', () => {
  let t: TestRunContext;
  const fake = (env: string) => t.sandbox.servers[`${env}-cluster`] as FakeApiServer;
  const hold = (env: string, name: string, updated: number) =>
    fake(env).cluster.setRolloutBehaviour({ mode: 'hold', updated }, { namespace: NS, name });
  const release = (env: string, name: string) =>
    fake(env).cluster.setRolloutBehaviour({ mode: 'complete' }, { namespace: NS, name });
  const newReplicaSet = (env: string, name: string, tag: string) =>
    fake(env)
      .cluster.replicaSets(NS, name)
      .find((rs) => rs.spec.template.spec.containers[0]?.image.endsWith(`:${tag}`))?.metadata.name;
  beforeAll(async () => {
    t = await createRunContext();
  });
  beforeEach(() => {
    t.progress.length = 0;
  });
  afterAll(() => t.close());

  it('a deploy that rolls out pod by pod edits the progress message once per step, then completes', async () => {
    hold('staging', 'backend', 1);
    const running = t.run(deploy, { service: 'backend', env: 'staging', tag: '4.0.0', timeout: '10s' });
    await vi.waitFor(() => expect(t.progress).toContain('backend in staging: 1 of 2 new replicas updated'));
    // Several looks at an unchanged rollout say nothing new.
    await new Promise((resolve) => setTimeout(resolve, 250));
    release('staging', 'backend');
    const result = await running;
    expect(result).toMatchObject({ summary: 'Deployed backend 4.0.0 to staging; rollout complete' });
    expect(result.ok).toBeUndefined();
    expect(t.progress).toEqual([
      'backend in staging: 1 of 2 new replicas updated',
      'backend in staging: rollout complete',
    ]);
  });

  it('a rollout past its progress deadline ends as FAILED, with a Roll back button', async () => {
    hold('dev', 'neural-engine', 0);
    const running = t.run(deploy, { service: 'neural-engine', env: 'dev', tag: '3.0.0', timeout: '20s' });
    await vi.waitFor(() => expect(t.progress).toHaveLength(1));
    fake('dev').cluster.advance(11 * 60_000);
    const result = await running;
    expect(result.ok).toBe(false);
    expect(result.summary).toBe(
      'Deployed neural-engine 3.0.0 to dev, but the rollout FAILED: progress deadline exceeded: ' +
        `ReplicaSet "${newReplicaSet('dev', 'neural-engine', '3.0.0')}" has timed out progressing.`,
    );
    expect(result.actions).toEqual(ROLL_BACK('neural-engine', 'dev'));
    expect(t.progress.at(0)).toMatch(/^neural-engine in dev: \d+ of 1 new replicas updated$/);
    expect(t.progress.at(-1)).toBe('neural-engine in dev: progress deadline exceeded');
    release('dev', 'neural-engine');
  });

  it('a restart that does not finish before --timeout ends as not done, with a Roll back button', async () => {
    hold('dev', 'frontend', 0);
    const result = await t.run(restart, { service: 'frontend', env: 'dev', timeout: '0.5s' });
    expect(result.ok).toBe(false);
    expect(result.summary).toMatch(
      /^Restarted frontend in dev, but the rollout is not done: still not done after 0\.5 s: \d+ of 1 new replicas updated$/,
    );
    expect(result.details).toContain('Check /ops status frontend dev and /ops diagnose frontend dev, or roll back.');
    expect(result.actions).toEqual(ROLL_BACK('frontend', 'dev'));
    expect(t.progress).toHaveLength(1);
    release('dev', 'frontend');
  });

  it('a rollback whose rollout fails offers no second rollback', async () => {
    hold('staging', 'frontend', 0);
    const result = await t.run(rollback, { service: 'frontend', env: 'staging', timeout: '0.3s' });
    expect(result.ok).toBe(false);
    expect(result.summary).toMatch(/^Rolled back frontend in staging to revision \d+ .*, but the rollout is not done/);
    expect(result.actions).toBeUndefined();
    expect(result.details).toMatch(/diagnose frontend staging\.$/);
    release('staging', 'frontend');
  });

  it('Cancel stops following (the change itself stays made)', async () => {
    hold('staging', 'api-gateway', 0);
    const cancel = new AbortController();
    const ctx = { ...t.ctx, signal: cancel.signal };
    const running = restart.run(ctx, restart.args.parse({ service: 'api-gateway', env: 'staging', timeout: '30s' }));
    await vi.waitFor(() => expect(t.progress).toHaveLength(1));
    cancel.abort();
    const result = await running;
    expect(result.ok).toBe(false);
    expect(result.summary).toMatch(
      /^Restarted api-gateway in staging; stopped following the rollout: stopped following: /,
    );
    const template = fake('staging').cluster.deployment(NS, 'api-gateway').spec.template;
    expect(template.metadata?.annotations?.['kubectl.kubernetes.io/restartedAt']).toBeDefined();
    release('staging', 'api-gateway');
  });

  it('an API server hiccup while following is said as progress, and following goes on', async () => {
    const undo = fake('staging').injectFault({ method: 'GET', path: /deployments\/worker$/, status: 503, times: 2 });
    const result = await scale.run(t.ctx, scale.args.parse({ service: 'worker', env: 'staging', replicas: 3 }));
    undo();
    expect(result.summary).toMatch(/^Scaled worker in staging from \d+ to 3 replicas; rollout complete$/);
    expect(t.progress[0]).toMatch(
      /^worker in staging: cannot read the deployment right now \(Kubernetes answered 503 .*\); trying again$/,
    );
    expect(t.progress.at(-1)).toBe('worker in staging: rollout complete');
  });

  it('a deployment that cannot be read after the change: the change is reported made, not lost', async () => {
    const undo = fake('staging').injectFault({ method: 'GET', path: /deployments\/worker$/, status: 500 });
    const result = await scale.run(
      t.ctx,
      scale.args.parse({ service: 'worker', env: 'staging', replicas: 2, timeout: '0.3s' }),
    );
    undo();
    expect(result.ok).toBe(false);
    expect(result.summary).toMatch(
      /^Scaled worker in staging from 3 to 2 replicas, but opsbot could not follow the rollout: Kubernetes answered 500 /,
    );
    expect(result.details).toBe('Check /ops status worker staging and /ops diagnose worker staging.');
    expect(fake('staging').cluster.deployment(NS, 'worker').spec.replicas).toBe(2);
  });
});
