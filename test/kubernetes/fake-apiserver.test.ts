/**
 * The fake kube-apiserver over real HTTP, checked against what kube-apiserver answers
 * (TESTING.md 3.1–3.6): discovery, Status errors, the three patch types, preconditions,
 * /scale, selectors, logs, events and watch streams.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FakeApiServer, startFakeApiServer } from '../../src/kubernetes/fake-apiserver/index.js';

let fake: FakeApiServer;
const NS = 'apps';
const DEPLOY = `/apis/apps/v1/namespaces/${NS}/deployments`;

async function api(
  method: string,
  path: string,
  options: { body?: unknown; contentType?: string; accept?: string } = {},
) {
  const response = await fetch(`${fake.url}${path}`, {
    method,
    headers: {
      ...(options.contentType ? { 'Content-Type': options.contentType } : {}),
      ...(options.accept ? { Accept: options.accept } : {}),
    },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  const text = await response.text();
  const type = response.headers.get('content-type') ?? '';
  return {
    status: response.status,
    type,
    text,
    json: type.startsWith('application/json') ? JSON.parse(text) : undefined,
  };
}

beforeEach(async () => {
  fake = await startFakeApiServer();
  fake.cluster.createDeployment({
    namespace: NS,
    name: 'api-gateway',
    image: 'registry.example.com/api-gateway:1.4.1',
    replicas: 3,
  });
});
afterEach(() => fake.close());

describe('discovery', () => {
  it('serves legacy discovery documents that name deployments/scale as an autoscaling/v1 Scale', async () => {
    expect((await api('GET', '/version')).json.gitVersion).toMatch(/^v1\.\d+\.\d+$/);
    expect((await api('GET', '/api')).json).toMatchObject({ kind: 'APIVersions', versions: ['v1'] });
    expect((await api('GET', '/apis')).json.groups.map((g: { name: string }) => g.name)).toEqual(['apps', 'batch']);
    const apps = (await api('GET', '/apis/apps/v1')).json;
    expect(apps.kind).toBe('APIResourceList');
    expect(apps.resources.map((r: { name: string }) => r.name)).toEqual(
      expect.arrayContaining(['deployments', 'deployments/scale', 'deployments/status', 'replicasets']),
    );
    expect(apps.resources.find((r: { name: string }) => r.name === 'deployments/scale')).toMatchObject({
      group: 'autoscaling',
      version: 'v1',
      kind: 'Scale',
    });
    const core = (await api('GET', '/api/v1')).json;
    expect(core.resources.map((r: { name: string }) => r.name)).toEqual(
      expect.arrayContaining(['pods', 'pods/log', 'events']),
    );
  });

  it('refuses a request for aggregated discovery only, and answers plain JSON when JSON is acceptable', async () => {
    const onlyAggregated = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';
    expect((await api('GET', '/apis', { accept: onlyAggregated })).status).toBe(406);
    const withFallback = await api('GET', '/apis', { accept: `${onlyAggregated},application/json` });
    expect(withFallback.status).toBe(200);
    expect(withFallback.type).toBe('application/json');
    expect(withFallback.json.kind).toBe('APIGroupList');
  });
});

describe('errors are Status objects', () => {
  it('404 names the group resource and the object', async () => {
    const { status, json } = await api('GET', `${DEPLOY}/nope`);
    expect(status).toBe(404);
    expect(json).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'deployments.apps "nope" not found',
      reason: 'NotFound',
      details: { name: 'nope', group: 'apps', kind: 'deployments' },
      code: 404,
    });
    expect((await api('GET', `/api/v1/namespaces/${NS}/pods/nope`)).json.message).toBe('pods "nope" not found');
    expect((await api('GET', '/apis/batch/v1/namespaces/apps/cronjobs')).status).toBe(404);
    expect((await api('GET', `/apis/batch/v1/namespaces/${NS}/jobs/nope`)).json.message).toBe(
      'jobs.batch "nope" not found',
    );
  });

  it('injected faults answer with realistic RBAC and server errors, then go away', async () => {
    const remove = fake.injectFault({ method: 'PATCH', path: `${DEPLOY}/api-gateway`, status: 403 });
    const denied = await api('PATCH', `${DEPLOY}/api-gateway`, {
      body: {},
      contentType: 'application/merge-patch+json',
    });
    expect(denied.status).toBe(403);
    expect(denied.json.message).toBe(
      'deployments.apps "api-gateway" is forbidden: User "system:serviceaccount:opsbot:opsbot" cannot patch resource ' +
        '"deployments" in API group "apps" in the namespace "apps"',
    );
    expect((await api('GET', `${DEPLOY}/api-gateway`)).status).toBe(200);
    remove();
    fake.injectFault({ path: /\/pods$/, status: 500, times: 1 });
    expect((await api('GET', `/api/v1/namespaces/${NS}/pods`)).json).toMatchObject({
      code: 500,
      reason: 'InternalError',
    });
    expect((await api('GET', `/api/v1/namespaces/${NS}/pods`)).status).toBe(200);
  });

  it('requires the bearer token when one is configured', async () => {
    const guarded = await startFakeApiServer({ token: 'secret' });
    try {
      expect((await fetch(`${guarded.url}/version`)).status).toBe(401);
      const ok = await fetch(`${guarded.url}/version`, { headers: { Authorization: 'Bearer secret' } });
      expect(ok.status).toBe(200);
    } finally {
      await guarded.close();
    }
  });
});

describe('patching deployments', () => {
  const image = (d: { spec: { template: { spec: { containers: Array<{ image: string }> } } } }) =>
    d.spec.template.spec.containers[0]?.image;

  it('applies merge patch, JSON patch and strategic merge patch, and bumps generation on spec changes only', async () => {
    const before = (await api('GET', `${DEPLOY}/api-gateway`)).json;
    expect(before.metadata.generation).toBe(1);
    const labelled = await api('PATCH', `${DEPLOY}/api-gateway`, {
      body: { metadata: { labels: { team: 'edge' } } },
      contentType: 'application/merge-patch+json',
    });
    expect(labelled.json.metadata).toMatchObject({ generation: 1, labels: { app: 'api-gateway', team: 'edge' } });
    expect(Number(labelled.json.metadata.resourceVersion)).toBeGreaterThan(Number(before.metadata.resourceVersion));

    const smp = await api('PATCH', `${DEPLOY}/api-gateway`, {
      body: {
        spec: {
          template: {
            spec: { containers: [{ name: 'api-gateway', image: 'registry.example.com/api-gateway:1.4.2' }] },
          },
        },
      },
      contentType: 'application/strategic-merge-patch+json',
    });
    expect(smp.status).toBe(200);
    expect(image(smp.json)).toBe('registry.example.com/api-gateway:1.4.2');
    // Strategic merge keeps the container's other fields (merge key: name); a merge patch would have replaced the list.
    expect(smp.json.spec.template.spec.containers[0].ports).toEqual([{ containerPort: 8080, protocol: 'TCP' }]);
    expect(smp.json.metadata.generation).toBe(2);
    // The response is the object as written; the controller observes it afterwards.
    expect(smp.json.status.observedGeneration).toBe(1);

    const json = await api('PATCH', `${DEPLOY}/api-gateway`, {
      body: [{ op: 'replace', path: '/spec/replicas', value: 5 }],
      contentType: 'application/json-patch+json',
    });
    expect(json.json.spec.replicas).toBe(5);
    expect(json.json.metadata.generation).toBe(3);
  });

  it('answers 415 for patch types it does not accept, 422 for a JSON patch that does not apply', async () => {
    const apply = await api('PATCH', `${DEPLOY}/api-gateway`, {
      body: {},
      contentType: 'application/apply-patch+yaml',
    });
    expect(apply.status).toBe(415);
    expect(apply.json.reason).toBe('UnsupportedMediaType');
    const plain = await api('PATCH', `${DEPLOY}/api-gateway`, { body: {}, contentType: 'application/json' });
    expect(plain.status).toBe(415);
    const bad = await api('PATCH', `${DEPLOY}/api-gateway`, {
      body: [{ op: 'replace', path: '/spec/nothing/here', value: 1 }],
      contentType: 'application/json-patch+json',
    });
    expect(bad.status).toBe(422);
  });

  it('answers 409 Conflict when a write carries a stale resourceVersion', async () => {
    const stale = (await api('GET', `${DEPLOY}/api-gateway`)).json;
    await api('PATCH', `${DEPLOY}/api-gateway`, {
      body: { spec: { replicas: 4 } },
      contentType: 'application/merge-patch+json',
    });
    const put = await api('PUT', `${DEPLOY}/api-gateway`, {
      body: { ...stale, spec: { ...stale.spec, replicas: 2 } },
      contentType: 'application/json',
    });
    expect(put.status).toBe(409);
    expect(put.json.message).toBe(
      'Operation cannot be fulfilled on deployments.apps "api-gateway": the object has been modified; ' +
        'please apply your changes to the latest version and try again',
    );
    const patch = await api('PATCH', `${DEPLOY}/api-gateway`, {
      body: { metadata: { resourceVersion: stale.metadata.resourceVersion }, spec: { replicas: 2 } },
      contentType: 'application/merge-patch+json',
    });
    expect(patch.status).toBe(409);
  });

  it('validates like the API: negative replicas and a selector change are 422', async () => {
    const negative = await api('PATCH', `${DEPLOY}/api-gateway`, {
      body: { spec: { replicas: -1 } },
      contentType: 'application/merge-patch+json',
    });
    expect(negative.status).toBe(422);
    expect(negative.json.message).toContain('spec.replicas: Invalid value: -1: must be greater than or equal to 0');
    const selector = await api('PATCH', `${DEPLOY}/api-gateway`, {
      body: {
        spec: { selector: { matchLabels: { app: 'other' } }, template: { metadata: { labels: { app: 'other' } } } },
      },
      contentType: 'application/merge-patch+json',
    });
    expect(selector.status).toBe(422);
    expect(selector.json.message).toContain('field is immutable');
  });

  it('does not store anything for dryRun=All', async () => {
    const dry = await api('PATCH', `${DEPLOY}/api-gateway?dryRun=All`, {
      body: { spec: { replicas: 9 } },
      contentType: 'application/merge-patch+json',
    });
    expect(dry.json.spec.replicas).toBe(9);
    expect((await api('GET', `${DEPLOY}/api-gateway`)).json.spec.replicas).toBe(3);
  });
});

describe('/scale', () => {
  it('reads and writes an autoscaling/v1 Scale', async () => {
    const scale = (await api('GET', `${DEPLOY}/api-gateway/scale`)).json;
    expect(scale).toMatchObject({
      kind: 'Scale',
      apiVersion: 'autoscaling/v1',
      spec: { replicas: 3 },
      status: { replicas: 3, selector: 'app=api-gateway' },
    });
    const patched = await api('PATCH', `${DEPLOY}/api-gateway/scale`, {
      body: { spec: { replicas: 5 } },
      contentType: 'application/merge-patch+json',
    });
    expect(patched.json.spec.replicas).toBe(5);
    expect(fake.cluster.pods(NS, 'api-gateway')).toHaveLength(5);
    const put = await api('PUT', `${DEPLOY}/api-gateway/scale`, {
      body: { ...scale, spec: { replicas: 2 } },
      contentType: 'application/json',
    });
    expect(put.status).toBe(409);
    const fresh = (await api('GET', `${DEPLOY}/api-gateway/scale`)).json;
    const ok = await api('PUT', `${DEPLOY}/api-gateway/scale`, {
      body: { ...fresh, spec: { replicas: 2 } },
      contentType: 'application/json',
    });
    expect(ok.json.spec.replicas).toBe(2);
    const deployment = (await api('GET', `${DEPLOY}/api-gateway/status`)).json;
    expect(deployment.status).toMatchObject({
      replicas: 2,
      readyReplicas: 2,
      availableReplicas: 2,
      updatedReplicas: 2,
    });
  });
});

describe('lists, logs and events', () => {
  it('filters lists by label selector, typed list items carry no kind', async () => {
    fake.cluster.createDeployment({
      namespace: NS,
      name: 'worker',
      image: 'registry.example.com/worker:1.0.0',
      replicas: 2,
    });
    const all = (await api('GET', `/api/v1/namespaces/${NS}/pods`)).json;
    expect(all.kind).toBe('PodList');
    expect(all.items).toHaveLength(5);
    expect(all.items[0].kind).toBeUndefined();
    const workers = (
      await api('GET', `/api/v1/namespaces/${NS}/pods?labelSelector=${encodeURIComponent('app in (worker)')}`)
    ).json;
    expect(workers.items).toHaveLength(2);
    const rs = (await api('GET', `/apis/apps/v1/namespaces/${NS}/replicasets?labelSelector=app%3Dapi-gateway`)).json;
    expect(rs.items).toHaveLength(1);
    expect((await api('GET', `/api/v1/namespaces/other/pods`)).json.items).toEqual([]);
  });

  it('serves pod logs as text/plain with tailLines, previous and container, and 400 where the API does', async () => {
    const [pod] = fake.cluster.crashPods(NS, 'api-gateway', {
      reason: 'OOMKilled',
      count: 1,
      previousLogs: ['a', 'b', 'c'],
    });
    const path = `/api/v1/namespaces/${NS}/pods/${pod?.metadata.name}/log`;
    const previous = await api('GET', `${path}?previous=true&tailLines=2`);
    expect(previous.type).toBe('text/plain');
    expect(previous.text).toBe('b\nc\n');
    const healthy = fake.cluster.pods(NS, 'api-gateway').find((p) => p.metadata.name !== pod?.metadata.name);
    const noPrevious = await api('GET', `/api/v1/namespaces/${NS}/pods/${healthy?.metadata.name}/log?previous=true`);
    expect(noPrevious.status).toBe(400);
    expect(noPrevious.json.message).toBe(
      `previous terminated container "api-gateway" in pod "${healthy?.metadata.name}" not found`,
    );
    expect((await api('GET', `/api/v1/namespaces/${NS}/pods/${healthy?.metadata.name}/log`)).text).toContain(
      'listening on :8080',
    );

    fake.cluster.createDeployment({
      namespace: NS,
      name: 'engine',
      containers: [
        { name: 'engine', image: 'registry.example.com/engine:2.0.0' },
        { name: 'model-sync', image: 'registry.example.com/model-sync:0.6.2' },
      ],
    });
    const enginePod = fake.cluster.pods(NS, 'engine')[0]?.metadata.name;
    const ambiguous = await api('GET', `/api/v1/namespaces/${NS}/pods/${enginePod}/log`);
    expect(ambiguous.status).toBe(400);
    expect(ambiguous.json.message).toBe(
      `a container name must be specified for pod ${enginePod}, choose one of: [engine model-sync]`,
    );
    expect((await api('GET', `/api/v1/namespaces/${NS}/pods/${enginePod}/log?container=model-sync`)).text).toContain(
      'model-sync 0.6.2',
    );
  });

  it('records controller and kubelet events, selectable by involvedObject.name', async () => {
    fake.cluster.crashPods(NS, 'api-gateway', { count: 1 });
    const events = (await api('GET', `/api/v1/namespaces/${NS}/events?fieldSelector=involvedObject.name%3Dapi-gateway`))
      .json;
    expect(events.items.map((e: { reason: string; message: string }) => `${e.reason}: ${e.message}`)).toEqual([
      expect.stringMatching(/^ScalingReplicaSet: Scaled up replica set api-gateway-\w+ from 0 to 3$/),
    ]);
    const backoff = (await api('GET', `/api/v1/namespaces/${NS}/events?fieldSelector=reason%3DBackOff`)).json;
    expect(backoff.items[0]).toMatchObject({ type: 'Warning', involvedObject: { kind: 'Pod' } });
  });
});

describe('watch', () => {
  it('streams newline-delimited events for one deployment from a list resourceVersion', async () => {
    const list = (await api('GET', `${DEPLOY}?fieldSelector=metadata.name%3Dapi-gateway`)).json;
    const controller = new AbortController();
    const response = await fetch(
      `${fake.url}${DEPLOY}?watch=true&fieldSelector=metadata.name%3Dapi-gateway&resourceVersion=${list.metadata.resourceVersion}`,
      { signal: controller.signal },
    );
    fake.cluster.setImage(NS, 'api-gateway', 'registry.example.com/api-gateway:1.4.2');
    fake.cluster.createDeployment({ namespace: NS, name: 'other', image: 'registry.example.com/other:1.0.0' });
    const reader = response.body?.getReader();
    let text = '';
    const done = () => text.includes('"observedGeneration":2');
    while (reader && !done()) text += new TextDecoder().decode((await reader.read()).value);
    controller.abort();
    const events = text
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(events).toHaveLength(2);
    expect(events.every((e) => e.object.metadata.name === 'api-gateway' && e.object.kind === 'Deployment')).toBe(true);
    expect(events[0]).toMatchObject({
      type: 'MODIFIED',
      object: { metadata: { generation: 2 }, status: { observedGeneration: 1 } },
    });
    expect(events.at(-1).object.status.observedGeneration).toBe(2);
  });
});
