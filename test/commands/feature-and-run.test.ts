import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAudit } from '../../src/store/audit.js';
import { copyExampleScripts, resultOf, startToolsEngine, type ToolsEngine, tempDir } from '../support/tools-engine.js';

// Seed 000's toggle_feature.sh and validate_architecture.sh, as shipped in examples/scripts.
let t: ToolsEngine;
let featuresFile: string;
let bin: string;
let remove: () => void;

beforeAll(async () => {
  const tmp = tempDir('opsbot-features-');
  remove = tmp.remove;
  featuresFile = path.join(tmp.dir, 'state', 'features.yaml');
  bin = path.join(tmp.dir, 'bin');
  mkdirSync(bin);
  t = await startToolsEngine({
    scriptsDir: copyExampleScripts(tmp.dir),
    variables: { FEATURES_FILE: featuresFile, PATH: `${bin}:/usr/bin:/bin` },
  });
});
afterAll(async () => {
  await t?.close();
  remove?.();
});

const flagIn = (flag: string, env: string) => {
  const text = readFileSync(featuresFile, 'utf8');
  const block = text
    .slice(text.indexOf(`${flag}:`))
    .split('\n')
    .slice(1, 4);
  return block.find((line) => line.trim().startsWith(`${env}:`))?.trim();
};

describe('feature', () => {
  it('turns a flag off in one environment only, after showing the change', async () => {
    const plan = (await t.run('feature external_gpu disable staging --dry-run')).outcome;
    expect(plan).toMatchObject({
      kind: 'plan',
      plan: {
        summary: 'disable external_gpu in staging',
        changes: [{ what: 'feature external_gpu', from: 'enabled', to: 'disabled' }],
      },
    });
    const { outcome } = await t.run('feature external_gpu disable staging');
    expect(resultOf(outcome).summary).toBe('Feature external_gpu was disabled in staging.');
    expect(flagIn('external_gpu', 'staging')).toBe('staging: false');
    expect(flagIn('external_gpu', 'dev')).toBe('dev: true');
    const trail = await listAudit(t.testDb.db, { requestId: outcome.runId, limit: 5 });
    expect(trail.map((e) => e.kind).sort()).toEqual(['command.started', 'command.succeeded']);
  });

  it('answers an unknown flag with the known ones', async () => {
    expect((await t.run('feature external_gpus enable dev')).outcome).toMatchObject({
      kind: 'error',
      code: 'refused',
      message: 'There is no feature flag "external_gpus" in dev.',
      hint: 'Known flags: external_gpu, new_checkout, beta_dashboard.',
    });
  });

  it('says when the flag is already in that state, and changes nothing', async () => {
    const before = readFileSync(featuresFile, 'utf8');
    expect((await t.run('feature new_checkout enable dev')).outcome).toMatchObject({
      kind: 'error',
      message: 'new_checkout is already enabled in dev; nothing to change.',
    });
    expect(readFileSync(featuresFile, 'utf8')).toBe(before);
  });

  it('is refused in production until approvals exist', async () => {
    expect((await t.run('feature beta_dashboard enable prod')).outcome).toMatchObject({
      kind: 'error',
      code: 'refused',
    });
    expect(flagIn('beta_dashboard', 'prod')).toBe('prod: false');
  });
});

describe('run', () => {
  it('reports a runbook that fails as a failed run with its last lines, audited', async () => {
    const { outcome } = await t.run('run validate-architecture dev services/api');
    expect(resultOf(outcome)).toMatchObject({
      ok: false,
      summary: 'validate-architecture for dev failed (exit 127)',
      details:
        "last lines of validation/validate_architecture.sh:\nvalidating the architecture of: services/api\nCommand not found: hulk-validator. Install the Bloco-11 tools on opsbot's PATH.",
    });
    const trail = await listAudit(t.testDb.db, { requestId: outcome.runId, limit: 5 });
    expect(trail.map((e) => e.kind).sort()).toEqual(['command.failed', 'command.started']);
    expect(trail.find((e) => e.kind === 'command.failed')?.payload).toMatchObject({
      summary: 'validate-architecture for dev failed (exit 127)',
    });
  });

  it('runs it when its tool is installed, and refuses unknown runbooks and wrong argument counts', async () => {
    writeFileSync(path.join(bin, 'hulk-validator'), '#!/bin/sh\necho "checked $2"\n');
    chmodSync(path.join(bin, 'hulk-validator'), 0o755);
    const ok = resultOf((await t.run('run validate-architecture dev maintenance')).outcome);
    expect(ok.summary).toBe(
      'validate-architecture for dev succeeded: Validação concluída. Nenhuma violação encontrada.',
    );
    expect(ok.details).toContain('checked maintenance');
    expect((await t.run('run validate-architectur dev x')).outcome).toMatchObject({
      kind: 'error',
      message: 'There is no runbook "validate-architectur".',
      hint: 'Runbooks: validate-architecture.',
    });
    expect((await t.run('run validate-architecture dev')).outcome).toMatchObject({
      kind: 'error',
      message: 'validate-architecture takes 1 argument, got 0.',
      hint: 'Usage: /ops run validate-architecture <env> <project_path>',
    });
  });
});
