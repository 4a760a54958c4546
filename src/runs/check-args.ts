/**
 * Checks raw argument values against the command's schema and the catalog.
 * Returns problems per field so the modal can show them on its inputs; the text
 * path joins them into one usage error.
 */
import type { Catalog } from '../catalog.js';
import type { CommandDefinition } from '../define.js';
import { suggest } from '../suggest.js';
import { fieldsOf } from './schema-fields.js';

export type CheckedArgs =
  | { ok: true; args: Record<string, unknown>; env?: string; service?: string }
  | { ok: false; problems: Record<string, string> };

function unknownName(kind: string, value: string, known: readonly string[]): string {
  const guess = suggest(value, known);
  const list = known.length <= 12 ? ` Known ${kind}s: ${known.join(', ')}.` : '';
  return `Unknown ${kind} "${value}".${guess ? ` Did you mean "${guess}"?` : ''}${list}`;
}

export function checkArgs(command: CommandDefinition, values: Record<string, unknown>, catalog: Catalog): CheckedArgs {
  const problems: Record<string, string> = {};
  const parsed = command.args.safeParse(values);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = String(issue.path[0] ?? '_');
      problems[key] ??= values[key] === undefined ? `Missing <${key}>.` : `${key}: ${issue.message}`;
    }
  }
  const args = parsed.success ? (parsed.data as Record<string, unknown>) : values;
  let env: string | undefined;
  let service: string | undefined;
  for (const field of fieldsOf(command.args, command.positional)) {
    const value = args[field.key];
    if (typeof value !== 'string' || problems[field.key]) continue;
    if (field.catalog === 'environment') {
      const known = command.allowedEnvironments ?? Object.keys(catalog.environments);
      if (!Object.hasOwn(catalog.environments, value)) problems[field.key] = unknownName('environment', value, known);
      else if (!known.includes(value)) problems[field.key] = `${command.name} runs only in ${known.join(', ')}.`;
      else env = value;
    }
    if (field.catalog === 'service') {
      if (!Object.hasOwn(catalog.services, value)) {
        problems[field.key] = unknownName('service', value, Object.keys(catalog.services));
      } else service = value;
    }
  }
  if (Object.keys(problems).length > 0) return { ok: false, problems };
  return { ok: true, args, ...(env ? { env } : {}), ...(service ? { service } : {}) };
}
