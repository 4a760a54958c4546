/** core/v1 Events as controllers and the kubelet record them (what `kubectl describe` shows at the bottom). */
import { randomString } from './canonical.js';
import type { ObjectStore } from './store.js';
import type { KubeObject } from './types.js';

export interface EventInput {
  involved: KubeObject;
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
  component: string;
}

export function recordEvent(store: ObjectStore, random: () => number, input: EventInput): void {
  const { involved } = input;
  const namespace = involved.metadata.namespace;
  const now = store.timestamp();
  const existing = store
    .list<KubeObject & { count?: number; involvedObject?: { uid?: string }; reason?: string; message?: string }>(
      'events',
      namespace,
    )
    .find(
      (e) =>
        e.involvedObject?.uid === involved.metadata.uid && e.reason === input.reason && e.message === input.message,
    );
  if (existing) {
    // The kubelet and controllers aggregate repeats into one Event with a count, as here.
    store.update('events', { ...existing, count: (existing.count ?? 1) + 1, lastTimestamp: now });
    return;
  }
  store.create('events', {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: `${involved.metadata.name}.${randomString(random, 16, '0123456789abcdef')}`, namespace },
    involvedObject: {
      kind: involved.kind,
      namespace,
      name: involved.metadata.name,
      uid: involved.metadata.uid,
      apiVersion: involved.apiVersion,
      resourceVersion: involved.metadata.resourceVersion,
    },
    reason: input.reason,
    message: input.message,
    source: { component: input.component },
    firstTimestamp: now,
    lastTimestamp: now,
    count: 1,
    type: input.type,
    reportingComponent: input.component,
    reportingInstance: '',
  });
}
