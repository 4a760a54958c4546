/**
 * Go-like value semantics for JSON: kube-apiserver decodes into structs, so `null`, `{}` and `[]`
 * usually mean "absent", and key order never matters. The fake compares and hashes in that form.
 */
import { isPlainObject } from './types.js';

export const clone = <T>(value: T): T => structuredClone(value);

/** Drop `null` values recursively (a decoded Go struct has no nulls; kubectl sends `creationTimestamp: null`). */
export function pruneNulls<T>(value: T): T {
  if (Array.isArray(value)) return value.map((item) => pruneNulls(item)) as T;
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (item !== null && item !== undefined) out[key] = pruneNulls(item);
  }
  return out as T;
}

/** Sorted keys, empties removed: two values with the same canonical form are semantically equal. */
export function canonical(value: unknown): unknown {
  if (Array.isArray(value)) {
    const items = value.map(canonical).filter((item) => item !== undefined);
    return items.length ? items : undefined;
  }
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const item = canonical(value[key]);
      if (item !== undefined) out[key] = item;
    }
    return Object.keys(out).length ? out : undefined;
  }
  return value === null || value === '' ? undefined : value;
}

export const semanticEqual = (a: unknown, b: unknown) =>
  JSON.stringify(canonical(a) ?? null) === JSON.stringify(canonical(b) ?? null);

function fnv32a(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

// k8s.io/apimachinery/pkg/util/rand.SafeEncodeString: no vowels, no confusable characters.
const ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';

/** The pod-template-hash: fnv32a of the template (and collision count), safe-encoded as the controller does. */
export function templateHash(template: unknown, collisionCount = 0): string {
  const digits = String(fnv32a(JSON.stringify(canonical(template) ?? null) + String(collisionCount || '')));
  return [...digits].map((char) => ALPHANUMS[char.charCodeAt(0) % ALPHANUMS.length]).join('');
}

/** A small seeded PRNG (mulberry32) so pod names and ids are reproducible run to run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomString(random: () => number, length: number, alphabet = ALPHANUMS): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[Math.floor(random() * alphabet.length)];
  return out;
}

export function randomUid(random: () => number): string {
  const hex = randomString(random, 32, '0123456789abcdef');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20)}`;
}
