/**
 * What kube-apiserver does to a Deployment before storing it: apply the apps/v1 defaults
 * (pkg/apis/apps/v1/defaults.go, pkg/apis/core/v1/defaults.go) and validate the fields the fake
 * relies on, answering 422 as the real validation does.
 */
import { pruneNulls } from './canonical.js';
import { matchesSelector } from './selectors.js';
import { invalid } from './status-error.js';
import type { Container, Deployment } from './types.js';

function defaultContainer(container: Container): Container {
  const tag = container.image?.includes('@')
    ? 'digest'
    : (container.image?.split('/').pop()?.split(':')[1] ?? 'latest');
  return {
    ...container,
    imagePullPolicy: container.imagePullPolicy ?? (tag === 'latest' ? 'Always' : 'IfNotPresent'),
    resources: container.resources ?? {},
    terminationMessagePath: container.terminationMessagePath ?? '/dev/termination-log',
    terminationMessagePolicy: container.terminationMessagePolicy ?? 'File',
  };
}

export function defaultDeployment(input: Deployment): Deployment {
  const deployment = pruneNulls(input);
  deployment.apiVersion = 'apps/v1';
  deployment.kind = 'Deployment';
  const spec = deployment.spec ?? ({} as Deployment['spec']);
  deployment.spec = spec;
  spec.replicas ??= 1;
  spec.revisionHistoryLimit ??= 10;
  spec.progressDeadlineSeconds ??= 600;
  spec.strategy ??= { type: 'RollingUpdate' };
  if ((spec.strategy.type ?? 'RollingUpdate') === 'RollingUpdate') {
    spec.strategy.type = 'RollingUpdate';
    spec.strategy.rollingUpdate = { maxSurge: '25%', maxUnavailable: '25%', ...spec.strategy.rollingUpdate };
  }
  const podSpec = spec.template?.spec;
  if (podSpec) {
    podSpec.restartPolicy ??= 'Always';
    podSpec.terminationGracePeriodSeconds ??= 30;
    podSpec.dnsPolicy ??= 'ClusterFirst';
    podSpec.securityContext ??= {};
    podSpec.schedulerName ??= 'default-scheduler';
    podSpec.containers = (podSpec.containers ?? []).map(defaultContainer);
  }
  return deployment;
}

export function validateDeployment(deployment: Deployment, previous?: Deployment): void {
  const name = deployment.metadata?.name ?? '';
  const fail = (field: string, message: string) => invalid('Deployment', 'apps', name, field, message);
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(name)) {
    throw fail(
      'metadata.name',
      `Invalid value: "${name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.'`,
    );
  }
  const { spec } = deployment;
  if (!Number.isInteger(spec.replicas) || (spec.replicas ?? 0) < 0) {
    throw fail('spec.replicas', `Invalid value: ${JSON.stringify(spec.replicas)}: must be greater than or equal to 0`);
  }
  const selector = spec.selector;
  if (!selector || (!selector.matchLabels && !selector.matchExpressions)) {
    throw fail('spec.selector', 'Required value');
  }
  if (previous && JSON.stringify(previous.spec.selector) !== JSON.stringify(selector)) {
    throw fail('spec.selector', `Invalid value: ${JSON.stringify(selector)}: field is immutable`);
  }
  if (!matchesSelector(selector, spec.template?.metadata?.labels)) {
    throw fail('spec.template.metadata.labels', 'Invalid value: `selector` does not match template `labels`');
  }
  const containers = spec.template?.spec?.containers ?? [];
  if (containers.length === 0) throw fail('spec.template.spec.containers', 'Required value');
  containers.forEach((container, index) => {
    if (!container.name) throw fail(`spec.template.spec.containers[${index}].name`, 'Required value');
    if (!container.image) throw fail(`spec.template.spec.containers[${index}].image`, 'Required value');
  });
}

/** maxSurge / maxUnavailable resolved against the replica count, rounding as the controller does. */
export function rollingBounds(deployment: Deployment): { surge: number; unavailable: number } {
  const replicas = deployment.spec.replicas ?? 1;
  if (deployment.spec.strategy?.type === 'Recreate') return { surge: 0, unavailable: replicas };
  const update = deployment.spec.strategy?.rollingUpdate ?? {};
  const resolve = (value: number | string | undefined, roundUp: boolean) => {
    if (typeof value === 'number') return value;
    const percent = Number.parseInt(value ?? '25', 10) / 100;
    return roundUp ? Math.ceil(percent * replicas) : Math.floor(percent * replicas);
  };
  const surge = resolve(update.maxSurge, true);
  const unavailable = resolve(update.maxUnavailable, false);
  // Both zero would deadlock; the API forbids it and the controller treats it as unavailable 1.
  return { surge, unavailable: surge === 0 && unavailable === 0 ? 1 : unavailable };
}
