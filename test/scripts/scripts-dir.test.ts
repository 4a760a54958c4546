import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { scriptsDirOf } from '../../src/start-opsbot.js';
import { EXAMPLE_SCRIPTS } from '../support/tools-engine.js';

// The console quickstart runs the shipped example scripts; anything configured wins over them.
describe('which SCRIPTS_DIR opsbot uses', () => {
  it('is the shipped examples in the console when SCRIPTS_DIR is unset and ./scripts does not exist', () => {
    const cwd = process.cwd();
    const empty = mkdtempSync(path.join(tmpdir(), 'opsbot-cwd-'));
    process.chdir(empty);
    onTestFinished(() => {
      process.chdir(cwd);
      rmSync(empty, { recursive: true, force: true });
    });
    expect(scriptsDirOf(loadConfig({}))).toBe(EXAMPLE_SCRIPTS);
  });

  it('is SCRIPTS_DIR when set, and always outside the console', () => {
    expect(scriptsDirOf(loadConfig({ SCRIPTS_DIR: '/opt/opsbot/scripts' }))).toBe('/opt/opsbot/scripts');
    const slack = { SLACK_BOT_TOKEN: 'xoxb-1-test', SLACK_SIGNING_SECRET: 'secret-0123456789' };
    expect(scriptsDirOf(loadConfig(slack))).toBe('./scripts');
  });
});
