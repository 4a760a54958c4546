/**
 * Which approval policy governs a request, and why. Policies are data (approvals/*.ts); several may match a
 * request. The most specific wins (one that names the command beats one naming environments, which beats one
 * naming a tier, which beats a general one), and among equally specific ones the strictest (most approvals):
 * a narrow exception stays possible, and two general rules never weaken each other silently.
 */
import type { Catalog } from '../catalog.js';
import type { CommandDefinition, PolicyDefinition } from '../define.js';
import { APPROVAL_LIMITS } from './limits.js';

export interface PolicySubject {
  command: Pick<CommandDefinition, 'name' | 'mutates'>;
  env: string;
  production: boolean;
  tier: 'critical' | 'standard';
}

export interface PolicyChoice {
  policy: PolicyDefinition;
  /** Why it applies, e.g. "it names the command restore". */
  because: string;
  /** Other policies that matched and lost, most specific first. */
  alsoMatched: PolicyDefinition[];
}

export function matches(policy: PolicyDefinition, s: PolicySubject): boolean {
  const a = policy.appliesTo;
  if (a.production !== undefined && a.production !== s.production) return false;
  if (a.mutates !== undefined && a.mutates !== s.command.mutates) return false;
  if (a.tier !== undefined && a.tier !== s.tier) return false;
  if (a.commands && !a.commands.includes(s.command.name)) return false;
  if (a.environments && !a.environments.includes(s.env)) return false;
  return true;
}

function specificity(policy: PolicyDefinition): number {
  const a = policy.appliesTo;
  return (a.commands ? 8 : 0) + (a.environments ? 4 : 0) + (a.tier ? 2 : 0) + (a.production !== undefined ? 1 : 0);
}

function because(policy: PolicyDefinition, s: PolicySubject): string {
  const a = policy.appliesTo;
  if (a.commands) return `it names the command ${s.command.name}`;
  if (a.environments) return `it names the environment ${s.env}`;
  if (a.tier) return `the service is ${s.tier}`;
  if (a.production) return `${s.env} is a production environment`;
  return 'it applies to every request';
}

export function policyFor(policies: readonly PolicyDefinition[], subject: PolicySubject): PolicyChoice | undefined {
  const matched = policies
    .filter((p) => matches(p, subject))
    .sort(
      (x, y) =>
        specificity(y) - specificity(x) || y.require.approvals - x.require.approvals || x.name.localeCompare(y.name),
    );
  const [policy, ...alsoMatched] = matched;
  return policy ? { policy, because: because(policy, subject), alsoMatched } : undefined;
}

/** "15m" → 15; absent → the default TTL. */
export function ttlMinutesOf(policy: PolicyDefinition): number {
  return policy.expiresAfter ? Number(policy.expiresAfter.slice(0, -1)) : APPROVAL_LIMITS.ttlMinutes.default;
}

/**
 * Boot check (DESIGN.md §4): every mutating command in every production environment, for a service of either
 * tier, must fall under some policy; otherwise opsbot would not know whether a second person is needed.
 */
export function uncoveredProductionChanges(
  commands: readonly Pick<CommandDefinition, 'name' | 'mutates' | 'allowedEnvironments'>[],
  policies: readonly PolicyDefinition[],
  catalog: Pick<Catalog, 'environments'>,
): string[] {
  const problems: string[] = [];
  for (const [env, environment] of Object.entries(catalog.environments)) {
    if (!environment.production) continue;
    for (const command of commands) {
      if (!command.mutates) continue;
      if (command.allowedEnvironments && !command.allowedEnvironments.includes(env)) continue;
      for (const tier of ['standard', 'critical'] as const) {
        if (policyFor(policies, { command, env, production: true, tier })) continue;
        problems.push(
          `No approval policy covers ${command.name} in ${env} (production) for ${tier} services: add one to approvals/, e.g. appliesTo: { production: true, mutates: true }.`,
        );
      }
    }
  }
  return problems;
}
