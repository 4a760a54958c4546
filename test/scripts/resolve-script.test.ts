import { chmodSync, existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyFixtures, scriptRunner } from './script-fixtures.js';

// A script outside SCRIPTS_DIR that leaves a trace if it ever runs.
function outsideScript(scriptsDir: string): { dir: string; file: string; marker: string } {
  const dir = path.join(path.dirname(scriptsDir), 'outside');
  const marker = path.join(dir, 'ran');
  const file = path.join(dir, 'evil.sh');
  mkdirSync(dir);
  writeFileSync(file, `#!/usr/bin/env bash\ntouch ${marker}\n`, { mode: 0o755 });
  return { dir, file, marker };
}

describe('only scripts under SCRIPTS_DIR run', () => {
  it.each([
    ['../ok.sh', '".." is not allowed'],
    ['nested/../ok.sh', '".." is not allowed'],
    ['/bin/true', 'absolute paths are not allowed'],
    ['missing.sh', 'no such file'],
    ['nested', 'it is not a file'],
    ['', 'the name is empty'],
  ])('refuses %j: %s', async (script, reason) => {
    const scriptsDir = copyFixtures();
    const { runner } = scriptRunner(scriptsDir);

    await expect(runner.run(script, [])).rejects.toMatchObject({
      code: 'refused',
      userMessage: expect.stringContaining(reason),
    });
    await expect(runner.run(script, [])).rejects.toMatchObject({
      userMessage: expect.stringContaining(`scripts must live under SCRIPTS_DIR=${scriptsDir}`),
    });
  });

  it('refuses a symlink to a file outside the tree, and it does not run', async () => {
    const scriptsDir = copyFixtures();
    const outside = outsideScript(scriptsDir);
    symlinkSync(outside.file, path.join(scriptsDir, 'escape.sh'));
    symlinkSync('/bin/true', path.join(scriptsDir, 'true.sh'));
    const { runner } = scriptRunner(scriptsDir);

    await expect(runner.run('escape.sh', [])).rejects.toMatchObject({
      code: 'refused',
      userMessage: expect.stringContaining(`it resolves to ${outside.file}, outside the scripts directory`),
      hint: expect.stringContaining('Copy the script into SCRIPTS_DIR'),
    });
    await expect(runner.run('true.sh', [])).rejects.toMatchObject({ code: 'refused' });
    expect(existsSync(outside.marker)).toBe(false);
  });

  it('refuses a script reached through a symlinked folder that leads out of the tree', async () => {
    const scriptsDir = copyFixtures();
    const outside = outsideScript(scriptsDir);
    symlinkSync(outside.dir, path.join(scriptsDir, 'linked-dir'));
    const { runner } = scriptRunner(scriptsDir);

    await expect(runner.run('linked-dir/evil.sh', [])).rejects.toMatchObject({ code: 'refused' });
    expect(existsSync(outside.marker)).toBe(false);
  });

  it('refuses a file that is not executable, saying how to fix it', async () => {
    const scriptsDir = copyFixtures();
    chmodSync(path.join(scriptsDir, 'ok.sh'), 0o644);
    const { runner } = scriptRunner(scriptsDir);

    await expect(runner.run('ok.sh', [])).rejects.toMatchObject({
      code: 'refused',
      userMessage: expect.stringContaining('the file is not executable'),
      hint: expect.stringContaining(`chmod +x ${path.join(scriptsDir, 'ok.sh')}`),
    });
  });

  it('follows symlinks that stay inside the tree, and a SCRIPTS_DIR that is itself a symlink', async () => {
    const scriptsDir = copyFixtures();
    symlinkSync('ok.sh', path.join(scriptsDir, 'alias.sh'));
    const linkedRoot = path.join(path.dirname(scriptsDir), 'current');
    symlinkSync(scriptsDir, linkedRoot);
    const { runner } = scriptRunner(linkedRoot);

    expect(await runner.run('alias.sh', ['one'])).toMatchObject({ ok: true, output: 'argc=1\none' });
    expect(await runner.run('./nested/inner.sh', [])).toMatchObject({ ok: true });
  });

  it('a missing SCRIPTS_DIR is a configuration error naming the setting', async () => {
    const scriptsDir = path.join(copyFixtures(), 'does-not-exist');
    const { runner } = scriptRunner(scriptsDir);

    await expect(runner.run('ok.sh', [])).rejects.toMatchObject({
      code: 'config',
      userMessage: expect.stringContaining(`SCRIPTS_DIR=${scriptsDir} does not exist`),
    });
  });
});

describe('a script that cannot start', () => {
  it('is an error naming the script and what to check, not a result', async () => {
    const scriptsDir = copyFixtures();
    writeFileSync(path.join(scriptsDir, 'bad-shebang.sh'), '#!/no/such/interpreter\necho hi\n', { mode: 0o755 });
    const { runner } = scriptRunner(scriptsDir);

    const error = await runner.run('bad-shebang.sh', []).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'script_failed',
      userMessage:
        'Could not start script "bad-shebang.sh": ENOENT (the interpreter named on its #! line was not found)',
      hint: expect.stringContaining('#! line'),
    });
  });
});
