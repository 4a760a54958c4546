import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Catalog } from '../../src/catalog.js';
import { arg, defineCommand } from '../../src/define.js';
import { isOpsError } from '../../src/errors.js';
import { bindArgs } from '../../src/runs/bind-args.js';
import { checkArgs } from '../../src/runs/check-args.js';
import { parseCommandText } from '../../src/runs/parse-command-text.js';

const logs = defineCommand({
  name: 'logs',
  summary: 'Show logs.',
  usage: ['logs api-gateway prod --tail 50'],
  args: z.object({
    service: arg.service(),
    env: arg.env(),
    tail: z.coerce.number().int().min(1).max(5000).default(100),
    previous: z.boolean().default(false),
    container: z.string().optional(),
  }),
  positional: 2,
  mutates: false,
  requiredRole: 'viewer',
  run: async () => ({ summary: 'ok' }),
});

const catalog = {
  environments: { dev: { production: false }, staging: { production: false }, prod: { production: true } },
  services: { 'api-gateway': {}, 'neural-engine': {} },
} as unknown as Catalog;

function bind(text: string) {
  const { values, flags } = bindArgs(logs, parseCommandText(text).tokens);
  return { checked: checkArgs(logs, values, catalog), flags };
}

describe('binding words onto a command schema', () => {
  it('maps positional words in key order and coerces flag values', () => {
    const { checked } = bind('api-gateway prod --tail 50 --previous');
    expect(checked).toEqual({
      ok: true,
      args: { service: 'api-gateway', env: 'prod', tail: 50, previous: true },
      env: 'prod',
      service: 'api-gateway',
    });
  });

  it('accepts positional keys as flags too, in any order', () => {
    const { checked } = bind('--env=staging --service neural-engine --container=app');
    expect(checked.ok && checked.args).toMatchObject({ service: 'neural-engine', env: 'staging', container: 'app' });
  });

  it('takes --dry-run and --reason out as engine flags', () => {
    expect(bind('api-gateway prod --dry-run --reason "error rate at 5%"').flags).toEqual({
      dryRun: true,
      reason: 'error rate at 5%',
    });
  });

  it('says what is missing, with the usage line', () => {
    const { checked } = bind('api-gateway');
    expect(checked).toEqual({ ok: false, problems: { env: 'Missing <env>.' } });
  });

  it('refuses an unknown option and lists the known ones', () => {
    try {
      bind('api-gateway prod --tial 5');
      expect.unreachable();
    } catch (error) {
      expect(isOpsError(error) && error.userMessage).toContain('Unknown option --tial');
      expect(isOpsError(error) && error.userMessage).toContain('--tail');
      expect(isOpsError(error) && error.hint).toContain('Usage: /ops logs <service> <env> [--tail <n>] [--previous]');
    }
  });

  it('refuses extra words', () => {
    expect(() => bind('api-gateway prod extra')).toThrow(/Too many arguments: "extra"/);
  });

  it('refuses a flag that needs a value when none follows', () => {
    expect(() => bind('api-gateway prod --tail')).toThrow(/--tail needs a value/);
  });

  it('suggests the closest service and environment', () => {
    const { checked } = bind('api-gatway prd');
    expect(checked.ok).toBe(false);
    if (!checked.ok) {
      expect(checked.problems.service).toContain('Did you mean "api-gateway"?');
      expect(checked.problems.env).toContain('Did you mean "prod"?');
    }
  });

  it('reports a schema violation on the field', () => {
    const { checked } = bind('api-gateway prod --tail 0');
    expect(checked.ok === false && checked.problems.tail).toMatch(/^tail: /);
  });

  it('never throws anything but a usage error, whatever the text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        try {
          bind(text);
        } catch (error) {
          expect(isOpsError(error) && error.code).toBe('usage');
        }
      }),
      { numRuns: 1_000 },
    );
  });
});
