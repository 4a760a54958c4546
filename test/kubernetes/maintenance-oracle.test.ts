/**
 * kubectl as the oracle for the maintenance endpoints of the fake kube-apiserver: finished pods,
 * Jobs (deletion with kubectl's Background cascade and with Orphan) and kubernetes.io/tls Secrets
 * look the same to kubectl as to our client-node adapter.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Cluster } from '../../src/kubernetes/cluster.js';
import type { FakeApiServer } from '../../src/kubernetes/fake-apiserver/index.js';
import { addBarePod, addJob, addTlsSecret } from '../../src/kubernetes/fake-apiserver/maintenance-objects.js';
import { createKubeCluster } from '../../src/kubernetes/kube-cluster.js';
import type { Scope } from '../../src/kubernetes/maintenance.js';
import { type Sandbox, startSandbox } from '../../src/kubernetes/sandbox.js';
import { selfSignedCertificate } from '../support/certificates.js';
import { findKubectl, type Kubectl, kubectlFor } from '../support/kubectl.js';

const binary = findKubectl();
const NS = 'neural-hive-mind';
const scope: Scope = { env: 'prod', kubeContext: 'prod-cluster', namespace: NS };

describe.skipIf(!binary)('maintenance endpoints: kubectl and the adapter agree', () => {
  let sandbox: Sandbox;
  let fake: FakeApiServer;
  let cluster: Cluster;
  let kubectl: Kubectl;
  const k = (...args: string[]) => kubectl.run(['-n', NS, ...args]);
  const names = async (...args: string[]) =>
    (await k('get', ...args, '-o', 'name')).stdout.split('\n').filter(Boolean).sort();

  beforeAll(async () => {
    sandbox = await startSandbox([{ name: 'prod', kubeContext: 'prod-cluster', namespace: NS, production: true }]);
    fake = sandbox.servers['prod-cluster'] as FakeApiServer;
    cluster = createKubeCluster({ kubeConfig: sandbox.kubeConfig, sandbox: true });
    kubectl = await kubectlFor(binary as string, sandbox.kubeConfig);
    addJob(fake.cluster, NS, 'db-migrate-41', 'Complete');
    addJob(fake.cluster, NS, 'nightly-report', 'Failed');
    addJob(fake.cluster, NS, 'model-sync', 'Running');
    addJob(fake.cluster, NS, 'cache-warm', 'Complete');
    addBarePod(fake.cluster, NS, 'debug-shell', 'Succeeded');
    addBarePod(fake.cluster, NS, 'evicted-worker', 'Failed');
    addTlsSecret(fake.cluster, NS, 'api-tls', await selfSignedCertificate('api.example.com', 20));
  });
  afterAll(async () => {
    await kubectl?.close();
    await sandbox?.close();
  });

  it('kubectl get jobs and pods by phase see what finishedWork reports', async () => {
    expect(await names('jobs')).toEqual([
      'job.batch/cache-warm',
      'job.batch/db-migrate-41',
      'job.batch/model-sync',
      'job.batch/nightly-report',
    ]);
    const succeeded = await names('pods', '--field-selector=status.phase=Succeeded');
    expect(succeeded).toHaveLength(3); // two completed Jobs' pods and the bare debug-shell
    expect(succeeded).toContain('pod/debug-shell');
    expect(await names('pods', '--field-selector=status.phase=Failed')).toHaveLength(2);
    const condition = await k(
      'get',
      'job',
      'db-migrate-41',
      '-o',
      'jsonpath={.status.conditions[0].type}/{.status.succeeded}',
    );
    expect(condition.stdout).toBe('Complete/1');

    const found = await cluster.finishedWork(scope);
    expect(found.map((o) => `${o.kind} ${o.name} ${o.state}`).sort()).toEqual([
      'Job cache-warm Complete',
      'Job db-migrate-41 Complete',
      'Pod debug-shell Succeeded',
      'Pod evicted-worker Failed',
    ]);
  });

  it('kubectl delete job cascades to its pods (Background); --cascade=orphan leaves them ownerless', async () => {
    await k('delete', 'job', 'cache-warm');
    expect(await names('pods', '-l', 'job-name=cache-warm')).toEqual([]);
    await k('delete', 'job', 'nightly-report', '--cascade=orphan');
    const orphans = JSON.parse((await k('get', 'pods', '-l', 'job-name=nightly-report', '-o', 'json')).stdout) as {
      items: Array<{ metadata: { ownerReferences?: unknown[] } }>;
    };
    expect(orphans.items).toHaveLength(1);
    expect(orphans.items[0]?.metadata.ownerReferences ?? []).toEqual([]);
    // An ownerless Failed pod is now finished work of no Job.
    expect((await cluster.finishedWork(scope)).some((o) => o.name.startsWith('nightly-report-'))).toBe(true);
  });

  it('deleteFinished removes Jobs with their pods, as kubectl then sees, and counts what was already gone', async () => {
    const found = await cluster.finishedWork(scope);
    await k('delete', 'pod', 'debug-shell');
    const result = await cluster.deleteFinished(scope, found);
    expect(result.alreadyGone).toBe(1);
    expect(await names('jobs')).toEqual(['job.batch/model-sync']);
    expect(await names('pods', '--field-selector=status.phase=Succeeded')).toEqual([]);
    expect(await names('pods', '--field-selector=status.phase=Failed')).toEqual([]);
    expect(await names('pods', '--field-selector=status.phase=Running')).toContain(
      (await names('pods', '-l', 'job-name=model-sync'))[0],
    );
  });

  it('kubectl get secrets --field-selector type=kubernetes.io/tls lists the Secrets tlsSecrets reads', async () => {
    expect(await names('secrets', '--field-selector', 'type=kubernetes.io/tls')).toEqual(['secret/api-tls']);
    const secret = JSON.parse((await k('get', 'secret', 'api-tls', '-o', 'json')).stdout) as {
      data: Record<string, string>;
    };
    const [ours] = await cluster.tlsSecrets(scope);
    expect(ours?.name).toBe('api-tls');
    expect(ours?.certificatePem).toBe(Buffer.from(secret.data['tls.crt'] ?? '', 'base64').toString('utf8'));
    expect(ours?.certificatePem).toMatch(/^-----BEGIN CERTIFICATE-----/);
    const all = JSON.parse((await k('get', 'secrets', '-o', 'json')).stdout) as {
      items: Array<{ metadata: { name: string; creationTimestamp: string }; type: string }>;
    };
    const ages = (await cluster.secrets(scope)).map((s) => [s.name, s.type, Date.parse(s.createdAt ?? '')]);
    expect(ages).toEqual(all.items.map((s) => [s.metadata.name, s.type, Date.parse(s.metadata.creationTimestamp)]));
  });
});
