/**
 * In-memory object storage with etcd-like semantics: one cluster-wide resourceVersion counter bumped
 * on every write, and an event history so a watch that starts at a list's resourceVersion misses nothing.
 */
import { clone, randomUid } from './canonical.js';
import { statusError } from './status-error.js';
import type { KubeObject } from './types.js';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoredEvent {
  resourceVersion: number;
  resource: string;
  type: WatchEventType;
  object: KubeObject;
}

type Listener = (event: StoredEvent) => void;

const HISTORY_LIMIT = 5000;

export class ObjectStore {
  private readonly objects = new Map<string, KubeObject>();
  private readonly history: StoredEvent[] = [];
  private readonly listeners = new Set<{ resource: string; namespace?: string; listener: Listener }>();
  private version = 100;

  constructor(
    private readonly now: () => Date,
    private readonly random: () => number,
  ) {}

  get resourceVersion(): string {
    return String(this.version);
  }

  get<T extends KubeObject>(resource: string, namespace: string | undefined, name: string): T | undefined {
    const object = this.objects.get(key(resource, namespace, name));
    return object ? (clone(object) as T) : undefined;
  }

  list<T extends KubeObject>(resource: string, namespace?: string): T[] {
    const prefix = namespace === undefined ? `${resource}/` : `${resource}/${namespace}/`;
    return [...this.objects.entries()]
      .filter(([k]) => k.startsWith(prefix))
      .map(([, object]) => clone(object) as T)
      .sort((a, b) => compareKeys(a, b));
  }

  /** Namespaces that hold at least one object (the fake's namespaces are implicit). */
  namespaces(): string[] {
    const names = new Set<string>();
    for (const object of this.objects.values()) if (object.metadata.namespace) names.add(object.metadata.namespace);
    return [...names].sort();
  }

  /** Store a new object: uid, creationTimestamp and resourceVersion are the server's. */
  create<T extends KubeObject>(resource: string, object: T): T {
    const stored = clone(object);
    stored.metadata.uid = randomUid(this.random);
    stored.metadata.creationTimestamp = this.timestamp();
    return this.write(resource, stored, 'ADDED');
  }

  update<T extends KubeObject>(resource: string, object: T): T {
    if (!this.objects.has(key(resource, object.metadata.namespace, object.metadata.name))) {
      throw statusError(404, `${resource} "${object.metadata.name}" not found`);
    }
    return this.write(resource, clone(object), 'MODIFIED');
  }

  delete(resource: string, namespace: string | undefined, name: string): KubeObject | undefined {
    const k = key(resource, namespace, name);
    const object = this.objects.get(k);
    if (!object) return undefined;
    this.objects.delete(k);
    object.metadata.resourceVersion = String(++this.version);
    this.emit({ resourceVersion: this.version, resource, type: 'DELETED', object: clone(object) });
    return clone(object);
  }

  /**
   * Subscribe to changes of one resource (optionally one namespace). Events after `sinceVersion`
   * are replayed first; 410 Gone when that version is older than the history kept.
   */
  watch(resource: string, namespace: string | undefined, sinceVersion: number | undefined, listener: Listener) {
    if (sinceVersion !== undefined) {
      const oldest = this.history[0]?.resourceVersion ?? this.version;
      if (sinceVersion < oldest - 1 && this.history.length >= HISTORY_LIMIT) {
        throw statusError(410, `too old resource version: ${sinceVersion} (${oldest})`, 'Expired');
      }
      for (const event of this.history) {
        if (event.resourceVersion > sinceVersion && matches(event, resource, namespace)) listener(clone(event));
      }
    }
    const entry = { resource, namespace, listener };
    this.listeners.add(entry);
    return () => this.listeners.delete(entry);
  }

  timestamp(): string {
    return this.now()
      .toISOString()
      .replace(/\.\d{3}Z$/, 'Z');
  }

  private write<T extends KubeObject>(resource: string, object: T, type: WatchEventType): T {
    object.metadata.resourceVersion = String(++this.version);
    this.objects.set(key(resource, object.metadata.namespace, object.metadata.name), object);
    this.emit({ resourceVersion: this.version, resource, type, object: clone(object) });
    return clone(object);
  }

  private emit(event: StoredEvent) {
    this.history.push(event);
    if (this.history.length > HISTORY_LIMIT) this.history.shift();
    for (const { resource, namespace, listener } of this.listeners) {
      if (matches(event, resource, namespace)) listener(clone(event));
    }
  }
}

const key = (resource: string, namespace: string | undefined, name: string) => `${resource}/${namespace ?? ''}/${name}`;

const matches = (event: StoredEvent, resource: string, namespace: string | undefined) =>
  event.resource === resource && (namespace === undefined || event.object.metadata.namespace === namespace);

function compareKeys(a: KubeObject, b: KubeObject): number {
  const left = `${a.metadata.namespace ?? ''}/${a.metadata.name}`;
  const right = `${b.metadata.namespace ?? ''}/${b.metadata.name}`;
  return left < right ? -1 : left > right ? 1 : 0;
}
