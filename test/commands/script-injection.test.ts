import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { resultOf, startToolsEngine, type ToolsEngine, tempDir } from '../support/tools-engine.js';

// Every script a command runs is replaced by one that records its argv and prints it. Whatever a person
// types reaches the script as one literal argument each — or is refused before any script runs.
const ECHO_ARGV = (extra = '') => `#!/usr/bin/env bash
{ printf '%s\\0' "$0" "$@"; printf '\\036'; } >> ./argv.log
for a in "$@"; do printf 'argv: [%s]\\n' "$a"; done
${extra}
`;
const SCRIPTS: Record<string, string> = {
  'maintenance/backup_database.sh': ECHO_ARGV(),
  'maintenance/backup-restore.sh': ECHO_ARGV(),
  'features/list_features.sh': ECHO_ARGV('echo "external_gpu disabled"'),
  'features/toggle_feature.sh': ECHO_ARGV(),
  'validation/validate_architecture.sh': ECHO_ARGV(),
};

const HOSTILE = [
  'x; touch pwned',
  '$(touch pwned)',
  '`touch pwned`',
  'first line\ntouch pwned',
  `it's; touch pwned`,
  'say "hi" && touch pwned',
  '$HOME | tee pwned',
];

let t: ToolsEngine;
let scriptsDir: string;
let remove: () => void;

beforeAll(async () => {
  const tmp = tempDir('opsbot-injection-');
  remove = tmp.remove;
  scriptsDir = path.join(tmp.dir, 'scripts');
  for (const [file, body] of Object.entries(SCRIPTS)) {
    mkdirSync(path.dirname(path.join(scriptsDir, file)), { recursive: true });
    writeFileSync(path.join(scriptsDir, file), body);
    chmodSync(path.join(scriptsDir, file), 0o755);
  }
  t = await startToolsEngine({ scriptsDir, variables: { STAGING_DATABASE_URL: 'postgres://app@127.0.0.1:1/app' } });
});
afterAll(async () => {
  await t?.close();
  remove?.();
});
beforeEach(() => writeFileSync(path.join(scriptsDir, 'argv.log'), ''));

/** Each run of a script: its path relative to SCRIPTS_DIR, then its arguments. */
const runs = () =>
  readFileSync(path.join(scriptsDir, 'argv.log'), 'utf8')
    .split('\u001e')
    .filter(Boolean)
    .map((record) => {
      const [script = '', ...args] = record.split('\0').slice(0, -1);
      return [path.relative(scriptsDir, script), ...args];
    });

// As typed in Slack: quoted so that the parser keeps it one word (a newline inside quotes stays literal).
const typed = (value: string) => (value.includes("'") ? `"${value.replaceAll('"', '”')}"` : `'${value}'`);
// A value with both kinds of quotes comes through the modal, whose fields are never split.
const asTyped = (value: string) => (value.includes("'") && value.includes('"') ? undefined : typed(value));

const nothingCreated = () => {
  expect(existsSync(path.join(scriptsDir, 'pwned'))).toBe(false);
  expect(existsSync(path.join(process.cwd(), 'pwned'))).toBe(false);
};

describe.each(HOSTILE)('hostile input %j', (value) => {
  const word = asTyped(value) ?? typed(value);
  const literal = word.includes('”') ? value.replaceAll('"', '”') : value;

  it('reaches backup’s script as one argument (--label)', async () => {
    const result = resultOf((await t.run(`backup staging --label ${word}`)).outcome);
    expect(runs()).toEqual([['maintenance/backup_database.sh', 'staging', literal]]);
    expect(result.details).toContain(`argv: [${literal}]`);
    nothingCreated();
  });

  it('reaches backup-restore.sh verify as one argument (backup-verify)', async () => {
    await t.run(`backup-verify staging ${word}`);
    expect(runs()).toEqual([['maintenance/backup-restore.sh', 'verify', 'staging', literal]]);
    nothingCreated();
  });

  it('reaches backup-restore.sh describe as one argument (restore’s plan)', async () => {
    await t.run(`restore staging ${word} --dry-run`);
    expect(runs()).toEqual([['maintenance/backup-restore.sh', 'describe', 'staging', literal]]);
    nothingCreated();
  });

  it('reaches a runbook as one argument (run)', async () => {
    const result = resultOf((await t.run(`run validate-architecture staging ${word}`)).outcome);
    expect(runs()).toEqual([['validation/validate_architecture.sh', literal]]);
    expect(result.details).toContain(`argv: [${literal}]`);
    nothingCreated();
  });

  it('is answered with the known flags as a feature name, and the toggle never runs', async () => {
    const { outcome } = await t.run(`feature ${word} enable staging`);
    expect(outcome).toMatchObject({ kind: 'error', code: 'refused', hint: 'Known flags: external_gpu.' });
    expect(runs()).toEqual([['features/list_features.sh', 'staging']]);
    nothingCreated();
  });

  it('is refused as a retention or an environment before any script runs', async () => {
    expect((await t.run(`backup-prune staging --older-than ${word}`)).outcome).toMatchObject({
      kind: 'error',
      code: 'usage',
    });
    expect((await t.run(`backups ${word}`)).outcome).toMatchObject({ kind: 'error', code: 'usage' });
    expect(runs()).toEqual([]);
    nothingCreated();
  });
});

describe('arguments the modal sends', () => {
  it('keep both kinds of quotes and reach the runbook literally', async () => {
    const value = `it's "both" $(touch pwned)`;
    await t.engine.run(
      {
        text: 'run validate-architecture staging …',
        form: {
          command: 'run',
          tokens: [
            { kind: 'word', value: 'validate-architecture' },
            { kind: 'word', value: 'staging' },
            { kind: 'word', value },
          ],
        },
        actor: { userId: 'U0ALICE', teamId: 'T1' },
        source: 'modal',
      },
      { send: async () => {}, progress: async () => {} },
    );
    expect(runs()).toEqual([['validation/validate_architecture.sh', value]]);
    nothingCreated();
  });

  it('a known feature flag reaches toggle_feature.sh as name, state, environment', async () => {
    const result = resultOf((await t.run('feature external_gpu enable staging')).outcome);
    expect(runs()).toEqual([
      ['features/list_features.sh', 'staging'],
      ['features/toggle_feature.sh', 'external_gpu', 'enable', 'staging'],
    ]);
    expect(result.summary).toBe('Feature external_gpu was enabled in staging.');
  });
});
