import { badRequest } from './status-error.js';
import type { LabelSelector } from './types.js';

type Labels = Record<string, string> | undefined;

/** Split on commas that are not inside "in (a,b)" parentheses. */
function splitTerms(selector: string): string[] {
  const terms: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of selector) {
    if (char === '(') depth++;
    if (char === ')') depth--;
    if (char === ',' && depth === 0) {
      terms.push(current.trim());
      current = '';
    } else {
      current += char;
    }
  }
  if (current.trim()) terms.push(current.trim());
  return terms.filter(Boolean);
}

/** Parse a label selector string (equality- and set-based, as kube-apiserver accepts it) into a predicate. */
export function parseLabelSelector(selector: string | undefined): (labels: Labels) => boolean {
  if (!selector) return () => true;
  const tests = splitTerms(selector).map((term): ((labels: Labels) => boolean) => {
    const set = /^(\S+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(term);
    if (set) {
      const [, key = '', op, list = ''] = set;
      const values = list.split(',').map((v) => v.trim());
      return op === 'in'
        ? (labels) => labels?.[key] !== undefined && values.includes(labels[key] as string)
        : (labels) => labels?.[key] === undefined || !values.includes(labels[key] as string);
    }
    const eq = /^([^!=\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(term);
    if (eq) {
      const [, key = '', op, value = ''] = eq;
      return op === '!=' ? (labels) => labels?.[key] !== value : (labels) => labels?.[key] === value;
    }
    const exists = /^(!?)([A-Za-z0-9./_-]+)$/.exec(term);
    if (exists) {
      const [, not, key = ''] = exists;
      return not ? (labels) => labels?.[key] === undefined : (labels) => labels?.[key] !== undefined;
    }
    throw badRequest(`unable to parse requirement: found '${term}', expected: in, notin, =, ==, !=, gt, lt`);
  });
  return (labels) => tests.every((test) => test(labels));
}

/** The string form of a LabelSelector (what `Scale.status.selector` and kubectl send). */
export function selectorToString(selector: LabelSelector | undefined): string {
  const parts = Object.entries(selector?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const expr of selector?.matchExpressions ?? []) {
    const values = (expr.values ?? []).join(',');
    if (expr.operator === 'In') parts.push(`${expr.key} in (${values})`);
    else if (expr.operator === 'NotIn') parts.push(`${expr.key} notin (${values})`);
    else if (expr.operator === 'Exists') parts.push(expr.key);
    else if (expr.operator === 'DoesNotExist') parts.push(`!${expr.key}`);
  }
  return parts.join(',');
}

export const matchesSelector = (selector: LabelSelector | undefined, labels: Labels) =>
  parseLabelSelector(selectorToString(selector))(labels);

function fieldValue(object: unknown, path: string): string | undefined {
  let current: unknown = object;
  for (const part of path.split('.')) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current === undefined || current === null ? undefined : String(current);
}

/** Field selectors: `a.b=c`, `a.b==c`, `a.b!=c`, comma-separated; any dotted path of the object. */
export function parseFieldSelector(selector: string | undefined): (object: unknown) => boolean {
  if (!selector) return () => true;
  const tests = splitTerms(selector).map((term) => {
    const match = /^([A-Za-z0-9._-]+)\s*(==|=|!=)\s*(.*)$/.exec(term);
    if (!match) throw badRequest(`invalid selector: '${selector}'; can't understand '${term}'`);
    const [, path = '', op, value = ''] = match;
    return (object: unknown) => {
      const actual = fieldValue(object, path) ?? '';
      return op === '!=' ? actual !== value : actual === value;
    };
  });
  return (object) => tests.every((test) => test(object));
}
