import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { resultOf, startToolsEngine, type ToolsEngine, tempDir } from '../support/tools-engine.js';

// A fake `helm` first on PATH records each argv (one argument per NUL) and answers like helm 3.
const FAKE_HELM = `#!/usr/bin/env bash
here=$(dirname "$0")
printf '%s\\0' "$@" >> "$here/argv.log"; printf '\\n' >> "$here/argv.log"
release=$2
if [[ "$release" == missing ]]; then echo "Error: release: not found" >&2; exit 1; fi
case "$1" in
  history)
    echo '[{"revision":1,"updated":"2026-11-20T10:00:00Z","status":"superseded","chart":"nhm-1.4.0","app_version":"1.4.0","description":"Install complete"},'
    echo ' {"revision":2,"updated":"2026-11-21T10:00:00Z","status":"superseded","chart":"nhm-1.5.0","app_version":"1.5.0","description":"Upgrade complete"},'
    echo ' {"revision":3,"updated":"2026-11-22T10:00:00Z","status":"deployed","chart":"nhm-1.6.0","app_version":"1.6.0","description":"Upgrade complete"}]' ;;
  rollback)
    if [[ -f "$here/fail" ]]; then echo "Error: timed out waiting for the condition" >&2; exit 1; fi
    echo "Rollback was a success! Happy Helming!" ;;
esac
`;

let t: ToolsEngine;
let bin: string;
let remove: () => void;

beforeAll(async () => {
  const tmp = tempDir('opsbot-helm-');
  remove = tmp.remove;
  bin = path.join(tmp.dir, 'bin');
  mkdirSync(bin);
  writeFileSync(path.join(bin, 'helm'), FAKE_HELM);
  chmodSync(path.join(bin, 'helm'), 0o755);
  t = await startToolsEngine({ scriptsDir: tmp.dir, variables: { PATH: `${bin}:/usr/bin:/bin` } });
});
afterAll(async () => {
  await t?.close();
  remove?.();
});
beforeEach(() => rmSync(path.join(bin, 'argv.log'), { force: true }));

const calls = () =>
  existsSync(path.join(bin, 'argv.log'))
    ? readFileSync(path.join(bin, 'argv.log'), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => line.split('\0').slice(0, -1))
    : [];

const history = (context: string, max = '20') => [
  'history',
  'neural-hive-mind',
  '--kube-context',
  context,
  '--namespace',
  'neural-hive-mind',
  '--max',
  max,
  '--output',
  'json',
];

describe('helm-history and helm-rollback', () => {
  it('reads the history with the environment’s kube context and namespace', async () => {
    const result = resultOf((await t.run('helm-history neural-hive-mind prod')).outcome);
    expect(calls()).toEqual([history('prod-cluster')]);
    expect(result.summary).toBe('neural-hive-mind in prod: revision 3 deployed (nhm-1.6.0, app 1.6.0)');
    expect(result.details).toMatch(
      /^REVISION\s+UPDATED\s+STATUS\s+CHART\s+APP VERSION\s+DESCRIPTION\n1\s+2026-11-20 10:00:00\s+superseded\s+nhm-1\.4\.0/,
    );
  });

  it('plans a rollback from the current revision to the previous one, then runs helm rollback --wait', async () => {
    const plan = (await t.run('helm-rollback neural-hive-mind staging --dry-run')).outcome;
    expect(plan).toMatchObject({
      kind: 'plan',
      plan: {
        summary: 'roll back Helm release neural-hive-mind in staging from revision 3 to 2',
        changes: [
          {
            what: 'release neural-hive-mind',
            from: '3 (nhm-1.6.0, app 1.6.0, deployed)',
            to: '2 (nhm-1.5.0, app 1.5.0, superseded)',
          },
        ],
      },
    });
    rmSync(path.join(bin, 'argv.log'));
    const { outcome, progress } = await t.run('helm-rollback neural-hive-mind staging 1 --timeout 5m');
    expect(calls()).toEqual([
      history('staging-cluster'),
      [
        'rollback',
        'neural-hive-mind',
        '1',
        '--kube-context',
        'staging-cluster',
        '--namespace',
        'neural-hive-mind',
        '--wait',
        '--timeout',
        '300s',
      ],
      history('staging-cluster', '1'),
    ]);
    expect(resultOf(outcome).summary).toBe(
      'Rolled back neural-hive-mind in staging: now revision 3 (nhm-1.6.0, deployed)',
    );
    expect(progress.at(-1)).toEqual({
      text: 'helm rollback neural-hive-mind in staging to revision 1\nRollback was a success! Happy Helming!',
      cancelRunId: outcome.runId,
    });
  });

  it('reports a failed rollback with helm’s last lines', async () => {
    writeFileSync(path.join(bin, 'fail'), '');
    try {
      const result = resultOf((await t.run('helm-rollback neural-hive-mind dev')).outcome);
      expect(result).toMatchObject({
        ok: false,
        summary: 'helm rollback neural-hive-mind in dev failed (exit 1)',
        details: 'last lines of helm rollback:\nError: timed out waiting for the condition',
      });
    } finally {
      rmSync(path.join(bin, 'fail'));
    }
  });

  it('refuses a production rollback without approval, after only reading the history', async () => {
    expect((await t.run('helm-rollback neural-hive-mind prod')).outcome).toMatchObject({
      kind: 'error',
      code: 'refused',
    });
    expect(calls().map((argv) => argv[0])).toEqual(['history']);
  });

  it('refuses a release name that is not one, without running helm', async () => {
    for (const name of ['x;rm -rf /', '$(id)', '--kubeconfig=/etc/passwd', '`id`']) {
      const { outcome } = await t.run(`helm-history '${name}' dev`);
      expect(outcome).toMatchObject({
        kind: 'error',
        code: 'usage',
        message: expect.stringContaining('a Helm release name'),
      });
    }
    expect(calls()).toEqual([]);
  });

  it('says when the release does not exist, and when helm is not installed', async () => {
    expect((await t.run('helm-history missing dev')).outcome).toMatchObject({
      kind: 'error',
      code: 'not_found',
      message: 'helm history missing in dev failed: Error: release: not found',
    });
    const path = t.variables.PATH as string;
    t.variables.PATH = '/usr/bin:/bin';
    try {
      expect((await t.run('helm-history neural-hive-mind dev')).outcome).toMatchObject({
        kind: 'error',
        code: 'config',
        message: 'helm is not installed where opsbot can run it (not found on its PATH).',
      });
    } finally {
      t.variables.PATH = path;
    }
  });
});
