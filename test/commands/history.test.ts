import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import history from '../../commands/history.js';
import { createRunContext, type TestRunContext } from '../support/run-context.js';

describe('/ops history <service> <env>', () => {
  let t: TestRunContext;
  beforeAll(async () => {
    t = await createRunContext();
  });
  afterAll(() => t.close());

  it('lists revisions newest first with image and change-cause, the current one marked', async () => {
    const result = await t.run(history, { service: 'api-gateway', env: 'prod' });
    expect(result.summary).toBe(
      'api-gateway in prod: 4 revisions, current 4 (api-gateway:1.4.2), previous 3 (api-gateway:1.4.1)',
    );
    const lines = result.details?.split('\n') ?? [];
    expect(lines[0]).toMatch(/^REVISION\s+IMAGE\s+CHANGE-CAUSE\s+AGE\s+PODS$/);
    expect(lines[1]).toMatch(/^4 \*\s+api-gateway:1\.4\.2\s+deploy 1\.4\.2 by U0\w+ \(req [0-9a-f]{6}\)\s+1d2h\s+4$/);
    expect(lines[2]).toMatch(/^3\s+api-gateway:1\.4\.1\s+deploy 1\.4\.1 by U0\w+ \(req [0-9a-f]{6}\)\s+6d5h\s+0$/);
    expect(lines.slice(1, 5).map((line) => line.split(/\s+/)[0])).toEqual(['4', '3', '2', '1']);
    expect(lines.at(-1)).toBe('* = current revision');
  });

  it('follows a new rollout: the new revision becomes current and keeps its change-cause', async () => {
    const fake = t.sandbox.servers['staging-cluster'];
    fake?.cluster.setImage('neural-hive-mind', 'worker', 'registry.example.com/worker:1.10.1', {
      changeCause: 'deploy 1.10.1 by U0BOB (req abc123)',
    });
    const result = await t.run(history, { service: 'worker', env: 'staging' });
    expect(result.summary).toBe(
      'worker in staging: 4 revisions, current 4 (worker:1.10.1), previous 3 (worker:1.10.0)',
    );
    expect(result.details).toMatch(/^4 \*\s+worker:1\.10\.1\s+deploy 1\.10\.1 by U0BOB \(req abc123\)\s+0m\s+2$/m);
  });

  it('says when there is nothing to roll back to', async () => {
    const fake = t.sandbox.servers['dev-cluster'];
    fake?.cluster.createDeployment({
      namespace: 'neural-hive-mind',
      name: 'newcomer',
      image: 'registry.example.com/newcomer:0.1.0',
    });
    const ctx = {
      ...t.ctx,
      target: (s: string, e: string) => ({ ...t.ctx.target('worker', e), service: s, deployment: 'newcomer' }),
    };
    const result = await history.run(ctx, { service: 'newcomer', env: 'dev' });
    expect(result.summary).toBe(
      'newcomer in dev: 1 revision, current 1 (newcomer:0.1.0), no earlier revision to roll back to',
    );
    expect(result.details).toMatch(/^1 \*\s+newcomer:0\.1\.0\s+<none>\s+0m\s+1$/m);
  });
});
