/**
 * Legacy discovery documents (/version, /api, /apis, /api/v1, /apis/apps/v1), which kubectl falls back
 * to when the server does not answer aggregated discovery (it asks for
 * `application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,…,application/json` and
 * checks the response's Content-Type).
 */

export interface ResourceInfo {
  group: string;
  version: string;
  /** Plural name as in the URL; subresources are "deployments/scale". */
  name: string;
  kind: string;
  singularName: string;
  namespaced: boolean;
  verbs: string[];
  shortNames?: string[];
  categories?: string[];
  /** For subresources whose kind lives in another group (deployments/scale → autoscaling/v1 Scale). */
  subGroup?: string;
  subVersion?: string;
}

const READ = ['get', 'list', 'watch'];
const WRITE = ['create', 'delete', 'deletecollection', 'patch', 'update'];

export const RESOURCES: ResourceInfo[] = [
  {
    group: '',
    version: 'v1',
    name: 'namespaces',
    kind: 'Namespace',
    singularName: 'namespace',
    namespaced: false,
    verbs: ['get', 'list'],
    shortNames: ['ns'],
  },
  {
    group: '',
    version: 'v1',
    name: 'pods',
    kind: 'Pod',
    singularName: 'pod',
    namespaced: true,
    verbs: [...READ, 'delete'],
    shortNames: ['po'],
    categories: ['all'],
  },
  { group: '', version: 'v1', name: 'pods/log', kind: 'Pod', singularName: '', namespaced: true, verbs: ['get'] },
  {
    group: '',
    version: 'v1',
    name: 'events',
    kind: 'Event',
    singularName: 'event',
    namespaced: true,
    verbs: READ,
    shortNames: ['ev'],
  },
  {
    group: 'apps',
    version: 'v1',
    name: 'deployments',
    kind: 'Deployment',
    singularName: 'deployment',
    namespaced: true,
    verbs: [...READ, ...WRITE],
    shortNames: ['deploy'],
    categories: ['all'],
  },
  {
    group: 'apps',
    version: 'v1',
    name: 'deployments/scale',
    kind: 'Scale',
    singularName: '',
    namespaced: true,
    verbs: ['get', 'patch', 'update'],
    subGroup: 'autoscaling',
    subVersion: 'v1',
  },
  {
    group: 'apps',
    version: 'v1',
    name: 'deployments/status',
    kind: 'Deployment',
    singularName: '',
    namespaced: true,
    verbs: ['get', 'patch', 'update'],
  },
  {
    group: '',
    version: 'v1',
    name: 'secrets',
    kind: 'Secret',
    singularName: 'secret',
    namespaced: true,
    verbs: [...READ, 'delete'],
  },
  {
    group: 'batch',
    version: 'v1',
    name: 'jobs',
    kind: 'Job',
    singularName: 'job',
    namespaced: true,
    verbs: [...READ, 'delete'],
    categories: ['all'],
  },
  {
    group: 'apps',
    version: 'v1',
    name: 'replicasets',
    kind: 'ReplicaSet',
    singularName: 'replicaset',
    namespaced: true,
    verbs: READ,
    shortNames: ['rs'],
    categories: ['all'],
  },
];

export const GIT_VERSION = 'v1.31.4';

export function versionInfo() {
  return {
    major: '1',
    minor: '31',
    gitVersion: GIT_VERSION,
    gitCommit: 'a78aa47129b8539636eb86a9d00e31b2720fe06b',
    gitTreeState: 'clean',
    buildDate: '2024-12-10T18:50:46Z',
    goVersion: 'go1.22.10',
    compiler: 'gc',
    platform: 'linux/amd64',
  };
}

const serverAddress = (host: string) => [{ clientCIDR: '0.0.0.0/0', serverAddress: host }];

export const apiVersions = (host: string) => ({
  kind: 'APIVersions',
  versions: ['v1'],
  serverAddressByClientCIDRs: serverAddress(host),
});

export const apiGroupList = () => ({
  kind: 'APIGroupList',
  apiVersion: 'v1',
  groups: SERVED_GROUPS.map(groupEntry),
});

const SERVED_GROUPS = ['apps', 'batch'];
const groupEntry = (name: string) => ({
  name,
  versions: [{ groupVersion: `${name}/v1`, version: 'v1' }],
  preferredVersion: { groupVersion: `${name}/v1`, version: 'v1' },
});

export const apiGroup = (group: string) =>
  SERVED_GROUPS.includes(group) ? { kind: 'APIGroup', apiVersion: 'v1', ...groupEntry(group) } : undefined;

/** APIResourceList for "v1" or "apps/v1"; undefined for a group version the fake does not serve. */
export function apiResourceList(groupVersion: string) {
  const resources = RESOURCES.filter((r) => (r.group ? `${r.group}/${r.version}` : r.version) === groupVersion);
  if (resources.length === 0) return undefined;
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion,
    resources: resources.map((r) => ({
      name: r.name,
      singularName: r.singularName,
      namespaced: r.namespaced,
      ...(r.subGroup ? { group: r.subGroup, version: r.subVersion } : {}),
      kind: r.kind,
      verbs: r.verbs,
      ...(r.shortNames ? { shortNames: r.shortNames } : {}),
      ...(r.categories ? { categories: r.categories } : {}),
    })),
  };
}

export const findResource = (group: string, name: string) =>
  RESOURCES.find((r) => r.group === group && r.name === name && !r.name.includes('/'));
