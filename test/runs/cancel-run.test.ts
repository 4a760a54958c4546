import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAudit } from '../../src/store/audit.js';
import { isGone, printedPid } from '../scripts/script-fixtures.js';
import {
  type ProgressMessage,
  resultOf,
  startToolsEngine,
  type ToolsEngine,
  tempDir,
} from '../support/tools-engine.js';

// The Cancel click may reach another replica than the one running the script: it is recorded in
// PostgreSQL and the running replica stops the script within its poll interval.
let a: ToolsEngine;
let b: ToolsEngine;
let remove: () => void;

beforeAll(async () => {
  const tmp = tempDir('opsbot-cancel-');
  remove = tmp.remove;
  const scriptsDir = path.join(tmp.dir, 'scripts');
  mkdirSync(path.join(scriptsDir, 'validation'), { recursive: true });
  const script = path.join(scriptsDir, 'validation', 'validate_architecture.sh');
  writeFileSync(script, '#!/usr/bin/env bash\necho "pid $$"\n[ "$1" = quick ] && exit 0\nsleep 60\n');
  chmodSync(script, 0o755);
  a = await startToolsEngine({ scriptsDir });
  b = await startToolsEngine({ scriptsDir, shareDbWith: a });
});
afterAll(async () => {
  await b?.close();
  await a?.close();
  remove?.();
});

const started = () => {
  let resolve: (p: ProgressMessage) => void = () => {};
  const first = new Promise<ProgressMessage>((r) => (resolve = r));
  return { first, onProgress: (p: ProgressMessage) => p.text.includes('pid') && resolve(p) };
};

describe('cancelling a run from another replica', () => {
  it('stops the script on the replica running it, says who cancelled, and refuses a second cancel', async () => {
    const watch = started();
    const running = a.run('run validate-architecture dev hang', { onProgress: watch.onProgress });
    const progress = await watch.first;
    const runId = progress.cancelRunId as string;
    const pid = printedPid(progress.text, 'pid');

    // Carol holds only viewer: refused.
    expect(await b.engine.cancel(runId, { userId: 'U0CAROL', teamId: 'T1' })).toEqual({
      cancelled: false,
      message: `Only <@U0ALICE> or someone with the operator role can cancel run in dev (run ${runId}).`,
    });
    expect(await b.engine.cancel(runId, { userId: 'U0BOB', teamId: 'T1' })).toEqual({
      cancelled: true,
      message: `Cancelling run in dev (run ${runId})…`,
    });
    expect(await b.engine.cancel(runId, { userId: 'U0ALICE', teamId: 'T1' })).toEqual({
      cancelled: false,
      message: `run in dev (run ${runId}) is already being cancelled by <@U0BOB>.`,
    });
    const { outcome } = await running;
    expect(resultOf(outcome)).toMatchObject({
      ok: false,
      summary: expect.stringMatching(/^validate-architecture for dev cancelled by <@U0BOB> after \d+\.\ds$/),
    });
    expect(await isGone(pid)).toBe(true);
    const trail = await listAudit(a.testDb.db, { requestId: runId, limit: 10 });
    expect(trail.map((e) => `${e.kind} ${e.actor}`).sort()).toEqual([
      'command.cancel_requested U0BOB',
      'command.failed U0ALICE',
      'command.started U0ALICE',
    ]);
  });

  it('answers a click on a finished run, or on one that ran nothing cancellable', async () => {
    const { outcome } = await a.run('run validate-architecture dev quick');
    expect(await b.engine.cancel(outcome.runId, { userId: 'U0ALICE', teamId: 'T1' })).toEqual({
      cancelled: false,
      message: `run in dev (run ${outcome.runId}) has already finished.`,
    });
    expect(await b.engine.cancel('r-nothing', { userId: 'U0ALICE', teamId: 'T1' })).toEqual({
      cancelled: false,
      message: 'Run r-nothing is not running anything that can be cancelled.',
    });
  });
});
