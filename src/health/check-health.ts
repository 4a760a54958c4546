/**
 * The health of an environment, one component per catalog service (seed 000 health_check.sh,
 * seed 004 health monitor): the deployment's availability from the cluster and the service's
 * HTTP checks from the catalog. Each check is OK, WARN or CRITICAL; a component is as bad as
 * its worst check.
 */
import type { HealthCheck } from '../catalog.js';
import type { RunContext } from '../define.js';
import { OpsError } from '../errors.js';

export type HealthLevel = 'OK' | 'WARN' | 'CRITICAL';

export interface CheckResult {
  name: string;
  level: HealthLevel;
  detail: string;
}

export interface ComponentHealth {
  env: string;
  component: string;
  level: HealthLevel;
  checks: CheckResult[];
}

const RANK: Record<HealthLevel, number> = { OK: 0, WARN: 1, CRITICAL: 2 };
export const worst = (levels: HealthLevel[]): HealthLevel =>
  levels.reduce<HealthLevel>((a, b) => (RANK[b] > RANK[a] ? b : a), 'OK');

/** An HTTP check that has not answered after this long is CRITICAL (a hung endpoint is down to its users). */
const HTTP_TIMEOUT_MS = 5_000;

async function deploymentCheck(ctx: RunContext, service: string, env: string): Promise<CheckResult> {
  const name = 'deployment';
  try {
    const d = await ctx.k8s.getDeployment(ctx.target(service, env));
    const counts = `${d.availableReplicas}/${d.desiredReplicas} available`;
    if (d.rollout.state === 'failed')
      return { name, level: 'CRITICAL', detail: `${counts}, rollout failed: ${d.rollout.message}` };
    if (d.desiredReplicas === 0) return { name, level: 'WARN', detail: 'scaled to 0 replicas' };
    if (d.availableReplicas === 0) return { name, level: 'CRITICAL', detail: counts };
    if (d.availableReplicas < d.desiredReplicas) return { name, level: 'WARN', detail: counts };
    return { name, level: 'OK', detail: counts };
  } catch (error) {
    const message = error instanceof OpsError || error instanceof Error ? error.message : String(error);
    return { name, level: 'CRITICAL', detail: message };
  }
}

function jsonMismatch(body: unknown, expected: Record<string, unknown>): string | undefined {
  for (const [key, want] of Object.entries(expected)) {
    const got = (body as Record<string, unknown> | null)?.[key];
    if (JSON.stringify(got) !== JSON.stringify(want)) {
      return `"${key}" is ${got === undefined ? 'missing' : JSON.stringify(got)}, expected ${JSON.stringify(want)}`;
    }
  }
  return undefined;
}

export async function httpCheck(check: HealthCheck, signal?: AbortSignal): Promise<CheckResult> {
  const name = check.name;
  const started = performance.now();
  const timeout = AbortSignal.timeout(HTTP_TIMEOUT_MS);
  try {
    const response = await fetch(check.url, {
      redirect: 'manual',
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      headers: { accept: 'application/json, */*' },
    });
    const text = await response.text();
    const ms = Math.round(performance.now() - started);
    const status = check.expect?.status;
    const statusOk = status ? response.status === status : response.status >= 200 && response.status < 300;
    if (!statusOk) {
      return { name, level: 'CRITICAL', detail: `HTTP ${response.status} (expected ${status ?? '2xx'}) in ${ms} ms` };
    }
    if (check.expect?.json) {
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        return { name, level: 'CRITICAL', detail: `HTTP ${response.status} but the body is not JSON` };
      }
      const mismatch = jsonMismatch(body, check.expect.json);
      if (mismatch) return { name, level: 'CRITICAL', detail: mismatch };
    }
    if (check.warnAfterMs !== undefined && ms > check.warnAfterMs) {
      return {
        name,
        level: 'WARN',
        detail: `HTTP ${response.status} in ${ms} ms (slower than ${check.warnAfterMs} ms)`,
      };
    }
    return { name, level: 'OK', detail: `HTTP ${response.status} in ${ms} ms` };
  } catch (error) {
    if (timeout.aborted) return { name, level: 'CRITICAL', detail: `no answer within ${HTTP_TIMEOUT_MS / 1000} s` };
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    return {
      name,
      level: 'CRITICAL',
      detail: `unreachable: ${cause?.code ?? cause?.message ?? (error as Error).message} (${new URL(check.url).host})`,
    };
  }
}

const SCRIPT_TIMEOUT_MS = 120_000;
// The monitoring plugin convention (Nagios, Icinga, Sensu): what an operator's existing check scripts speak.
const EXIT_LEVEL: Record<number, HealthLevel> = { 0: 'OK', 1: 'WARN', 2: 'CRITICAL' };

/** The environment's health script, if the catalog names one: its exit code is the level, its last line the detail. */
async function scriptCheck(ctx: RunContext, env: string, script: string): Promise<ComponentHealth> {
  const name = script.split('/').pop() ?? script;
  let check: CheckResult;
  try {
    const run = await ctx.scripts.run(script, [env], { timeoutMs: SCRIPT_TIMEOUT_MS });
    const last = run.output.trim().split('\n').pop()?.trim() || '(no output)';
    const level = run.exitCode === undefined ? undefined : EXIT_LEVEL[run.exitCode];
    if (run.timedOut) check = { name, level: 'CRITICAL', detail: `no verdict within ${SCRIPT_TIMEOUT_MS / 1000} s` };
    else if (!level) check = { name, level: 'CRITICAL', detail: `exit ${run.exitCode ?? run.signal}: ${last}` };
    else check = { name, level, detail: last };
  } catch (error) {
    check = { name, level: 'CRITICAL', detail: (error as Error).message };
  }
  return { env, component: `script ${script}`, level: check.level, checks: [check] };
}

/** Every service of the catalog in `env`: its deployment and its HTTP checks, and the environment's script. */
export async function checkHealth(ctx: RunContext, env: string): Promise<ComponentHealth[]> {
  const services = Object.entries(ctx.catalog.services);
  const script = ctx.catalog.environments[env]?.healthScript;
  const [scripted, components] = await Promise.all([
    script ? scriptCheck(ctx, env, script) : undefined,
    checkServices(ctx, env, services),
  ]);
  return scripted ? [...components, scripted] : components;
}

function checkServices(
  ctx: RunContext,
  env: string,
  services: Array<[string, RunContext['catalog']['services'][string]]>,
): Promise<ComponentHealth[]> {
  return Promise.all(
    services.map(async ([service, definition]) => {
      const checks = await Promise.all([
        deploymentCheck(ctx, service, env),
        ...definition.healthChecks
          .filter((check) => !check.environments || check.environments.includes(env))
          .map((check) => httpCheck(check, ctx.signal)),
      ]);
      return { env, component: service, level: worst(checks.map((c) => c.level)), checks };
    }),
  );
}

/** "CRITICAL  api-gateway  deployment 0/3 available; api: HTTP 503 (expected 200)". */
export function describeComponent(c: ComponentHealth): string {
  const failing = c.checks.filter((check) => check.level !== 'OK');
  const shown = failing.length > 0 ? failing : c.checks;
  return `${c.level.padEnd(8)} ${c.env}/${c.component}: ${shown.map((k) => `${k.name} ${k.detail}`).join('; ')}`;
}
