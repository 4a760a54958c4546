/**
 * The catalog's shape (DESIGN.md §2). Strict objects: an unknown key is an error, reported with its
 * line. Each object is `.describe()`d with what it is ("an environment"), so messages can say
 * "the keys of an environment are …". Messages here are what follows the path in
 * `catalog.yaml:7: environments.prod.channel "prod-ops" is not a channel id; …`.
 */
import { z } from 'zod';
import type { Role } from '../define.js';

const q = (value: unknown) => (typeof value === 'string' ? JSON.stringify(value) : String(value));

// Slack ids are uppercase letters and digits; placeholders such as U0ALICE pass.
const USER_ID = /^[UW][A-Z0-9]{2,}$/;
const GROUP_ID = /^S[A-Z0-9]{2,}$/;
const CHANNEL_ID = /^[CG][A-Z0-9]{2,}$/;

const uppercaseHint = (value: unknown, pattern: RegExp) =>
  typeof value === 'string' && pattern.test(value.toUpperCase())
    ? ` (Slack ids are uppercase: ${value.toUpperCase()})`
    : '';

export const NAME_PATTERN = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
const nameRule =
  'lowercase letters, digits and "-", starting and ending with a letter or digit, at most 63 characters (a DNS label)';

/** Names of environments and services: Kubernetes DNS labels. */
const name = (kind: string, example: string) =>
  z
    .string()
    .max(63, { error: `is too long for a name; ${kind} names are ${nameRule}` })
    .regex(NAME_PATTERN, { error: `is not a valid ${kind} name; use ${nameRule}, e.g. "${example}"` });

const userId = z.string().regex(USER_ID, {
  error: (iss) =>
    typeof iss.input === 'string' && GROUP_ID.test(iss.input)
      ? `${q(iss.input)} is a user group; only user ids (U…/W…) go here`
      : `${q(iss.input)} is not a Slack user id (U… or W…)${uppercaseHint(iss.input, USER_ID)}; copy it from the member's profile (⋮ → Copy member ID)`,
});

const userOrGroupId = z.string().refine((id) => USER_ID.test(id) || GROUP_ID.test(id), {
  error: (iss) =>
    `${q(iss.input)} is not a Slack user id (U…/W…) or user group id (S…)${uppercaseHint(iss.input, /^[UWS][A-Z0-9]{2,}$/)}; copy a member's id from their profile (⋮ → Copy member ID)`,
});

const roleMember = z.string().refine((id) => id === '*' || USER_ID.test(id) || GROUP_ID.test(id), {
  error: (iss) =>
    `${q(iss.input)} is not a Slack user id (U…/W…), user group id (S…) or "*" (every full member)${uppercaseHint(iss.input, /^[UWS][A-Z0-9]{2,}$/)}; write ids, not names (profile → ⋮ → Copy member ID)`,
});

export const channelId = z.string().regex(CHANNEL_ID, {
  error: (iss) => {
    const upper = uppercaseHint(iss.input, CHANNEL_ID);
    return upper
      ? `${q(iss.input)} is not a channel id${upper}`
      : `${q(iss.input)} is not a channel id; write the id (C0…), not the name (find it in the channel's details)`;
  },
});

const dnsLabel = (what: string) =>
  z
    .string()
    .max(63)
    .regex(NAME_PATTERN, {
      error: (iss) => `${q(iss.input)} is not a valid ${what}; Kubernetes wants ${nameRule}`,
    });

const deploymentName = z
  .string()
  .max(253)
  .regex(/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/, {
    error: (iss) => `${q(iss.input)} is not a valid Deployment name; use lowercase letters, digits, "-" and "."`,
  });

const replicas = z
  .number({ error: (iss) => `${q(iss.input)} is not a number; write a whole number from 0 to 1000` })
  .int({ error: (iss) => `${q(iss.input)} is not a whole number` })
  .min(0, { error: (iss) => `${q(iss.input)} is below 0` })
  .max(1000, { error: (iss) => `${q(iss.input)} is above 1000, the most opsbot will scale to` });

const isoDateTime = z.iso.datetime({
  offset: true,
  error: (iss) =>
    `${q(iss.input)} is not an ISO date-time with a time zone; quote it and write e.g. "2026-12-24T00:00:00Z"`,
});

const freeze = z
  .strictObject({ from: isoDateTime, to: isoDateTime, reason: z.string().min(1) })
  // Runs even when `from` or `to` failed above; those are reported once, by isoDateTime.
  .refine((f) => !(Date.parse(f.from) >= Date.parse(f.to)), {
    error: (iss) => {
      const f = iss.input as { from: string; to: string };
      return `ends (${f.to}) before it starts (${f.from}); "from" must be earlier than "to"`;
    },
  })
  .transform((f) => ({ from: new Date(f.from), to: new Date(f.to), reason: f.reason }))
  .describe('a freeze');

const environment = z
  .strictObject({
    kubeContext: z.string().min(1),
    namespace: dnsLabel('namespace'),
    production: z.boolean().default(false),
    channel: channelId.optional(),
    databaseUrlEnv: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, {
        error: (iss) =>
          String(iss.input).includes('://')
            ? 'must name the environment variable that holds the URL (e.g. PROD_DATABASE_URL), never the URL: the catalog holds no secrets'
            : `${q(iss.input)} is not an environment variable name; write e.g. PROD_DATABASE_URL`,
      })
      .optional(),
    freezes: z.array(freeze).default([]),
    healthScript: z
      .string()
      .regex(/^[A-Za-z0-9_][A-Za-z0-9_./-]*$/, {
        error: (iss) =>
          `${q(iss.input)} is not a script path; write one under SCRIPTS_DIR, e.g. validation/health_check.sh`,
      })
      .optional(),
  })
  .describe('an environment');

const healthCheck = z
  .strictObject({
    name: z.string().min(1),
    url: z.url({
      protocol: /^https?$/,
      error: (iss) => `${q(iss.input)} is not an http:// or https:// URL`,
    }),
    expect: z
      .strictObject({
        status: z.number().int().min(100).max(599).optional(),
        json: z.record(z.string(), z.unknown()).optional(),
      })
      .describe('a health check expectation')
      .optional(),
    warnAfterMs: z.number().int().positive().optional(),
    /** The environments whose health this URL tells (default: all); an in-cluster URL belongs to one cluster. */
    environments: z.array(z.string().min(1)).optional(),
  })
  .describe('a health check');

const serviceOverride = z
  .strictObject({
    namespace: dnsLabel('namespace').optional(),
    deployment: deploymentName.optional(),
    container: dnsLabel('container name').optional(),
    maxReplicas: replicas.optional(),
  })
  .describe('a per-environment override');

const service = z
  .strictObject({
    deployment: deploymentName.optional(),
    container: dnsLabel('container name').optional(),
    maxReplicas: replicas.default(50),
    owners: z.array(userId).default([]),
    tier: z
      .enum(['critical', 'standard'], { error: (iss) => `${q(iss.input)} is not a tier; tiers are critical, standard` })
      .default('standard'),
    approvers: z.array(userOrGroupId).optional(),
    healthChecks: z.array(healthCheck).default([]),
    env: z.record(z.string(), serviceOverride).default({}),
  })
  .describe('a service');

const roleList = z.array(roleMember).default([]);

export const roles = z
  .strictObject({
    viewer: roleList,
    operator: roleList,
    approver: roleList,
    admin: roleList,
    'break-glass': roleList,
  })
  .describe('roles');

// The catalog's role names and the engine's (src/define.ts ROLES) are the same set.
type RoleKeys = keyof z.output<typeof roles>;
const sameRoles: [RoleKeys] extends [Role] ? ([Role] extends [RoleKeys] ? true : false) : false = true;
void sameRoles;

const reminderAfter = z
  .string()
  .regex(/^(\d{1,3}m|off)$/, {
    error: (iss) => `${q(iss.input)} is not a reminder interval; write minutes like 30m, or off`,
  })
  .transform((v) => (v === 'off' ? 0 : Number.parseInt(v, 10)));

// Nudge the commander after this long without a status update (default: SEV1 and SEV2 after 30m).
const incidentSettings = z
  .strictObject({
    reminders: z
      .strictObject({
        SEV1: reminderAfter.optional(),
        SEV2: reminderAfter.optional(),
        SEV3: reminderAfter.optional(),
        SEV4: reminderAfter.optional(),
      })
      .describe('incident reminders')
      .optional(),
  })
  .describe('incident settings');

export const CatalogSchema = z
  .strictObject({
    environments: z.record(name('environment', 'prod'), environment).refine((e) => Object.keys(e).length > 0, {
      error: 'is empty; declare at least one environment, e.g. dev: { kubeContext: dev-cluster, namespace: apps }',
    }),
    services: z.record(name('service', 'api-gateway'), service),
    roles,
    people: z
      .record(z.string().min(1), z.array(userId).min(1, { error: 'lists no Slack account; give at least one user id' }))
      .default({}),
    channels: z
      .strictObject({
        alerts: channelId.optional(),
        reports: channelId.optional(),
        approvals: channelId.optional(),
        incidents: channelId.optional(),
      })
      .describe('channels')
      .default({}),
    incidents: incidentSettings.optional(),
  })
  .describe('the catalog');
