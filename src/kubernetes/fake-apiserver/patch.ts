/**
 * The three patch types kube-apiserver accepts for built-in types:
 * RFC 6902 JSON patch, RFC 7396 merge patch, and the subset of strategic merge patch that
 * Deployments need (maps merge; lists of containers/env/ports/volumes… merge by their key).
 */
import { clone } from './canonical.js';
import { badRequest, StatusError, statusError } from './status-error.js';
import { isPlainObject } from './types.js';

export const PATCH_TYPES = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
] as const;
export type PatchType = (typeof PATCH_TYPES)[number];

// x-kubernetes-patch-merge-key of the lists a Deployment or Scale contains (kubectl's OpenAPI v3 for apps/v1).
const MERGE_KEYS: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  env: 'name',
  ports: 'containerPort',
  volumes: 'name',
  volumeMounts: 'mountPath',
  volumeDevices: 'devicePath',
  imagePullSecrets: 'name',
  hostAliases: 'ip',
  conditions: 'type',
  ownerReferences: 'uid',
  topologySpreadConstraints: 'topologyKey',
};

const unprocessable = (message: string) => statusError(422, message, 'Invalid');

function decodePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw unprocessable(`invalid JSON pointer "${pointer}"`);
  return pointer
    .slice(1)
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'));
}

type Container = Record<string, unknown> | unknown[];

function parentOf(doc: unknown, parts: string[], op: string, path: string): { parent: Container; key: string } {
  let current: unknown = doc;
  for (const part of parts.slice(0, -1)) {
    const next: unknown = Array.isArray(current)
      ? current[Number(part)]
      : isPlainObject(current)
        ? current[part]
        : undefined;
    if (next === undefined) throw unprocessable(`${op} operation does not apply: doc is missing path: "${path}"`);
    current = next;
  }
  if (!Array.isArray(current) && !isPlainObject(current)) {
    throw unprocessable(`${op} operation does not apply: doc is missing path: "${path}"`);
  }
  return { parent: current, key: parts[parts.length - 1] ?? '' };
}

function getAt(doc: unknown, path: string): unknown {
  let current: unknown = doc;
  for (const part of decodePointer(path)) {
    current = Array.isArray(current) ? current[Number(part)] : isPlainObject(current) ? current[part] : undefined;
    if (current === undefined) throw unprocessable(`doc is missing path: "${path}"`);
  }
  return current;
}

function remove(doc: unknown, path: string, op = 'remove'): unknown {
  const { parent, key } = parentOf(doc, decodePointer(path), op, path);
  if (Array.isArray(parent)) {
    const index = Number(key);
    if (!Number.isInteger(index) || index < 0 || index >= parent.length) {
      throw unprocessable(`${op} operation does not apply: doc is missing path: "${path}"`);
    }
    return parent.splice(index, 1)[0];
  }
  if (!(key in parent)) throw unprocessable(`${op} operation does not apply: doc is missing path: "${path}"`);
  const value = parent[key];
  delete parent[key];
  return value;
}

function add(doc: unknown, path: string, value: unknown, replace = false): unknown {
  const parts = decodePointer(path);
  if (parts.length === 0) return clone(value);
  const { parent, key } = parentOf(doc, parts, replace ? 'replace' : 'add', path);
  if (Array.isArray(parent)) {
    const index = key === '-' ? parent.length : Number(key);
    if (!Number.isInteger(index) || index < 0 || index > parent.length) {
      throw unprocessable(`add operation does not apply: index out of bounds: "${path}"`);
    }
    parent.splice(index, replace ? 1 : 0, clone(value));
  } else {
    if (replace && !(key in parent)) {
      throw unprocessable(`replace operation does not apply: doc is missing key: "${path}"`);
    }
    parent[key] = clone(value);
  }
  return doc;
}

export function applyJsonPatch(document: unknown, operations: unknown): unknown {
  if (!Array.isArray(operations))
    throw badRequest('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  let doc = clone(document);
  for (const raw of operations) {
    if (!isPlainObject(raw) || typeof raw.op !== 'string' || typeof raw.path !== 'string') {
      throw unprocessable('invalid JSON patch operation');
    }
    const { op, path } = raw;
    if (op === 'add') doc = add(doc, path, raw.value);
    else if (op === 'replace') doc = add(doc, path, raw.value, true);
    else if (op === 'remove') remove(doc, path);
    else if (op === 'move' || op === 'copy') {
      const from = String(raw.from);
      const value = op === 'move' ? remove(doc, from, 'move') : clone(getAt(doc, from));
      doc = add(doc, path, value);
    } else if (op === 'test') {
      if (JSON.stringify(getAt(doc, path)) !== JSON.stringify(raw.value)) {
        throw unprocessable(`testing value ${path} failed: test failed`);
      }
    } else throw unprocessable(`Unexpected kind: ${op}`);
  }
  return doc;
}

export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) return clone(patch);
  const out: Record<string, unknown> = isPlainObject(target) ? clone(target) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = applyMergePatch(out[key], value);
  }
  return out;
}

function mergeKeyedList(target: unknown[], patch: unknown[], key: string): unknown[] {
  const out = target.map((item) => clone(item));
  for (const item of patch) {
    if (!isPlainObject(item)) continue;
    const index = out.findIndex((existing) => isPlainObject(existing) && existing[key] === item[key]);
    if (item.$patch === 'delete') {
      if (index >= 0) out.splice(index, 1);
    } else if (index >= 0) {
      out[index] = applyStrategicMergePatch(out[index], item);
    } else {
      out.push(applyStrategicMergePatch({}, item));
    }
  }
  return out;
}

function reorder(list: unknown[], order: unknown[], key: string): unknown[] {
  const rank = (item: unknown) => {
    const index = order.findIndex((o) => (isPlainObject(o) ? isPlainObject(item) && o[key] === item[key] : o === item));
    return index < 0 ? order.length : index;
  };
  return [...list].sort((a, b) => rank(a) - rank(b));
}

export function applyStrategicMergePatch(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) return clone(patch);
  if (patch.$patch === 'replace') {
    const { $patch: _directive, ...rest } = patch;
    return clone(rest);
  }
  if (patch.$patch === 'delete') return undefined;
  const out: Record<string, unknown> = isPlainObject(target) ? clone(target) : {};
  for (const [field, value] of Object.entries(patch)) {
    if (field === '$patch' || field === '$retainKeys' || field.startsWith('$setElementOrder/')) continue;
    if (field.startsWith('$deleteFromPrimitiveList/')) {
      const name = field.slice('$deleteFromPrimitiveList/'.length);
      const list = out[name];
      if (Array.isArray(list) && Array.isArray(value)) out[name] = list.filter((item) => !value.includes(item));
      continue;
    }
    const key = MERGE_KEYS[field];
    if (value === null) delete out[field];
    else if (Array.isArray(value) && key) {
      const current = Array.isArray(out[field]) ? (out[field] as unknown[]) : [];
      out[field] = mergeKeyedList(current, value, key);
    } else {
      const merged = applyStrategicMergePatch(out[field], value);
      if (merged === undefined) delete out[field];
      else out[field] = merged;
    }
  }
  for (const [directive, order] of Object.entries(patch)) {
    if (!directive.startsWith('$setElementOrder/') || !Array.isArray(order)) continue;
    const field = directive.slice('$setElementOrder/'.length);
    const list = out[field];
    if (Array.isArray(list)) out[field] = reorder(list, order, MERGE_KEYS[field] ?? 'name');
  }
  return out;
}

/** Apply a PATCH body of the given Content-Type; 415 for a type kube-apiserver would not accept here. */
export function applyPatch(document: unknown, contentType: string | undefined, body: unknown): unknown {
  const type = (contentType ?? '').split(';')[0]?.trim();
  try {
    if (type === 'application/json-patch+json') return applyJsonPatch(document, body);
    if (type === 'application/merge-patch+json') return applyMergePatch(document, body);
    if (type === 'application/strategic-merge-patch+json') return applyStrategicMergePatch(document, body);
  } catch (error) {
    if (error instanceof StatusError) throw error;
    throw unprocessable(String(error));
  }
  throw statusError(
    415,
    `the body of the request was in an unknown format - accepted media types include: ${PATCH_TYPES.join(', ')}`,
    'UnsupportedMediaType',
  );
}
