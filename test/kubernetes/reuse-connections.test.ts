import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createKubeCluster } from '../../src/kubernetes/kube-cluster.js';

// A bare API server that counts TCP connections: a client without a keep-alive agent opens one per call.
let connections = 0;
const server = createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(
    JSON.stringify({
      kind: 'Deployment',
      apiVersion: 'apps/v1',
      metadata: { name: 'api', namespace: 'apps', generation: 1 },
      spec: { replicas: 1, template: { spec: { containers: [{ name: 'api', image: 'x:1' }] } } },
      status: { observedGeneration: 1 },
    }),
  );
});
server.on('connection', () => connections++);

beforeAll(() => new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve)));
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

it('keeps one connection to the API server across calls', async () => {
  const kc = new KubeConfig();
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  kc.loadFromOptions({
    clusters: [{ name: 'c', server: url, skipTLSVerify: true }],
    users: [{ name: 'u', token: 't' }],
    contexts: [{ name: 'ctx', cluster: 'c', user: 'u' }],
    currentContext: 'ctx',
  });
  const cluster = createKubeCluster({ kubeConfig: kc, sandbox: false });
  const target = { env: 'dev', service: 'api', kubeContext: 'ctx', namespace: 'apps', deployment: 'api' };
  for (let i = 0; i < 5; i++) await cluster.getDeployment(target);
  expect(connections).toBe(1);
});
