/** A temporary copy of test/fixtures/scripts and a runner over it, for the script runner's tests. */
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { onTestFinished } from 'vitest';
import { createRedactor } from '../../src/redact/redact.js';
import { createScriptRunner, type ScriptRunnerOptions } from '../../src/scripts/script-runner.js';
import { collectLogs } from '../support/collect-logs.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/scripts', import.meta.url));

/** What the runner's Config.variable would return: PATH, HOME, LANG, a secret and two ordinary variables. */
export const VARIABLES: Record<string, string> = {
  PATH: '/usr/local/bin:/usr/bin:/bin',
  HOME: '/home/opsbot',
  LANG: 'C.UTF-8',
  DB_PASSWORD: 'pa55-w0rd-db',
  ALLOWED_VAR: 'allowed-value',
  NOT_LISTED: 'must-not-reach-the-script',
};

/** One of opsbot's own secrets (a Slack signing secret, say), known to the base redactor. */
export const OWN_SECRET = 'opsbot-own-signing-secret';

/** A fresh copy of the fixture scripts (modes kept), removed after the test. */
export function copyFixtures(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'opsbot-scripts-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  const scriptsDir = path.join(dir, 'scripts');
  cpSync(FIXTURES, scriptsDir, { recursive: true });
  return scriptsDir;
}

export function scriptRunner(scriptsDir: string, options: Partial<ScriptRunnerOptions> = {}) {
  const logs = collectLogs();
  const runner = createScriptRunner({
    scriptsDir,
    env: (name) => VARIABLES[name],
    redact: createRedactor([OWN_SECRET]),
    logger: logs.logger,
    killGraceMs: 300,
    ...options,
  });
  return { runner, logs };
}

// An orphan killed by the group kill may linger as a zombie until init reaps it: dead all the same.
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** Waits up to a second for a process to be gone; true if it is. */
export async function isGone(pid: number): Promise<boolean> {
  for (let i = 0; i < 20; i++) {
    if (!isAlive(pid)) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}

/** The pid a fixture printed as `<label> <pid>`. */
export function printedPid(output: string, label: string): number {
  const match = new RegExp(`^${label} (\\d+)$`, 'm').exec(output);
  if (!match?.[1]) throw new Error(`no "${label} <pid>" line in:\n${output}`);
  return Number(match[1]);
}
