/**
 * `?watch=true`: a chunked stream of newline-delimited `{"type":…,"object":…}` events, as
 * kube-apiserver sends them and kubectl rollout status / client-node's Watch read them.
 */
import type { ServerResponse } from 'node:http';
import { parseFieldSelector, parseLabelSelector } from './selectors.js';
import { badRequest, StatusError } from './status-error.js';
import type { ObjectStore, StoredEvent } from './store.js';
import type { KubeObject } from './types.js';

export interface WatchTarget {
  resource: string;
  kind: string;
  apiVersion: string;
  namespace?: string;
  name?: string;
}

export function serveWatch(
  store: ObjectStore,
  res: ServerResponse,
  target: WatchTarget,
  query: URLSearchParams,
): () => void {
  const labels = parseLabelSelector(query.get('labelSelector') ?? undefined);
  const fields = parseFieldSelector(query.get('fieldSelector') ?? undefined);
  const selected = (object: KubeObject) =>
    (!target.name || object.metadata.name === target.name) && labels(object.metadata.labels) && fields(object);
  const rawVersion = query.get('resourceVersion') ?? '';
  if (rawVersion !== '' && !/^\d+$/.test(rawVersion)) throw badRequest(`invalid resource version: ${rawVersion}`);
  const sendInitial = query.get('sendInitialEvents') === 'true' || rawVersion === '' || rawVersion === '0';

  res.writeHead(200, {
    'Content-Type': 'application/json',
    'Transfer-Encoding': 'chunked',
    'Cache-Control': 'no-cache, private',
  });
  // A client waits for the headers before it reads events; send them now, not with the first event.
  res.flushHeaders();
  const write = (type: string, object: unknown) => {
    if (!res.writableEnded) res.write(`${JSON.stringify({ type, object })}\n`);
  };
  const decorate = (object: KubeObject) => ({ kind: target.kind, apiVersion: target.apiVersion, ...object });

  if (sendInitial) {
    for (const object of store.list(target.resource, target.namespace))
      if (selected(object)) write('ADDED', decorate(object));
    if (query.get('sendInitialEvents') === 'true') {
      write('BOOKMARK', {
        kind: target.kind,
        apiVersion: target.apiVersion,
        metadata: { resourceVersion: store.resourceVersion, annotations: { 'k8s.io/initial-events-end': 'true' } },
      });
    }
  }
  const since = sendInitial ? undefined : Number(rawVersion);
  let unsubscribe = () => {};
  try {
    unsubscribe = store.watch(target.resource, target.namespace, since, (event: StoredEvent) => {
      if (selected(event.object)) write(event.type, decorate(event.object));
    });
  } catch (error) {
    // A too-old resourceVersion is reported inside the stream, as an ERROR event carrying a 410 Status.
    if (!(error instanceof StatusError)) throw error;
    write('ERROR', error.status);
    res.end();
    return () => {};
  }
  const timeoutSeconds = Number(query.get('timeoutSeconds') ?? '0');
  const timer = timeoutSeconds > 0 ? setTimeout(() => stop(), timeoutSeconds * 1000) : undefined;
  timer?.unref();
  const stop = () => {
    unsubscribe();
    if (timer) clearTimeout(timer);
    if (!res.writableEnded) res.end();
  };
  res.on('close', stop);
  return stop;
}
