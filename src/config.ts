/**
 * Environment → typed config. The only file that reads process.env: everything else gets a Config.
 * Every variable is one field of `Env`, described with its meaning (`.describe`) and its default and
 * example (`.meta`); the README's configuration table is rendered from the same fields.
 */
import { existsSync } from 'node:fs';
import { delimiter } from 'node:path';
import { z } from 'zod';
import { OpsError } from './errors.js';
import { suggest } from './suggest.js';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export type FrontEnd = 'socket' | 'http' | 'console';

interface VariableDoc {
  /** A good value, shown in error messages and the README. */
  example: string;
  /** What applies when the variable is unset, in words. */
  default?: string;
  /** Never echoed back in full. */
  secret?: boolean;
}

const documented = <T extends z.ZodType>(schema: T, meaning: string, doc: VariableDoc): T =>
  schema.describe(meaning).meta({ ...doc });

// A pasted token of the wrong kind is the most common Slack setup mistake: say which kind it is.
const slackToken = (prefix: 'xoxb-' | 'xapp-', what: string) =>
  z.string().refine((v) => v.startsWith(prefix), {
    error: (iss) => {
      const got = String(iss.input);
      const kind = got.startsWith('xapp-')
        ? ' (this is an app-level token: it belongs in SLACK_APP_TOKEN)'
        : got.startsWith('xoxb-')
          ? ' (this is a bot token: it belongs in SLACK_BOT_TOKEN)'
          : got.startsWith('xoxp-')
            ? ' (this is a user token; opsbot acts as its bot user)'
            : '';
      return `must be ${what} starting with "${prefix}"${kind}`;
    },
  });

const portMessage = 'must be a port number between 1 and 65535';

const Env = z.object({
  SLACK_BOT_TOKEN: documented(
    slackToken('xoxb-', 'the bot token (OAuth & Permissions → Bot User OAuth Token)').optional(),
    'Bot token of the Slack app. With SLACK_APP_TOKEN: Socket Mode; with SLACK_SIGNING_SECRET: HTTP mode. All three unset: the console front end.',
    {
      example: 'xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx',
      default: 'unset: console front end',
      secret: true,
    },
  ),
  SLACK_SIGNING_SECRET: documented(
    z.string().optional(),
    'Signing secret of the Slack app (Basic Information → App Credentials); verifies every request in HTTP mode. Required in HTTP mode.',
    { example: '8f742231b10e8888abcd99edabcd85a5', secret: true },
  ),
  SLACK_APP_TOKEN: documented(
    slackToken('xapp-', 'an app-level token with connections:write (Basic Information → App-Level Tokens)').optional(),
    'App-level token of the Slack app; with SLACK_BOT_TOKEN it selects Socket Mode (no public URL needed).',
    { example: 'xapp-1-A0123456789-1234567890123-abcdef0123456789', secret: true },
  ),
  SLACK_API_URL: documented(
    z
      .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
      .transform((url) => (url.endsWith('/') ? url : `${url}/`))
      .default('https://slack.com/api/'),
    'Base URL of the Slack Web API, for proxies, Enterprise gateways and tests.',
    { example: 'http://localhost:4000/api/', default: 'https://slack.com/api/' },
  ),
  PORT: documented(
    z
      .string()
      .regex(/^\d{1,5}$/, { error: portMessage })
      .transform(Number)
      .refine((n) => n >= 1 && n <= 65535, { error: portMessage })
      .default(3000),
    'TCP port of the HTTP server: Slack requests in HTTP mode; /healthz, /readyz, /metrics and the Alertmanager webhook in every mode.',
    { example: '3000', default: '3000' },
  ),
  DATABASE_URL: documented(
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, { error: 'must be a PostgreSQL URL starting with postgres:// or postgresql://' })
      .optional(),
    'PostgreSQL connection string for requests, approvals, audit and schedules.',
    {
      example: 'postgres://opsbot:secret@db.internal:5432/opsbot',
      default: 'unset: embedded PostgreSQL (PGlite) under OPSBOT_DATA_DIR',
      secret: true,
    },
  ),
  OPSBOT_DATA_DIR: documented(
    z.string().default('./.opsbot'),
    'Directory of the embedded database, used when DATABASE_URL is unset.',
    { example: '/var/lib/opsbot', default: './.opsbot' },
  ),
  KUBECONFIG: documented(
    z.string().optional(),
    'Kubeconfig file(s), separated by ":" (";" on Windows) as for kubectl.',
    {
      example: '/home/opsbot/.kube/config',
      default:
        'unset: the in-cluster service account inside Kubernetes; else the sandbox cluster in console mode, ~/.kube/config otherwise',
    },
  ),
  OPSBOT_CATALOG: documented(
    z.string().default('./catalog.yaml'),
    'Path of the catalog: environments, services, channels and role bindings.',
    { example: '/etc/opsbot/catalog.yaml', default: './catalog.yaml' },
  ),
  SCRIPTS_DIR: documented(
    z.string().default('./scripts'),
    'Root of the runbook scripts that commands may run; nothing outside it runs.',
    {
      example: '/opt/opsbot/scripts',
      default: './scripts; in the console, the shipped examples/scripts when ./scripts does not exist',
    },
  ),
  LOG_LEVEL: documented(
    z
      .string()
      .toLowerCase()
      .pipe(z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` }))
      .default('info'),
    'pino log level.',
    { example: 'debug', default: 'info' },
  ),
  NODE_ENV: documented(
    z.string().default('development'),
    'production makes missing safety settings fatal (the signing secret in HTTP mode).',
    { example: 'production', default: 'development' },
  ),
  ALERTMANAGER_TOKEN: documented(
    z.string().optional(),
    'Bearer token Alertmanager must send to POST /webhooks/alertmanager.',
    { example: 'b1946ac92492d2347c6235b4d2611184', default: 'unset: the webhook accepts nothing', secret: true },
  ),
  OPSBOT_SANDBOX: documented(
    z.stringbool({ error: 'must be true or false' }).optional(),
    'true: act on the built-in sandbox cluster even when KUBECONFIG is set; false: never use the sandbox.',
    { example: 'true', default: 'unset: the sandbox only in console mode without KUBECONFIG' },
  ),
});

type EnvName = keyof typeof Env.shape;
const NAMES = Object.keys(Env.shape) as EnvName[];

export interface ConfigVariable {
  name: EnvName;
  description: string;
  default: string | undefined;
  example: string;
  secret: boolean;
}

/** Every environment variable opsbot reads, for the README table and error messages. */
export const CONFIG_VARIABLES: readonly ConfigVariable[] = NAMES.map((name) => {
  const schema = Env.shape[name];
  const meta = schema.meta() ?? {};
  return {
    name,
    description: schema.description ?? '',
    default: typeof meta.default === 'string' ? meta.default : undefined,
    example: typeof meta.example === 'string' ? meta.example : '',
    secret: meta.secret === true,
  };
});

interface ConfigBase {
  port: number;
  slackApiUrl: string;
  /** Unset: embedded PGlite under `dataDir`. */
  databaseUrl: string | undefined;
  dataDir: string;
  kubeconfig: string | undefined;
  /** KUBERNETES_SERVICE_HOST/PORT are set: running in a pod with a service account. */
  inCluster: boolean;
  /** Act on the built-in sandbox cluster (labelled SANDBOX everywhere). */
  sandbox: boolean;
  catalogPath: string;
  scriptsDir: string;
  logLevel: LogLevel;
  nodeEnv: string;
  production: boolean;
  alertmanagerToken: string | undefined;
  /** Things worth a log line at start that do not stop it (an unknown OPSBOT_* variable). */
  warnings: string[];
  /**
   * Any other variable (the catalog's `databaseUrlEnv`, the scripts' allow-list such as PATH),
   * so that no other file reads process.env. A function, so logging the config never dumps the environment.
   */
  variable(name: string): string | undefined;
}

export type Config = ConfigBase &
  (
    | { frontEnd: 'socket'; slackBotToken: string; slackAppToken: string }
    | { frontEnd: 'http'; slackBotToken: string; slackSigningSecret: string }
    | { frontEnd: 'console' }
  );

const example = (name: EnvName) => `${name}=${CONFIG_VARIABLES.find((v) => v.name === name)?.example}`;

function shown(name: EnvName, value: unknown): string {
  if (typeof value !== 'string') return '';
  const secret = CONFIG_VARIABLES.find((v) => v.name === name)?.secret;
  return secret ? ` (got a value starting with "${value.slice(0, 5)}")` : ` (got ${JSON.stringify(value)})`;
}

// Which front end the Slack variables select, or what is missing for the one they half-configure.
function frontEndOf(env: Record<string, string>, production: boolean): { frontEnd: FrontEnd; problems: string[] } {
  const bot = 'SLACK_BOT_TOKEN' in env;
  const app = 'SLACK_APP_TOKEN' in env;
  const secret = 'SLACK_SIGNING_SECRET' in env;
  if (bot && app) return { frontEnd: 'socket', problems: [] };
  if (bot && secret) return { frontEnd: 'http', problems: [] };
  if (!bot && !app && !secret) return { frontEnd: 'console', problems: [] };
  if (bot && production) {
    return {
      frontEnd: 'http',
      problems: [
        `SLACK_SIGNING_SECRET is missing: SLACK_BOT_TOKEN alone means HTTP mode, and with NODE_ENV=production opsbot does not start without verifying Slack's signatures. Set the app's signing secret (Basic Information → App Credentials), or SLACK_APP_TOKEN for Socket Mode; example: ${example('SLACK_SIGNING_SECRET')}`,
      ],
    };
  }
  if (bot) {
    return {
      frontEnd: 'http',
      problems: [
        `SLACK_BOT_TOKEN is set but neither SLACK_APP_TOKEN (Socket Mode) nor SLACK_SIGNING_SECRET (HTTP mode) is; set one of them, e.g. ${example('SLACK_APP_TOKEN')}, or unset SLACK_BOT_TOKEN to use the console`,
      ],
    };
  }
  const mode = app ? 'Socket Mode' : 'HTTP mode';
  const given = app ? 'SLACK_APP_TOKEN' : 'SLACK_SIGNING_SECRET';
  return {
    frontEnd: app ? 'socket' : 'http',
    problems: [
      `SLACK_BOT_TOKEN is missing: ${given} is set and ${mode} needs the bot token too (OAuth & Permissions → Bot User OAuth Token); example: ${example('SLACK_BOT_TOKEN')}, or unset ${given} to use the console`,
    ],
  };
}

/**
 * Read and check the environment. Throws one OpsError('config') naming every bad variable,
 * what is wrong and an example of a good value.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // Unset and empty are the same (`FOO=` in a compose file); trailing newlines from secret files are not part of a token.
  const given: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    const trimmed = value?.trim();
    if (trimmed) given[name] = trimmed;
  }

  const problems: string[] = [];
  const parsed = Env.safeParse(given, { reportInput: true });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const name = issue.path[0] as EnvName;
      const close = issue.code === 'invalid_value' ? suggest(String(given[name]), issue.values.map(String)) : undefined;
      const hint = close === undefined ? '' : ` (did you mean "${close}"?)`;
      problems.push(`${name} ${issue.message}${shown(name, given[name])}${hint}; example: ${example(name)}`);
    }
  }

  const production = (given.NODE_ENV ?? 'development') === 'production';
  const slack = frontEndOf(given, production);
  problems.push(...slack.problems);

  const kubeconfig = given.KUBECONFIG;
  if (kubeconfig !== undefined) {
    const files = kubeconfig.split(delimiter).filter(Boolean);
    if (!files.some((file) => existsSync(file))) {
      problems.push(
        `KUBECONFIG names no file that exists (got ${JSON.stringify(kubeconfig)}); example: ${example('KUBECONFIG')}`,
      );
    }
  }

  if (problems.length > 0 || !parsed.success) {
    const count = problems.length === 1 ? '1 setting needs' : `${problems.length} settings need`;
    throw new OpsError('config', `${count} fixing:\n${problems.map((p) => `  - ${p}`).join('\n')}`, {
      hint: 'Set the variables in the environment (or the Helm values) and start again; the README lists them all.',
    });
  }

  const v = parsed.data;
  const warnings: string[] = [];
  for (const name of Object.keys(given)) {
    if (!(name.startsWith('OPSBOT_') || name.startsWith('SLACK_')) || NAMES.includes(name as EnvName)) continue;
    const close = suggest(name, NAMES);
    if (close !== undefined) warnings.push(`${name} is not an opsbot setting (did you mean ${close}?)`);
    else if (name.startsWith('OPSBOT_')) warnings.push(`${name} is not an opsbot setting; it is ignored`);
  }
  const inCluster = given.KUBERNETES_SERVICE_HOST !== undefined && given.KUBERNETES_SERVICE_PORT !== undefined;
  const sandbox = v.OPSBOT_SANDBOX ?? (slack.frontEnd === 'console' && v.KUBECONFIG === undefined && !inCluster);
  if (sandbox && production)
    warnings.push('the sandbox cluster is in use with NODE_ENV=production: no real cluster is touched');

  const base: ConfigBase = {
    port: v.PORT,
    slackApiUrl: v.SLACK_API_URL,
    databaseUrl: v.DATABASE_URL,
    dataDir: v.OPSBOT_DATA_DIR,
    kubeconfig: v.KUBECONFIG,
    inCluster,
    sandbox,
    catalogPath: v.OPSBOT_CATALOG,
    scriptsDir: v.SCRIPTS_DIR,
    logLevel: v.LOG_LEVEL,
    nodeEnv: v.NODE_ENV,
    production,
    alertmanagerToken: v.ALERTMANAGER_TOKEN,
    warnings,
    variable: (name) => given[name],
  };
  const bot = v.SLACK_BOT_TOKEN ?? '';
  if (slack.frontEnd === 'socket')
    return { ...base, frontEnd: 'socket', slackBotToken: bot, slackAppToken: v.SLACK_APP_TOKEN ?? '' };
  if (slack.frontEnd === 'http') {
    return { ...base, frontEnd: 'http', slackBotToken: bot, slackSigningSecret: v.SLACK_SIGNING_SECRET ?? '' };
  }
  return { ...base, frontEnd: 'console' };
}

/** Values to redact from logs and script output: tokens, secrets and the database URL. */
export function secretValues(config: Config): string[] {
  const values = [config.alertmanagerToken, config.databaseUrl];
  if (config.databaseUrl) values.push(passwordOf(config.databaseUrl));
  if (config.frontEnd !== 'console') values.push(config.slackBotToken);
  if (config.frontEnd === 'socket') values.push(config.slackAppToken);
  if (config.frontEnd === 'http') values.push(config.slackSigningSecret);
  return values.filter((s): s is string => typeof s === 'string' && s.length >= 4);
}

function passwordOf(url: string): string | undefined {
  try {
    return decodeURIComponent(new URL(url).password) || undefined;
  } catch {
    return undefined;
  }
}

/** The README's configuration table, generated from the same fields loadConfig parses. */
export function renderConfigTable(): string {
  const cell = (s: string) => s.replaceAll('|', '\\|');
  const rows = CONFIG_VARIABLES.map(
    (v) => `| \`${v.name}\` | ${cell(v.description)} | ${cell(v.default ?? '—')} | \`${cell(v.example)}\` |`,
  );
  return ['| Variable | Meaning | Default | Example |', '| --- | --- | --- | --- |', ...rows].join('\n');
}
