/**
 * Reads a command's zod schema once and describes its fields for the three
 * places that need them: the text parser, help's synopsis and the modal.
 */
import type { z } from 'zod';
import { catalogKindOf } from '../define.js';

export type FieldKind = 'string' | 'number' | 'boolean' | 'enum' | 'array';

export interface FieldInfo {
  key: string;
  /** The --flag spelling: camelCase keys become kebab-case. */
  flag: string;
  kind: FieldKind;
  optional: boolean;
  positional: boolean;
  description?: string;
  catalog?: 'service' | 'environment';
  options?: string[];
}

const WRAPPERS = new Set(['optional', 'default', 'nullable', 'prefault', 'catch', 'readonly']);

function baseOf(schema: z.ZodType): { base: z.ZodType; optional: boolean } {
  let current = schema;
  let optional = false;
  for (let depth = 0; depth < 10 && WRAPPERS.has(current.def.type); depth++) {
    if (current.def.type !== 'readonly') optional = true;
    current = (current.def as unknown as { innerType: z.ZodType }).innerType;
  }
  if (current.def.type === 'pipe') return { base: (current.def as unknown as { in: z.ZodType }).in, optional };
  return { base: current, optional };
}

function kindOf(base: z.ZodType): { kind: FieldKind; options?: string[] } {
  switch (base.def.type) {
    case 'number':
    case 'int':
    case 'bigint':
      return { kind: 'number' };
    case 'boolean':
      return { kind: 'boolean' };
    case 'enum':
      return { kind: 'enum', options: (base as z.ZodEnum).options.map(String) };
    case 'literal':
      return { kind: 'enum', options: [...(base.def as unknown as { values: unknown[] }).values].map(String) };
    case 'array':
      return { kind: 'array' };
    default:
      return { kind: 'string' };
  }
}

export const toFlag = (key: string) => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

const cache = new WeakMap<z.ZodObject, FieldInfo[]>();

export function fieldsOf(schema: z.ZodObject, positionalCount?: number): FieldInfo[] {
  const cached = cache.get(schema);
  if (cached && positionalCount === undefined) return cached;
  const entries = Object.entries(schema.shape as Record<string, z.ZodType>);
  const fields = entries.map(([key, field], index): FieldInfo => {
    const { base, optional } = baseOf(field);
    const { kind, options } = kindOf(base);
    const info: FieldInfo = {
      key,
      flag: toFlag(key),
      kind,
      optional: optional || field.safeParse(undefined).success,
      // Booleans are switches (--previous), never positional words.
      positional: kind !== 'boolean' && index < (positionalCount ?? entries.length),
    };
    const description = field.description ?? base.description;
    if (description) info.description = description;
    const catalog = catalogKindOf(field);
    if (catalog) info.catalog = catalog;
    if (options) info.options = options;
    return info;
  });
  if (positionalCount === undefined) cache.set(schema, fields);
  return fields;
}

/** `<service> <env> [revision] [--tail <n>] [--previous]` */
export function synopsisOf(fields: FieldInfo[]): string {
  const parts = fields.map((f) => {
    if (f.positional) return f.optional ? `[${f.key}]` : `<${f.key}>`;
    const flag = f.kind === 'boolean' ? `--${f.flag}` : `--${f.flag} <${f.kind === 'number' ? 'n' : 'value'}>`;
    return f.optional ? `[${flag}]` : flag;
  });
  return parts.join(' ');
}
