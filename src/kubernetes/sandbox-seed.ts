/**
 * What the sandbox cluster holds: the neural-hive-mind services of the runbooks (api-gateway,
 * neural-engine, backend, frontend, worker), each with a few revisions deployed by people over the
 * last weeks, production ahead of nothing and dev ahead of everyone, as in life.
 */
import { createHash } from 'node:crypto';
import type { FakeCluster } from './fake-apiserver/index.js';

export type EnvironmentKind = 'prod' | 'staging' | 'dev';

interface ServiceSeed {
  versions: string[];
  replicas: Record<EnvironmentKind, number>;
  /** A second container, so logs must pick one. */
  sidecar?: { name: string; image: string };
  memoryLimit: string;
}

export const SANDBOX_SERVICES: Record<string, ServiceSeed> = {
  'api-gateway': {
    versions: ['1.3.9', '1.4.0', '1.4.1', '1.4.2', '1.5.0'],
    replicas: { prod: 4, staging: 2, dev: 1 },
    memoryLimit: '512Mi',
  },
  'neural-engine': {
    versions: ['2.7.3', '2.8.0', '2.8.1', '2.9.0', '2.9.1'],
    replicas: { prod: 6, staging: 2, dev: 1 },
    sidecar: { name: 'model-sync', image: 'registry.example.com/model-sync:0.6.2' },
    memoryLimit: '2Gi',
  },
  backend: {
    versions: ['3.11.0', '3.11.1', '3.12.0', '3.12.2', '3.13.0'],
    replicas: { prod: 3, staging: 2, dev: 1 },
    memoryLimit: '1Gi',
  },
  frontend: {
    versions: ['5.2.0', '5.2.1', '5.3.0', '5.3.1', '5.4.0'],
    replicas: { prod: 3, staging: 2, dev: 1 },
    memoryLimit: '256Mi',
  },
  worker: {
    versions: ['1.8.4', '1.9.0', '1.9.1', '1.9.2', '1.10.0'],
    replicas: { prod: 4, staging: 2, dev: 1 },
    memoryLimit: '1Gi',
  },
};

const PEOPLE = ['U0ALICE', 'U0BOB', 'U0CAROL'];
const DAY = 86_400_000;
const HOUR = 3_600_000;

/** Which versions an environment runs: prod the oldest window, dev the newest. */
function window(versions: string[], kind: EnvironmentKind): string[] {
  if (kind === 'prod') return versions.slice(0, 4);
  if (kind === 'staging') return versions.slice(2, 5);
  return versions.slice(1, 5);
}

/** Deterministic request ids, so the sandbox reads the same every start. */
const requestId = (service: string, version: string) =>
  createHash('sha1').update(`${service}@${version}`).digest('hex').slice(0, 6);

export function seedService(
  cluster: FakeCluster,
  namespace: string,
  name: string,
  kind: EnvironmentKind,
  now: Date,
): void {
  const seed = SANDBOX_SERVICES[name] ?? {
    versions: ['1.0.0', '1.0.1', '1.1.0', '1.1.1', '1.2.0'],
    replicas: { prod: 3, staging: 2, dev: 1 },
    memoryLimit: '512Mi',
  };
  const versions = window(seed.versions, kind);
  // Revisions spread back in time: weeks ago for the first, about a day ago for the current one.
  const ages = [34 * DAY, 19 * DAY, 6 * DAY + 5 * HOUR, 26 * HOUR].slice(-versions.length);
  const image = (version: string) => `registry.example.com/${name}:${version}`;
  const cause = (version: string, index: number) =>
    `deploy ${version} by ${PEOPLE[(index + name.length) % PEOPLE.length]} (req ${requestId(name, version)})`;
  const main = {
    name,
    image: image(versions[0] ?? '1.0.0'),
    ports: [{ containerPort: 8080, name: 'http', protocol: 'TCP' }],
    env: [
      { name: 'ENVIRONMENT', value: kind },
      { name: 'LOG_LEVEL', value: kind === 'prod' ? 'info' : 'debug' },
    ],
    resources: { requests: { cpu: '250m', memory: '128Mi' }, limits: { memory: seed.memoryLimit } },
  };
  versions.forEach((version, index) => {
    cluster.setTime(new Date(now.getTime() - (ages[index] ?? 0)));
    if (index === 0) {
      cluster.createDeployment({
        namespace,
        name,
        replicas: seed.replicas[kind],
        labels: { app: name },
        containers: seed.sidecar ? [main, { ...seed.sidecar }] : [main],
        changeCause: cause(version, index),
      });
      const deployment = cluster.deployment(namespace, name);
      deployment.metadata.labels = { ...deployment.metadata.labels, 'app.kubernetes.io/part-of': 'neural-hive-mind' };
      cluster.write(deployment, deployment);
    } else {
      cluster.setImage(namespace, name, image(version), { container: name, changeCause: cause(version, index) });
    }
  });
  cluster.setTime(now);
  if (kind !== 'prod' && name === 'worker') {
    // One pod that was OOMKilled a few times and recovered: something for `pods` and diagnostics to find.
    const pod = cluster.pods(namespace, name)[0];
    if (pod) {
      cluster.setPodState(namespace, pod.metadata.name, {
        state: 'running',
        restarts: 3,
        lastTermination: { reason: 'OOMKilled', exitCode: 137 },
      });
    }
  }
}
