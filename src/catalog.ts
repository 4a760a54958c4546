/**
 * catalog.yaml → typed Catalog. Every problem is reported as `catalog.yaml:14: <path> <what is wrong>`,
 * all of them at once, sorted by line, in one OpsError('config').
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { catalogErrorMap, lineOf, type Path, renderPath, schemaAt } from './catalog/locate.js';
import { CatalogSchema } from './catalog/schema.js';
import type { Role } from './define.js';
import { OpsError, usageError } from './errors.js';
import type { Target } from './kubernetes/cluster.js';
import { didYouMean, suggestions } from './suggest.js';

export { NAME_PATTERN } from './catalog/schema.js';

/** A window in which production changes are refused (the policies decide what a freeze blocks). */
export interface Freeze {
  from: Date;
  to: Date;
  reason: string;
}

export interface Environment {
  kubeContext: string;
  namespace: string;
  /** Mutations here need approval (the default policy). */
  production: boolean;
  /** Channel id where results of actions in this environment are posted. */
  channel?: string;
  /** NAME of the variable holding this environment's database URL; never the URL. */
  databaseUrlEnv?: string;
  freezes: Freeze[];
  /** A script under SCRIPTS_DIR that `health` also runs (argv: the environment's name); exit 0 OK, 1 WARN, 2 CRITICAL. */
  healthScript?: string;
}

export interface HealthCheck {
  name: string;
  url: string;
  expect?: { status?: number; json?: Record<string, unknown> };
  /** Slower answers are reported as WARN. */
  warnAfterMs?: number;
  /** The environments whose health this URL tells (default: all). */
  environments?: string[];
}

export interface ServiceOverride {
  namespace?: string;
  deployment?: string;
  container?: string;
  maxReplicas?: number;
}

export interface Service {
  /** Defaults to the service's name. */
  deployment: string;
  /** Undefined: the deployment's first container. */
  container?: string;
  /** Upper bound of `scale` (default 50). */
  maxReplicas: number;
  /** Slack user ids: invited to incidents, named in alerts. */
  owners: string[];
  tier: 'critical' | 'standard';
  /** User or group ids that narrow who may approve for this service. */
  approvers?: string[];
  healthChecks: HealthCheck[];
  /** Per-environment overrides, keyed by environment name. */
  env: Record<string, ServiceOverride>;
}

export interface Catalog {
  environments: Record<string, Environment>;
  services: Record<string, Service>;
  /** Slack user ids (U…/W…), user group ids (S…) or "*" (every full member). */
  roles: Record<Role, string[]>;
  /** Several Slack accounts of one person count as one person. */
  people: Record<string, string[]>;
  channels: { alerts?: string; reports?: string; approvals?: string; incidents?: string };
  /** Minutes without a status update before the commander is nudged, per severity (0: never). */
  incidents?: { reminders?: Partial<Record<'SEV1' | 'SEV2' | 'SEV3' | 'SEV4', number>> };
}

/** A service in one environment with its per-environment override applied. */
export interface ResolvedTarget extends Target {
  maxReplicas: number;
}

export interface CatalogProblem {
  line: number;
  message: string;
}

/** The catalog is invalid; `problems` are sorted by line, the message lists them as `file:line: …`. */
export class CatalogError extends OpsError {
  readonly problems: readonly CatalogProblem[];

  constructor(fileName: string, problems: CatalogProblem[]) {
    const lines = problems.map((p) => `  ${fileName}:${p.line}: ${p.message}`).join('\n');
    const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
    super('config', `${fileName} has ${count}:\n${lines}`, {
      hint: 'Fix the lines above and start again; the catalog.yaml shipped with opsbot shows every key, with comments.',
    });
    this.problems = problems;
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

// The path of a problem plus its sentence; the line is looked up in the document afterwards.
type Located = { path: Path; message: string };

function describeIssue(issue: z.core.$ZodIssue): Located[] {
  if (issue.code === 'unrecognized_keys') {
    const owner = schemaAt(CatalogSchema, issue.path);
    const allowed = owner instanceof z.ZodObject ? Object.keys(owner.shape) : [];
    return issue.keys.map((key) => {
      const path = [...issue.path, key];
      const hint = didYouMean(key, allowed);
      const message =
        owner?.description === 'roles'
          ? `is not a role; roles are ${allowed.join(', ')}${hint}`
          : `is not a key of ${owner?.description ?? 'this mapping'}; its keys are ${allowed.join(', ')}${hint}`;
      return { path, message };
    });
  }
  if (issue.code === 'invalid_type' && issue.input === undefined && issue.path.length > 0) {
    const owner = schemaAt(CatalogSchema, issue.path.slice(0, -1));
    if (owner instanceof z.ZodObject) {
      const required = Object.keys(owner.shape).filter((key) => !owner.shape[key]?.safeParse(undefined).success);
      const list = required.length > 1 ? `${required.slice(0, -1).join(', ')} and ${required.at(-1)}` : required[0];
      return [{ path: issue.path, message: `is missing; ${owner.description ?? 'this mapping'} needs ${list}` }];
    }
  }
  if (issue.code === 'invalid_key') {
    return [{ path: issue.path, message: issue.issues[0]?.message ?? issue.message }];
  }
  return [{ path: issue.path, message: issue.message }];
}

// Checks across sections, run on the raw data so that they are reported together with schema problems.
function crossCheck(data: unknown): Located[] {
  if (!isRecord(data)) return [];
  const found: Located[] = [];
  const environments = isRecord(data.environments) ? Object.keys(data.environments) : undefined;
  if (environments && isRecord(data.services)) {
    for (const [name, service] of Object.entries(data.services)) {
      if (!isRecord(service) || !isRecord(service.env)) continue;
      for (const env of Object.keys(service.env)) {
        if (environments.includes(env)) continue;
        found.push({
          path: ['services', name, 'env', env],
          message: `is not an environment; environments are ${environments.join(', ')}${didYouMean(env, environments)}`,
        });
      }
    }
    for (const [name, service] of Object.entries(data.services)) {
      if (!isRecord(service) || !Array.isArray(service.healthChecks)) continue;
      service.healthChecks.forEach((check, i) => {
        if (!isRecord(check) || !Array.isArray(check.environments)) return;
        check.environments.forEach((env, j) => {
          if (environments.includes(String(env))) return;
          found.push({
            path: ['services', name, 'healthChecks', i, 'environments', j],
            message: `${JSON.stringify(env)} is not an environment; environments are ${environments.join(', ')}${didYouMean(String(env), environments)}`,
          });
        });
      });
    }
  }
  if (isRecord(data.people)) {
    const owner = new Map<string, string>();
    for (const [person, ids] of Object.entries(data.people)) {
      if (!Array.isArray(ids)) continue;
      ids.forEach((id, index) => {
        const previous = owner.get(String(id));
        if (previous !== undefined && previous !== person) {
          found.push({
            path: ['people', person, index],
            message: `${JSON.stringify(id)} is already listed under people.${previous}; a Slack account belongs to one person`,
          });
        } else owner.set(String(id), person);
      });
    }
  }
  return found;
}

/** Parse and check catalog text; `fileName` is used in messages (`catalog.yaml:7: …`). */
export function parseCatalog(text: string, fileName: string): Catalog {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, merge: true });
  if (doc.errors.length > 0) {
    const problems = doc.errors.map((e) => ({
      line: lineCounter.linePos(e.pos[0]).line,
      message: `YAML syntax: ${e.code === 'DUPLICATE_KEY' ? 'this key appears twice in the same mapping; keep one' : e.message}`,
    }));
    throw new CatalogError(fileName, problems);
  }
  const data: unknown = doc.toJS();
  if (data === null || data === undefined) {
    throw new CatalogError(fileName, [
      { line: 1, message: 'the catalog is empty; it needs environments, services and roles' },
    ]);
  }

  const parsed = CatalogSchema.safeParse(data, { error: catalogErrorMap, reportInput: true });
  const located = [...(parsed.success ? [] : parsed.error.issues.flatMap(describeIssue)), ...crossCheck(data)];
  if (!parsed.success || located.length > 0) {
    const seen = new Set<string>();
    const problems = located
      .map(({ path, message }) => ({ line: lineOf(doc, lineCounter, path), message: `${renderPath(path)} ${message}` }))
      .filter((p) => !seen.has(`${p.line}:${p.message}`) && seen.add(`${p.line}:${p.message}`))
      .sort((a, b) => a.line - b.line);
    throw new CatalogError(fileName, problems);
  }

  const { services, ...rest } = parsed.data;
  return {
    ...rest,
    services: Object.fromEntries(
      Object.entries(services).map(([name, s]) => [name, { ...s, deployment: s.deployment ?? name }]),
    ),
  };
}

/** Read and check the catalog at `path` (OPSBOT_CATALOG, default ./catalog.yaml). */
export function loadCatalog(path: string): Catalog {
  const absolute = resolve(path);
  const shortName = relative(process.cwd(), absolute);
  const fileName = shortName && !shortName.startsWith('..') ? shortName : absolute;
  let text: string;
  try {
    text = readFileSync(absolute, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new OpsError('config', `cannot read the catalog ${absolute}: ${(error as Error).message}`, {
        cause: error,
      });
    }
    const example = join(dirname(absolute), 'catalog.yaml.example');
    const start = existsSync(example)
      ? `copy ${example} to ${absolute} and edit it`
      : 'start from the catalog.yaml shipped with opsbot';
    throw new OpsError(
      'config',
      `no catalog at ${absolute}; opsbot reads the file named by OPSBOT_CATALOG (default ./catalog.yaml): set OPSBOT_CATALOG=/path/to/catalog.yaml, or ${start}`,
      { cause: error },
    );
  }
  return parseCatalog(text, fileName);
}

/** The environment called `name`, or a usage error naming the closest ones. */
export function requireEnvironment(catalog: Catalog, name: string): Environment {
  const environment = catalog.environments[name];
  if (environment) return environment;
  const names = Object.keys(catalog.environments);
  throw usageError(`"${name}" is not an environment${didYouMean(name, names)}`, `Environments: ${names.join(', ')}`);
}

/** The service called `name`, or a usage error naming the closest ones. */
export function requireService(catalog: Catalog, name: string): Service {
  const service = catalog.services[name];
  if (service) return service;
  const names = Object.keys(catalog.services);
  const close = suggestions(name, names);
  const hint =
    close.length > 1 ? ` (did you mean ${close.map((c) => `"${c}"`).join(' or ')}?)` : didYouMean(name, names);
  throw usageError(`"${name}" is not a service${hint}`, `Services: ${names.join(', ')}`);
}

/** Where `service` lives in `env`: the service's settings with its per-environment override applied. */
export function resolveTarget(catalog: Catalog, service: string, env: string): ResolvedTarget {
  const environment = requireEnvironment(catalog, env);
  const s = requireService(catalog, service);
  const override = s.env[env] ?? {};
  const container = override.container ?? s.container;
  return {
    env,
    service,
    kubeContext: environment.kubeContext,
    namespace: override.namespace ?? environment.namespace,
    deployment: override.deployment ?? s.deployment,
    ...(container === undefined ? {} : { container }),
    maxReplicas: override.maxReplicas ?? s.maxReplicas,
  };
}

/** The freeze of `env` in effect at `at`, if any. */
export function activeFreeze(catalog: Catalog, env: string, at: Date): Freeze | undefined {
  return catalog.environments[env]?.freezes.find((f) => f.from <= at && at < f.to);
}
