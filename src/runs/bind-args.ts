/**
 * Maps tokens onto a command's zod schema: positional words in the schema's key
 * order, then --flags. Engine flags (--dry-run, --reason) are taken out first.
 * Every problem becomes a usage error that shows the usage line; the values
 * are checked against the schema and the catalog by check-args.ts.
 */
import type { CommandDefinition } from '../define.js';
import { OpsError } from '../errors.js';
import type { Token } from './parse-command-text.js';
import { type FieldInfo, fieldsOf, synopsisOf } from './schema-fields.js';

export interface EngineFlags {
  dryRun: boolean;
  reason?: string;
  /** `--break-glass INC-42 "why"`: the incident id; the reason is the word after it (or --reason). */
  breakGlass?: string;
}

export interface BoundArgs {
  /** Raw values by schema key, still to be checked by check-args.ts. */
  values: Record<string, unknown>;
  flags: EngineFlags;
}

const ENGINE_FLAGS: Record<string, 'boolean' | 'string'> = {
  'dry-run': 'boolean',
  reason: 'string',
  'break-glass': 'string',
};

export function usageLine(command: CommandDefinition): string {
  return `/ops ${command.name} ${synopsisOf(fieldsOf(command.args, command.positional))}`.trimEnd();
}

export function usage(command: CommandDefinition, message: string): OpsError {
  const example = command.usage[0] ? `\nExample: /ops ${command.usage[0]}` : '';
  return new OpsError('usage', message, { hint: `Usage: ${usageLine(command)}${example}` });
}

function assign(values: Record<string, unknown>, field: FieldInfo, value: string) {
  if (field.kind === 'array') values[field.key] = [...((values[field.key] as string[] | undefined) ?? []), value];
  else values[field.key] = value;
}

export function bindArgs(command: CommandDefinition, tokens: readonly Token[]): BoundArgs {
  const fields = fieldsOf(command.args, command.positional);
  const byFlag = new Map(fields.map((f) => [f.flag, f]));
  const positional = fields.filter((f) => f.positional);
  const values: Record<string, unknown> = {};
  const flags: EngineFlags = { dryRun: false };
  let next = 0;

  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as Token;
    if (token.kind === 'word') {
      const field = positional[next];
      if (!field) throw usage(command, `Too many arguments: "${token.value}" was not expected.`);
      assign(values, field, token.value);
      if (field.kind !== 'array') next++;
      continue;
    }
    const engineKind = ENGINE_FLAGS[token.name];
    const field = byFlag.get(token.name);
    const isSwitch = engineKind === 'boolean' || field?.kind === 'boolean';
    if (!engineKind && !field) {
      const known = [...fields.map((f) => `--${f.flag}`), '--dry-run', '--reason', '--break-glass'].join(', ');
      throw usage(command, `Unknown option --${token.name}. Options for ${command.name}: ${known}.`);
    }
    let value = token.value;
    if (value === undefined && !isSwitch) {
      const following = tokens[i + 1];
      if (following?.kind !== 'word') throw usage(command, `--${token.name} needs a value.`);
      value = following.value;
      i++;
    }
    if (token.name === 'dry-run') flags.dryRun = value === undefined || value !== 'false';
    else if (token.name === 'reason') flags.reason = value;
    else if (token.name === 'break-glass') {
      flags.breakGlass = value as string;
      // The documented form puts the reason right after the incident id, unflagged.
      const following = tokens[i + 1];
      if (following?.kind === 'word' && flags.reason === undefined) {
        flags.reason = following.value;
        i++;
      }
    } else if (field) {
      if (isSwitch) values[field.key] = value === undefined ? true : value !== 'false';
      else assign(values, field, value as string);
    }
  }

  return { values, flags };
}
