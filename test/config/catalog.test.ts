import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  activeFreeze,
  type Catalog,
  CatalogError,
  loadCatalog,
  parseCatalog,
  resolveTarget,
} from '../../src/catalog.js';
import { ROLES } from '../../src/define.js';
import { isOpsError } from '../../src/errors.js';

// A valid catalog, one line per row so that tests can count lines.
const VALID = [
  'environments:', //                                         1
  '  dev: { kubeContext: dev-cluster, namespace: apps }', //    2
  '  prod:', //                                                 3
  '    kubeContext: prod-cluster', //                           4
  '    namespace: apps', //                                     5
  '    production: true', //                                    6
  '    channel: C0PRODOPS', //                                  7
  'services:', //                                               8
  '  api-gateway:', //                                          9
  '    maxReplicas: 20', //                                    10
  '    env:', //                                               11
  '      prod: { namespace: edge, maxReplicas: 40 }', //       12
  '  worker: {}', //                                           13
  'roles:', //                                                 14
  '  viewer: ["*"]', //                                        15
  '  operator: [S0SRE]', //                                    16
  '  approver: [U0ALICE, U0BOB]', //                           17
];

/** The problems parseCatalog reports for `lines`, as "line: message". */
function problems(lines: string[]): string[] {
  try {
    parseCatalog(lines.join('\n'), 'catalog.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(CatalogError);
    expect(isOpsError(error) && error.code).toBe('config');
    return (error as CatalogError).problems.map((p) => `${p.line}: ${p.message}`);
  }
  throw new Error('parseCatalog accepted a bad catalog');
}

const replace = (line: number, text: string) => VALID.map((l, i) => (i === line - 1 ? text : l));
const insertAfter = (line: number, ...text: string[]) => [...VALID.slice(0, line), ...text, ...VALID.slice(line)];

describe('parseCatalog', () => {
  it('parses a valid catalog with its defaults', () => {
    const catalog = parseCatalog(VALID.join('\n'), 'catalog.yaml');
    expect(catalog.environments.dev).toEqual({
      kubeContext: 'dev-cluster',
      namespace: 'apps',
      production: false,
      freezes: [],
    });
    expect(catalog.services.worker).toEqual({
      deployment: 'worker',
      maxReplicas: 50,
      owners: [],
      tier: 'standard',
      healthChecks: [],
      env: {},
    });
    expect(catalog.roles).toEqual({
      viewer: ['*'],
      operator: ['S0SRE'],
      approver: ['U0ALICE', 'U0BOB'],
      admin: [],
      'break-glass': [],
    });
    expect(catalog.people).toEqual({});
    expect(catalog.channels).toEqual({});
  });

  it('reports an unknown top-level key on its line, with the keys there are', () => {
    expect(problems([...VALID, 'role:', '  admin: [U0ALICE]'])).toEqual([
      '18: role is not a key of the catalog; its keys are environments, services, roles, people, channels, incidents (did you mean "roles"?)',
    ]);
  });

  it('reports an unknown nested key on its line', () => {
    expect(problems(insertAfter(5, '    namspace: apps'))).toEqual([
      '6: environments.prod.namspace is not a key of an environment; its keys are kubeContext, namespace, production, channel, databaseUrlEnv, freezes, healthScript (did you mean "namespace"?)',
    ]);
    expect(problems(replace(12, '      prod: { namespace: edge, replicas: 40 }'))).toEqual([
      '12: services.api-gateway.env.prod.replicas is not a key of a per-environment override; its keys are namespace, deployment, container, maxReplicas (did you mean "maxReplicas"?)',
    ]);
  });

  it('reports an unknown role with the roles there are', () => {
    expect(problems(replace(16, '  operatr: [S0SRE]'))).toEqual([
      '16: roles.operatr is not a role; roles are viewer, operator, approver, admin, break-glass (did you mean "operator"?)',
    ]);
  });

  it('reports channel names written instead of ids', () => {
    expect(problems(replace(7, '    channel: prod-ops'))).toEqual([
      `7: environments.prod.channel "prod-ops" is not a channel id; write the id (C0…), not the name (find it in the channel's details)`,
    ]);
    expect(problems([...VALID, 'channels:', '  alerts: "#alerts"', '  reports: c0reports'])).toEqual([
      `19: channels.alerts "#alerts" is not a channel id; write the id (C0…), not the name (find it in the channel's details)`,
      '20: channels.reports "c0reports" is not a channel id (Slack ids are uppercase: C0REPORTS)',
    ]);
  });

  it('reports bad ids in roles and people, each on its own line', () => {
    const lines = [...replace(17, '  approver:'), '    - U0ALICE', '    - bob', 'people:', '  carol: [S0SRE]'];
    expect(problems(lines)).toEqual([
      '19: roles.approver[1] "bob" is not a Slack user id (U…/W…), user group id (S…) or "*" (every full member); write ids, not names (profile → ⋮ → Copy member ID)',
      '21: people.carol[0] "S0SRE" is a user group; only user ids (U…/W…) go here',
    ]);
  });

  it('refuses one Slack account under two people', () => {
    expect(problems([...VALID, 'people:', '  alice: [U0ALICE]', '  bob: [U0BOB, U0ALICE]'])).toEqual([
      '20: people.bob[1] "U0ALICE" is already listed under people.alice; a Slack account belongs to one person',
    ]);
  });

  it('reports an override for an undeclared environment, with a suggestion', () => {
    expect(problems(replace(12, '      prd: { namespace: edge }'))).toEqual([
      '12: services.api-gateway.env.prd is not an environment; environments are dev, prod (did you mean "prod"?)',
    ]);
  });

  it('reports a health check limited to an undeclared environment', () => {
    const lines = [
      ...VALID.slice(0, 10),
      '    healthChecks:',
      '      - { name: api, url: "http://api-gateway.apps.svc/health", environments: [prod, stagign] }',
      ...VALID.slice(10),
    ];
    expect(problems(lines)).toEqual([
      '12: services.api-gateway.healthChecks[0].environments[1] "stagign" is not an environment; environments are dev, prod',
    ]);
  });

  it('reports names that are not DNS labels, bounds, types and missing keys', () => {
    expect(
      problems([
        ...replace(10, '    maxReplicas: 2000').slice(0, 13),
        '  Billing_Service: {}', // 14
        '  frontend: { tier: gold, owners: U0ALICE }', // 15
        ...VALID.slice(13),
      ]),
    ).toEqual([
      '10: services.api-gateway.maxReplicas 2000 is above 1000, the most opsbot will scale to',
      '14: services.Billing_Service is not a valid service name; use lowercase letters, digits and "-", starting and ending with a letter or digit, at most 63 characters (a DNS label), e.g. "api-gateway"',
      '15: services.frontend.owners must be a list ([a, b], or "- " lines); write ["U0ALICE"]',
      '15: services.frontend.tier "gold" is not a tier; tiers are critical, standard',
    ]);
    expect(problems(replace(4, '    kubecontext: prod-cluster'))).toEqual([
      '3: environments.prod.kubeContext is missing; an environment needs kubeContext and namespace',
      '4: environments.prod.kubecontext is not a key of an environment; its keys are kubeContext, namespace, production, channel, databaseUrlEnv, freezes, healthScript (did you mean "kubeContext"?)',
    ]);
  });

  it('refuses a database URL where the name of its variable belongs', () => {
    expect(problems(insertAfter(7, '    databaseUrlEnv: postgres://u:p@db/x'))).toEqual([
      '8: environments.prod.databaseUrlEnv must name the environment variable that holds the URL (e.g. PROD_DATABASE_URL), never the URL: the catalog holds no secrets',
    ]);
  });

  it('reads incident reminder intervals per severity, and says how to write a bad one', () => {
    const catalog = parseCatalog(
      [...VALID, 'incidents:', '  reminders: { SEV1: 15m, SEV3: off }'].join('\n'),
      'catalog.yaml',
    );
    expect(catalog.incidents).toEqual({ reminders: { SEV1: 15, SEV3: 0 } });
    expect(problems([...VALID, 'incidents:', '  reminders: { SEV2: half an hour }'])).toEqual([
      '19: incidents.reminders.SEV2 "half an hour" is not a reminder interval; write minutes like 30m, or off',
    ]);
  });

  it('checks freezes: ISO date-times, from before to', () => {
    const lines = insertAfter(
      7,
      '    freezes:',
      '      - { from: "2026-12-27T00:00:00Z", to: "2026-12-24T00:00:00Z", reason: oops }',
      '      - { from: "24/12/2026", to: "2026-12-27T00:00:00Z", reason: holidays }',
    );
    expect(problems(lines)).toEqual([
      '9: environments.prod.freezes[0] ends (2026-12-24T00:00:00Z) before it starts (2026-12-27T00:00:00Z); "from" must be earlier than "to"',
      '10: environments.prod.freezes[1].from "24/12/2026" is not an ISO date-time with a time zone; quote it and write e.g. "2026-12-24T00:00:00Z"',
    ]);
  });

  it('reports every problem at once, sorted by line, in one message with file:line', () => {
    const lines = replace(16, '  operatr: [S0SRE]');
    lines[6] = '    channel: prod-ops';
    try {
      parseCatalog(lines.join('\n'), 'deploy/catalog.yaml');
      expect.unreachable();
    } catch (error) {
      const message = (error as Error).message;
      expect(message).toMatch(/^deploy\/catalog\.yaml has 2 problems:\n/);
      expect(message.indexOf('deploy/catalog.yaml:7: environments.prod.channel')).toBeGreaterThan(0);
      expect(message.indexOf('deploy/catalog.yaml:16: roles.operatr')).toBeGreaterThan(message.indexOf(':7:'));
    }
  });

  it('reports YAML syntax errors with file:line', () => {
    expect(problems(replace(12, '      prod: { namespace: edge'))[0]).toMatch(/^1[23]: YAML syntax: /);
    expect(problems(insertAfter(4, '    namespace: other'))).toEqual([
      '6: YAML syntax: this key appears twice in the same mapping; keep one',
    ]);
    expect(problems(replace(5, '    namespace: apps: x'))[0]).toMatch(/^5: YAML syntax: /);
  });

  it('reports an empty file', () => {
    expect(problems([''])).toEqual(['1: the catalog is empty; it needs environments, services and roles']);
  });
});

describe('loadCatalog', () => {
  it('parses the shipped catalog.yaml, which the console quickstart relies on', () => {
    const catalog = loadCatalog('catalog.yaml');
    expect(Object.keys(catalog.environments)).toEqual(['dev', 'staging', 'prod']);
    expect(Object.keys(catalog.services)).toEqual(['api-gateway', 'neural-engine', 'backend', 'frontend', 'worker']);
    expect(catalog.environments.prod).toMatchObject({ production: true, databaseUrlEnv: 'PROD_DATABASE_URL' });
    expect(catalog.environments.prod?.channel).toMatch(/^C/);
    expect(catalog.environments.prod?.freezes).toHaveLength(1);
    expect(catalog.services['api-gateway']).toMatchObject({ tier: 'critical', maxReplicas: 20 });
    expect(catalog.services['api-gateway']?.healthChecks.length).toBeGreaterThan(0);
    // The console's users: everyone views; alice and bob operate and approve; carol only views.
    expect(catalog.roles.viewer).toEqual(['*']);
    for (const user of ['U0ALICE', 'U0BOB']) {
      expect(catalog.roles.operator).toContain(user);
      expect(catalog.roles.approver).toContain(user);
    }
    expect(catalog.roles.operator).toContain('S0SRE');
    for (const role of ROLES.filter((r) => r !== 'viewer')) expect(catalog.roles[role]).not.toContain('U0CAROL');
    expect(Object.values(catalog.channels)).toHaveLength(4);
  });

  it('says where it looked and how to point it elsewhere when the file is missing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'opsbot-catalog-'));
    try {
      loadCatalog(join(dir, 'catalog.yaml'));
      expect.unreachable();
    } catch (error) {
      expect(isOpsError(error) && error.code).toBe('config');
      expect((error as Error).message).toMatch(`no catalog at ${join(dir, 'catalog.yaml')}; `);
      expect((error as Error).message).toContain('set OPSBOT_CATALOG=');
    }
    writeFileSync(join(dir, 'catalog.yaml.example'), '');
    try {
      loadCatalog(join(dir, 'catalog.yaml'));
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message).toContain(`copy ${join(dir, 'catalog.yaml.example')} to `);
    }
  });

  it('names the file in messages as given', () => {
    const dir = mkdtempSync(join(tmpdir(), 'opsbot-catalog-'));
    const file = join(dir, 'catalog.yaml');
    writeFileSync(file, `${VALID.join('\n')}\nextra: 1\n`);
    expect(() => loadCatalog(file)).toThrow(`${file}:18: extra is not a key of the catalog`);
  });
});

describe('resolveTarget', () => {
  const catalog: Catalog = parseCatalog(VALID.join('\n'), 'catalog.yaml');

  it('applies the per-environment override', () => {
    expect(resolveTarget(catalog, 'api-gateway', 'prod')).toEqual({
      env: 'prod',
      service: 'api-gateway',
      kubeContext: 'prod-cluster',
      namespace: 'edge',
      deployment: 'api-gateway',
      maxReplicas: 40,
    });
    expect(resolveTarget(catalog, 'api-gateway', 'dev')).toMatchObject({ namespace: 'apps', maxReplicas: 20 });
  });

  it('refuses unknown services and environments with a suggestion', () => {
    expect(() => resolveTarget(catalog, 'api-gatway', 'prod')).toThrow(
      '"api-gatway" is not a service (did you mean "api-gateway"?)',
    );
    expect(() => resolveTarget(catalog, 'worker', 'prd')).toThrow('"prd" is not an environment (did you mean "prod"?)');
  });

  it('finds the freeze in effect', () => {
    const frozen = parseCatalog(
      [
        ...VALID.slice(0, 7),
        '    freezes: [{ from: "2026-12-24T00:00:00Z", to: "2026-12-27T00:00:00+01:00", reason: holidays }]',
        ...VALID.slice(7),
      ].join('\n'),
      'catalog.yaml',
    );
    expect(activeFreeze(frozen, 'prod', new Date('2026-12-25T12:00:00Z'))?.reason).toBe('holidays');
    expect(activeFreeze(frozen, 'prod', new Date('2026-12-26T23:00:00Z'))).toBeUndefined();
    expect(activeFreeze(frozen, 'dev', new Date('2026-12-25T12:00:00Z'))).toBeUndefined();
  });
});
