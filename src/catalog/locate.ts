/**
 * From a zod issue path to a line of the YAML file, and from zod's issue codes to sentences.
 */
import { type Document, isAlias, isMap, isScalar, isSeq, type LineCounter, type Node } from 'yaml';
import { z } from 'zod';

export type Path = readonly PropertyKey[];

/** `environments.prod.freezes[0].from`; the root is "the catalog". */
export function renderPath(path: Path): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (/^[A-Za-z0-9_-]+$/.test(String(segment))) out += out ? `.${String(segment)}` : String(segment);
    else out += `[${JSON.stringify(String(segment))}]`;
  }
  return out || 'the catalog';
}

/**
 * The line of the deepest node of `path` present in the document: a mapping entry's key line,
 * a list item's first line. A missing key reports the line of its parent.
 */
export function lineOf(doc: Document, lineCounter: LineCounter, path: Path): number {
  const lineAt = (offset: number | undefined) => (offset === undefined ? 1 : lineCounter.linePos(offset).line);
  let node: unknown = doc.contents;
  let line = lineAt((node as Node | null)?.range?.[0]);
  for (const segment of path) {
    if (isAlias(node)) node = node.resolve(doc);
    if (isMap(node)) {
      const pair = node.items.find((p) => String(isScalar(p.key) ? p.key.value : p.key) === String(segment));
      if (!pair) break;
      line = lineAt((pair.key as Node | null)?.range?.[0]);
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment];
      if (!item) break;
      line = lineAt((item as Node).range?.[0]);
      node = item;
    } else break;
  }
  return line;
}

/** The schema that validates the value at `path`, through records, lists, optionals and defaults. */
export function schemaAt(schema: z.ZodType, path: Path): z.ZodType | undefined {
  let current: z.ZodType | undefined = schema;
  for (const segment of [...path, undefined]) {
    // Unwrap first, then descend one segment (the trailing undefined only unwraps).
    for (;;) {
      if (current instanceof z.ZodOptional || current instanceof z.ZodDefault || current instanceof z.ZodNullable) {
        current = current.unwrap() as z.ZodType;
      } else if (current instanceof z.ZodPipe) current = current.in as z.ZodType;
      else break;
    }
    if (segment === undefined || current === undefined) break;
    if (current instanceof z.ZodObject) current = current.shape[String(segment)] as z.ZodType | undefined;
    else if (current instanceof z.ZodRecord) current = current.valueType as z.ZodType;
    else if (current instanceof z.ZodArray) current = current.element as z.ZodType;
    else return undefined;
  }
  return current;
}

const q = (value: unknown) => (typeof value === 'string' ? JSON.stringify(value) : String(value));

const expectedWords: Record<string, string> = {
  object: 'a mapping (key: value lines, or { key: value })',
  record: 'a mapping (key: value lines, or { key: value })',
  array: 'a list ([a, b], or "- " lines)',
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
};

/** Sentences for the issues no schema words itself (missing keys, wrong types, bounds). */
export const catalogErrorMap: z.core.$ZodErrorMap = (iss) => {
  switch (iss.code) {
    case 'invalid_type': {
      if (iss.input === undefined) return 'is missing';
      const expected = expectedWords[iss.expected] ?? iss.expected;
      if (iss.input === null) return `is empty; write ${expected}`;
      if (iss.expected === 'array' && typeof iss.input !== 'object') {
        return `must be ${expected}; write [${q(iss.input)}]`;
      }
      const got = typeof iss.input === 'object' ? (Array.isArray(iss.input) ? 'a list' : 'a mapping') : q(iss.input);
      return `must be ${expected} (got ${got})`;
    }
    case 'too_small':
      if (iss.origin === 'string') return 'must not be empty';
      if (iss.origin === 'array') return `must list at least ${String(iss.minimum)}`;
      return `must be at least ${String(iss.minimum)} (got ${q(iss.input)})`;
    case 'too_big':
      if (iss.origin === 'string') return `is longer than ${String(iss.maximum)} characters`;
      return `must be at most ${String(iss.maximum)} (got ${q(iss.input)})`;
    case 'invalid_value':
      return `${q(iss.input)} is not one of ${iss.values.map(String).join(', ')}`;
    default:
      return undefined;
  }
};
