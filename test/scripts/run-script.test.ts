import { existsSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { OutputStream } from '../../src/scripts/collect-output.js';
import { copyFixtures, isGone, OWN_SECRET, printedPid, scriptRunner, VARIABLES } from './script-fixtures.js';

describe('a script that succeeds', () => {
  it('gets its arguments as argv, literally: no shell ever sees them', async () => {
    const scriptsDir = copyFixtures();
    const { runner } = scriptRunner(scriptsDir);
    const marker = path.join(scriptsDir, 'injected');
    const args = [
      `$(touch ${marker})`,
      `\`touch ${marker}\``,
      `a; touch ${marker}`,
      `x | touch ${marker}`,
      `&& touch ${marker}`,
      `it's "quoted"`,
      'two\nlines',
      '*',
      '$HOME',
      '',
      '--flag=1',
    ];

    const result = await runner.run('ok.sh', args);

    expect(result).toMatchObject({ exitCode: 0, signal: undefined, timedOut: false, cancelled: false, ok: true });
    expect(result.output).toBe([`argc=${args.length}`, ...args].join('\n'));
    expect(existsSync(marker)).toBe(false);
  });

  it('runs from SCRIPTS_DIR, also when it lives in a subfolder', async () => {
    const scriptsDir = copyFixtures();
    const { runner } = scriptRunner(scriptsDir);

    const result = await runner.run('nested/inner.sh', []);

    expect(result.ok).toBe(true);
    expect(result.output).toBe(`inner ran in ${realpathSync(scriptsDir)}`);
  });

  it('logs one line per run with the script, its arguments, exit code and duration', async () => {
    const { runner, logs } = scriptRunner(copyFixtures());

    await runner.run('ok.sh', ['web', 'prod']);

    const finished = logs.lines.filter((line) => line.msg === 'script finished');
    expect(finished).toEqual([
      expect.objectContaining({ level: 30, script: 'ok.sh', args: ['web', 'prod'], exitCode: 0, timedOut: false }),
    ]);
    expect(finished[0]?.durationMs).toEqual(expect.any(Number));
  });
});

describe('a script that fails', () => {
  it('is data, not an exception: the exit code and the last lines', async () => {
    const { runner, logs } = scriptRunner(copyFixtures());

    const result = await runner.run('fail.sh', []);

    expect(result).toMatchObject({ exitCode: 3, signal: undefined, timedOut: false, cancelled: false, ok: false });
    expect(result.excerpt.split('\n').sort()).toEqual(
      ['checking replicas', 'error: deployment not ready', 'replicas: 0/3 ready'].sort(),
    );
    expect(logs.lines).toContainEqual(expect.objectContaining({ level: 40, msg: 'script finished', exitCode: 3 }));
  });

  it('keeps the last 20 lines as the excerpt and caps the kept log, noting the truncation', async () => {
    const { runner } = scriptRunner(copyFixtures(), { maxOutputBytes: 200 });
    const args = Array.from({ length: 100 }, (_, i) => `line-${i + 1}`);
    const streamed: string[] = [];

    const result = await runner.run('ok.sh', args, { onLine: (line) => streamed.push(line) });

    expect(streamed).toEqual(['argc=100', ...args]);
    expect(result.excerpt).toBe(args.slice(-20).join('\n'));
    expect(result.outputTruncated).toBe(true);
    expect(Buffer.byteLength(result.output)).toBeLessThan(400);
    expect(result.output).toMatch(/^argc=100\nline-1\nline-2\n/);
    expect(result.output).toMatch(/\[output truncated: \d+ more lines past 200 bytes were not kept/);
  });
});

describe('stopping a script stops its whole process group', () => {
  it('on timeout: the script, its background grandchild and its subshell are gone', async () => {
    const { runner } = scriptRunner(copyFixtures());
    const started = Date.now();

    const result = await runner.run('hang.sh', [], { timeoutMs: 300 });

    expect(result).toMatchObject({ timedOut: true, cancelled: false, exitCode: undefined, ok: false });
    expect(result.signal).toBe('SIGTERM');
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(await isGone(printedPid(result.output, 'grandchild'))).toBe(true);
    expect(await isGone(printedPid(result.output, 'subshell'))).toBe(true);
  });

  it('on timeout, a group that ignores SIGTERM gets SIGKILL after the grace period', async () => {
    const { runner } = scriptRunner(copyFixtures(), { killGraceMs: 200 });

    const result = await runner.run('ignores-term.sh', [], { timeoutMs: 200 });

    expect(result).toMatchObject({ timedOut: true, signal: 'SIGKILL', exitCode: undefined, ok: false });
    expect(result.durationMs).toBeGreaterThanOrEqual(380);
    expect(await isGone(printedPid(result.output, 'grandchild'))).toBe(true);
  });

  it('on cancel through the AbortSignal (the Cancel button), the same way', async () => {
    const { runner } = scriptRunner(copyFixtures());
    const controller = new AbortController();

    const result = await runner.run('hang.sh', [], {
      signal: controller.signal,
      onLine: (line) => line.startsWith('subshell') && controller.abort(),
    });

    expect(result).toMatchObject({ cancelled: true, timedOut: false, signal: 'SIGTERM', ok: false });
    expect(await isGone(printedPid(result.output, 'grandchild'))).toBe(true);
    expect(await isGone(printedPid(result.output, 'subshell'))).toBe(true);
  });

  it('cancelled before it starts: it never runs', async () => {
    const { runner } = scriptRunner(copyFixtures());

    const result = await runner.run('ok.sh', ['prod'], { signal: AbortSignal.abort() });

    expect(result).toMatchObject({ cancelled: true, exitCode: undefined, output: '', ok: false });
  });

  it('when it exits leaving a background process, the run still ends and the process is stopped', async () => {
    const { runner, logs } = scriptRunner(copyFixtures());

    const result = await runner.run('leaves-background.sh', []);

    expect(result).toMatchObject({ exitCode: 0, ok: true });
    expect(result.durationMs).toBeLessThan(1_000);
    expect(await isGone(printedPid(result.output, 'background'))).toBe(true);
    expect(logs.lines).toContainEqual(
      expect.objectContaining({ msg: expect.stringContaining('leaving processes running') }),
    );
  });

  it('a process that left the group (setsid) and holds stdout cannot keep the run open', async () => {
    const { runner } = scriptRunner(copyFixtures(), { killGraceMs: 100 });

    const result = await runner.run('escapes-group.sh', []);
    const escaped = printedPid(result.output, 'escaped');
    onTestFinished(() => {
      process.kill(escaped, 'SIGKILL'); // outside the group: beyond the runner's reach
    });

    expect(result).toMatchObject({ exitCode: 0, ok: true });
    expect(result.durationMs).toBeGreaterThanOrEqual(1_000);
    expect(result.durationMs).toBeLessThan(2_000);
  });
});

describe('environment', () => {
  it('only the allow-listed variables reach the script, plus PATH, HOME and LANG', async () => {
    const scriptsDir = copyFixtures();
    const { runner } = scriptRunner(scriptsDir);

    const result = await runner.run('env.sh', [], { env: ['ALLOWED_VAR', 'UNSET_VAR'], secretEnv: ['DB_PASSWORD'] });

    const lines = result.output.split('\n');
    const env = Object.fromEntries(lines.filter((l) => l.includes('=')).map((l) => l.split(/=(.*)/s).slice(0, 2)));
    expect(env).toMatchObject({
      PATH: VARIABLES.PATH,
      HOME: VARIABLES.HOME,
      LANG: VARIABLES.LANG,
      ALLOWED_VAR: 'allowed-value',
      DB_PASSWORD: '[redacted]',
      cwd: realpathSync(scriptsDir),
    });
    // bash itself adds PWD, SHLVL and _ (and OLDPWD on some versions); nothing else may appear.
    const bashOwn = ['PWD', 'SHLVL', '_', 'OLDPWD', 'cwd'];
    const passed = Object.keys(env).filter((name) => !bashOwn.includes(name));
    expect(passed.sort()).toEqual(['ALLOWED_VAR', 'DB_PASSWORD', 'HOME', 'LANG', 'PATH']);
    expect(result.output).not.toContain('must-not-reach-the-script');
  });
});

describe('secrets', () => {
  it('are redacted from the streamed lines, the output, the excerpt and the log', async () => {
    const { runner, logs } = scriptRunner(copyFixtures());
    const streamed: string[] = [];

    const result = await runner.run('secrets.sh', [`--password=${VARIABLES.DB_PASSWORD}`, OWN_SECRET], {
      secretEnv: ['DB_PASSWORD'],
      onLine: (line) => streamed.push(line),
    });

    const secrets = [
      VARIABLES.DB_PASSWORD,
      OWN_SECRET,
      'AKIAIOSFODNN7EXAMPLE',
      'xoxb-123456789012',
      'abcdef0123456789abcdef',
      'hunter2-pg',
      'MIIEowIBAAKCAQEAsecretkeymaterial',
      'c2VjcmV0a2V5bWF0ZXJpYWwy',
    ];
    for (const text of [streamed.join('\n'), result.output, result.excerpt, logs.text()]) {
      for (const secret of secrets) expect(text).not.toContain(secret);
    }
    expect(result.ok).toBe(true);
    expect(streamed).toContain('connecting with password [redacted]');
    expect(streamed).toContain('db url postgres://app:[redacted]@db.internal:5432/app');
    expect(streamed).toContain('[redacted private key]');
    expect(streamed).toContain('finished');
    expect(result.excerpt).toContain('aws key [redacted aws key]');
  });
});

describe('streaming', () => {
  it('hands over each line as it arrives, stdout and stderr in the order they were written', async () => {
    const { runner } = scriptRunner(copyFixtures());
    const arrived: Array<{ line: string; stream: OutputStream; at: number }> = [];

    const result = await runner.run('slow-lines.sh', [], {
      onLine: (line, stream) => arrived.push({ line, stream, at: Date.now() }),
    });
    const finishedAt = Date.now();

    expect(arrived.map(({ line, stream }) => `${stream}: ${line}`)).toEqual([
      'stdout: line 1',
      'stderr: line 2',
      'stdout: line 3',
      'stderr: line 4',
      'stdout: line 5',
    ]);
    expect(result.output).toBe('line 1\nline 2\nline 3\nline 4\nline 5');
    // Streamed, not delivered at the end: the first line came well before the run finished.
    expect(finishedAt - (arrived[0]?.at ?? finishedAt)).toBeGreaterThanOrEqual(150);
  });
});
