/**
 * The binding between an approval and what runs (APPROVALS.md case 19): a sha256 over the canonical JSON of the
 * request's meaning. Decisions store the hash they were made for; the executor recomputes it from the stored
 * request before claiming it, and any difference refuses.
 */
import { createHash } from 'node:crypto';
import type { PlannedChange } from '../define.js';

/**
 * JSON with object keys sorted (by UTF-16 code unit) at every depth and no whitespace, so equal values give
 * equal text whatever order they were built or stored in (jsonb reorders keys). Only JSON values are allowed:
 * a function, symbol, bigint, NaN or Infinity throws rather than being silently dropped or changed.
 */
export function canonicalJson(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`canonicalJson: ${value} is not a JSON number`);
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item ?? null)).join(',')}]`;
      if (value instanceof Date) return JSON.stringify(value.toISOString());
      const entries = Object.entries(value as Record<string, unknown>)
        .filter(([, v]) => v !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
    }
    default:
      throw new TypeError(`canonicalJson: a ${typeof value} is not a JSON value`);
  }
}

/** What an approval is bound to. */
export interface ParamsHashInput {
  command: string;
  service: string;
  env: string;
  args: Record<string, unknown>;
  /** Only the changes (what, from, to) are bound; the summary is prose. */
  plan: { changes: readonly PlannedChange[]; summary?: string };
  requesterPerson: string;
}

/** sha256 hex of the canonical JSON of {command, args, env, service, the plan's changes (what, from, to), requester person}. */
export function paramsHash(input: ParamsHashInput): string {
  const canonical = canonicalJson({
    command: input.command,
    service: input.service,
    env: input.env,
    args: input.args,
    changes: input.plan.changes.map((c) => ({ what: c.what, from: c.from, to: c.to })),
    requesterPerson: input.requesterPerson,
  });
  return createHash('sha256').update(canonical, 'utf8').digest('hex');
}

/** A hash as it may come back from a button: the whole hash, or a prefix of at least 12 hex characters. */
export function matchesParamsHash(stored: string, given: string): boolean {
  return /^[0-9a-f]{12,64}$/.test(given) && stored.startsWith(given);
}
