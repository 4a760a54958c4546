import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { startOpsbot } from '../../src/start-opsbot.js';
import { collectLogs } from '../support/collect-logs.js';

// The quickstart: no Slack, no DATABASE_URL, no KUBECONFIG → console, embedded PGlite, sandbox cluster.
it('runs the console on embedded PostgreSQL and the sandbox, switching users with :as', async () => {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'opsbot-console-'));
  const config = loadConfig({ OPSBOT_DATA_DIR: dataDir, OPSBOT_CATALOG: 'catalog.yaml' });
  expect(config.frontEnd).toBe('console');
  expect(config.sandbox).toBe(true);
  const input = new PassThrough();
  const output = new PassThrough();
  let text = '';
  output.on('data', (chunk) => {
    text += chunk.toString();
  });
  const opsbot = await startOpsbot({ ...config, port: 0 }, { input, output, logger: collectLogs().logger });
  try {
    for (const line of [
      '/ops help status',
      '/ops status api-gateway prod',
      '/ops history api-gateway prod',
      ':as carol',
      '/ops whoami',
      'stauts api-gateway prod',
      ':quit',
    ]) {
      input.write(`${line}\n`);
    }
    await opsbot.consoleDone;
    expect(text).toContain('/ops status <service> <env>');
    expect(text).toMatch(/\[SANDBOX\] api-gateway in prod: \d+\/\d+ ready/);
    expect(text).toMatch(/\[SANDBOX\] api-gateway in prod: \d+ revisions/);
    expect(text).toContain('You are now carol');
    expect(text).toMatch(/You are carol; roles: viewer\b/);
    expect(text).toContain('There is no command "stauts". Did you mean "status"?');
  } finally {
    await opsbot.close();
    await rm(dataDir, { recursive: true, force: true });
  }
  // PGlite starts and migrates in-process: seconds on a busy machine.
}, 60_000);
