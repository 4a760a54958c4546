/**
 * The environment's health script (catalog `healthScript`): run through the script runner, its exit
 * code read as monitoring plugins write it (0 OK, 1 WARN, 2 CRITICAL, anything else CRITICAL).
 */
import { chmodSync, copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  EXAMPLE_SCRIPTS,
  resultOf,
  startToolsEngine,
  type ToolsEngine,
  tempDir,
  toolsCatalog,
} from '../support/tools-engine.js';

const CHECK = `#!/usr/bin/env bash
case "$1" in
  dev) echo "checking dev"; echo "dev: disk 40% used" ;;
  staging) echo "staging: disk 85% used (warning at 80%)"; exit 1 ;;
  prod) echo "prod: replication lag 900 s"; exit 2 ;;
esac
`;
let t: ToolsEngine;
let remove: () => void;

beforeAll(async () => {
  const tmp = tempDir('opsbot-health-script-');
  remove = tmp.remove;
  const scriptsDir = path.join(tmp.dir, 'scripts');
  mkdirSync(path.join(scriptsDir, 'checks'), { recursive: true });
  writeFileSync(path.join(scriptsDir, 'checks/env_health.sh'), CHECK);
  chmodSync(path.join(scriptsDir, 'checks/env_health.sh'), 0o755);
  mkdirSync(path.join(scriptsDir, 'maintenance'), { recursive: true });
  copyFileSync(
    path.join(EXAMPLE_SCRIPTS, 'maintenance/health_check.sh'),
    path.join(scriptsDir, 'maintenance/health_check.sh'),
  );
  writeFileSync(path.join(scriptsDir, 'checks/broken.sh'), '#!/usr/bin/env bash\necho "no such tool"\nexit 127\n');
  chmodSync(path.join(scriptsDir, 'checks/broken.sh'), 0o755);
  const catalog = toolsCatalog();
  for (const env of Object.values(catalog.environments)) env.healthScript = 'checks/env_health.sh';
  t = await startToolsEngine({ scriptsDir, catalog });
});
afterAll(async () => {
  await t?.close();
  remove?.();
});

const lineOf = (details: string | undefined, component: string) =>
  details?.split('\n').find((l) => l.includes(`/${component}:`));

describe('health with the environment’s script', () => {
  it('adds one line for the script: its last output line, at the level its exit code says', async () => {
    const dev = resultOf((await t.run('health dev')).outcome);
    expect(lineOf(dev.details, 'script checks/env_health.sh')).toBe(
      'OK       dev/script checks/env_health.sh: env_health.sh dev: disk 40% used',
    );
    const staging = resultOf((await t.run('health staging')).outcome);
    expect(lineOf(staging.details, 'script checks/env_health.sh')).toBe(
      'WARN     staging/script checks/env_health.sh: env_health.sh staging: disk 85% used (warning at 80%)',
    );
    const prod = resultOf((await t.run('health prod')).outcome);
    expect(prod.ok).toBe(false);
    expect(prod.summary).toContain('prod/script checks/env_health.sh CRITICAL');
  });

  it('an exit code outside the convention is CRITICAL, with the code', async () => {
    const catalog = t.engine.deps.catalog;
    const dev = catalog.environments.dev as NonNullable<(typeof catalog.environments)['dev']>;
    dev.healthScript = 'checks/broken.sh';
    try {
      const result = resultOf((await t.run('health dev')).outcome);
      expect(lineOf(result.details, 'script checks/broken.sh')).toBe(
        'CRITICAL dev/script checks/broken.sh: broken.sh exit 127: no such tool',
      );
    } finally {
      dev.healthScript = 'checks/env_health.sh';
    }
  });

  it('the shipped example script (seed 000 health_check.sh) reports the disk', async () => {
    const catalog = t.engine.deps.catalog;
    const dev = catalog.environments.dev as NonNullable<(typeof catalog.environments)['dev']>;
    dev.healthScript = 'maintenance/health_check.sh';
    try {
      const result = resultOf((await t.run('health dev')).outcome);
      expect(lineOf(result.details, 'script maintenance/health_check.sh')).toMatch(
        /^(OK {7}|WARN {5}|CRITICAL )dev\/script maintenance\/health_check\.sh: health_check\.sh dev: disk \d+% used/,
      );
    } finally {
      dev.healthScript = 'checks/env_health.sh';
    }
  });
});
