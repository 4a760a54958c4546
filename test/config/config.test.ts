import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONFIG_VARIABLES, type Config, loadConfig, renderConfigTable, secretValues } from '../../src/config.js';
import { isOpsError } from '../../src/errors.js';

const BOT = 'xoxb-111-222-abc';
const APP = 'xapp-1-A111-222-def';
const SECRET = '8f742231b10e8888abcd99edabcd85a5';

/** The message loadConfig throws for `env` (fails the test if it does not throw an OpsError('config')). */
function failure(env: NodeJS.ProcessEnv): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(isOpsError(error) && error.code).toBe('config');
    return (error as Error).message;
  }
  throw new Error('loadConfig accepted a bad environment');
}

describe('loadConfig: front end', () => {
  it('runs the console when no Slack variable is set, on the sandbox cluster, with the documented defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      frontEnd: 'console',
      sandbox: true,
      port: 3000,
      dataDir: './.opsbot',
      catalogPath: './catalog.yaml',
      scriptsDir: './scripts',
      logLevel: 'info',
      slackApiUrl: 'https://slack.com/api/',
      databaseUrl: undefined,
      production: false,
    });
  });

  it('selects Socket Mode with an app token and a bot token', () => {
    const config = loadConfig({ SLACK_BOT_TOKEN: BOT, SLACK_APP_TOKEN: APP });
    expect(config.frontEnd).toBe('socket');
    if (config.frontEnd === 'socket') expect([config.slackBotToken, config.slackAppToken]).toEqual([BOT, APP]);
    expect(config.sandbox).toBe(false);
  });

  it('selects HTTP mode with a signing secret and a bot token, also in production', () => {
    const config = loadConfig({ SLACK_BOT_TOKEN: BOT, SLACK_SIGNING_SECRET: SECRET, NODE_ENV: 'production' });
    expect(config.frontEnd).toBe('http');
    if (config.frontEnd === 'http') expect(config.slackSigningSecret).toBe(SECRET);
    expect(config.production).toBe(true);
  });

  it('refuses a bot token alone, naming both ways to complete it', () => {
    const message = failure({ SLACK_BOT_TOKEN: BOT });
    expect(message).toContain(
      'SLACK_BOT_TOKEN is set but neither SLACK_APP_TOKEN (Socket Mode) nor SLACK_SIGNING_SECRET',
    );
    expect(message).toMatch(/e\.g\. SLACK_APP_TOKEN=xapp-/);
  });

  it('stops an HTTP-mode start in production without a signing secret', () => {
    const message = failure({ SLACK_BOT_TOKEN: BOT, NODE_ENV: 'production' });
    expect(message).toContain('SLACK_SIGNING_SECRET is missing');
    expect(message).toContain('NODE_ENV=production');
    expect(message).toMatch(/example: SLACK_SIGNING_SECRET=\w+/);
  });

  it('refuses an app token or a signing secret without a bot token', () => {
    expect(failure({ SLACK_APP_TOKEN: APP })).toMatch(
      /SLACK_BOT_TOKEN is missing: SLACK_APP_TOKEN is set and Socket Mode needs the bot token too.*example: SLACK_BOT_TOKEN=xoxb-/,
    );
    expect(failure({ SLACK_SIGNING_SECRET: SECRET })).toMatch(
      /SLACK_BOT_TOKEN is missing: SLACK_SIGNING_SECRET is set and HTTP mode needs the bot token too.*example: SLACK_BOT_TOKEN=xoxb-/,
    );
  });

  it('says which token went into which variable, without echoing the secret', () => {
    const message = failure({ SLACK_BOT_TOKEN: 'xapp-1-A111-secretpart', SLACK_APP_TOKEN: 'xoxb-111-secretpart' });
    expect(message).toContain('SLACK_BOT_TOKEN must be the bot token');
    expect(message).toContain('it belongs in SLACK_APP_TOKEN');
    expect(message).toContain('it belongs in SLACK_BOT_TOKEN');
    expect(message).not.toContain('secretpart');
  });

  it('treats empty variables as unset and trims trailing newlines of secrets', () => {
    const config = loadConfig({
      SLACK_BOT_TOKEN: `${BOT}\n`,
      SLACK_APP_TOKEN: APP,
      SLACK_SIGNING_SECRET: '',
      PORT: '',
    });
    expect(config.frontEnd === 'socket' && config.slackBotToken).toBe(BOT);
    expect(config.port).toBe(3000);
  });
});

describe('loadConfig: every bad variable is named, with the problem and an example', () => {
  it('PORT', () => {
    expect(failure({ PORT: 'abc' })).toContain(
      'PORT must be a port number between 1 and 65535 (got "abc"); example: PORT=3000',
    );
    expect(failure({ PORT: '70000' })).toContain('PORT must be a port number between 1 and 65535 (got "70000")');
    expect(failure({ PORT: '0' })).toContain('PORT must be a port number');
  });

  it('DATABASE_URL, without printing the password', () => {
    const message = failure({ DATABASE_URL: 'mysql://root:hunter2@db/opsbot' });
    expect(message).toContain('DATABASE_URL must be a PostgreSQL URL starting with postgres:// or postgresql://');
    expect(message).toContain('example: DATABASE_URL=postgres://');
    expect(message).not.toContain('hunter2');
    expect(loadConfig({ DATABASE_URL: 'postgresql://u:p@localhost/db' }).databaseUrl).toBe(
      'postgresql://u:p@localhost/db',
    );
  });

  it('SLACK_API_URL, LOG_LEVEL, OPSBOT_SANDBOX and KUBECONFIG', () => {
    expect(failure({ SLACK_API_URL: 'slack.com/api' })).toMatch(
      /SLACK_API_URL must be an http:\/\/ or https:\/\/ URL \(got "slack\.com\/api"\); example: SLACK_API_URL=http/,
    );
    expect(failure({ LOG_LEVEL: 'warning' })).toMatch(
      /LOG_LEVEL must be one of fatal, error, warn.*did you mean "warn"/,
    );
    expect(failure({ OPSBOT_SANDBOX: 'maybe' })).toContain('OPSBOT_SANDBOX must be true or false (got "maybe")');
    expect(failure({ KUBECONFIG: '/nonexistent/kubeconfig' })).toMatch(
      /KUBECONFIG names no file that exists.*example: KUBECONFIG=/,
    );
  });

  it('all of them in one message', () => {
    const message = failure({ PORT: 'x', DATABASE_URL: 'sqlite:x', LOG_LEVEL: 'loud', SLACK_APP_TOKEN: APP });
    expect(message).toMatch(/^4 settings need fixing:/);
    for (const name of ['PORT', 'DATABASE_URL', 'LOG_LEVEL', 'SLACK_BOT_TOKEN'])
      expect(message).toContain(`  - ${name} `);
  });
});

describe('loadConfig: values', () => {
  it('parses booleans with z.stringbool: "false" is false', () => {
    expect(loadConfig({ OPSBOT_SANDBOX: 'false' }).sandbox).toBe(false);
    expect(loadConfig({ OPSBOT_SANDBOX: 'yes', SLACK_BOT_TOKEN: BOT, SLACK_APP_TOKEN: APP }).sandbox).toBe(true);
  });

  it('uses a real cluster when KUBECONFIG is set or in a pod, unless OPSBOT_SANDBOX=true', () => {
    const dir = mkdtempSync(join(tmpdir(), 'opsbot-config-'));
    const kubeconfig = join(dir, 'config');
    writeFileSync(kubeconfig, 'apiVersion: v1\n');
    expect(loadConfig({ KUBECONFIG: kubeconfig }).sandbox).toBe(false);
    expect(loadConfig({ KUBECONFIG: kubeconfig, OPSBOT_SANDBOX: 'true' }).sandbox).toBe(true);
    expect(loadConfig({ KUBERNETES_SERVICE_HOST: '10.0.0.1', KUBERNETES_SERVICE_PORT: '443' })).toMatchObject({
      inCluster: true,
      sandbox: false,
    });
  });

  it('normalizes SLACK_API_URL and LOG_LEVEL', () => {
    const config = loadConfig({ SLACK_API_URL: 'http://127.0.0.1:4000/api', LOG_LEVEL: 'DEBUG', PORT: '8080' });
    expect(config).toMatchObject({ slackApiUrl: 'http://127.0.0.1:4000/api/', logLevel: 'debug', port: 8080 });
  });

  it('warns about unknown OPSBOT_ variables and near-misses of SLACK_ ones', () => {
    const config = loadConfig({ OPSBOT_CATALOGUE: 'x.yaml', SLACK_SIGNING_SECRETS: 'x', SLACK_CLIENT_ID: '1' });
    expect(config.warnings).toEqual([
      'OPSBOT_CATALOGUE is not an opsbot setting (did you mean OPSBOT_CATALOG?)',
      'SLACK_SIGNING_SECRETS is not an opsbot setting (did you mean SLACK_SIGNING_SECRET?)',
    ]);
  });

  it('gives other modules variables by name, and lists the values to redact', () => {
    const config: Config = loadConfig({
      PROD_DATABASE_URL: 'postgres://ro:s3cretpw@prod/db',
      DATABASE_URL: 'postgres://opsbot:dbpassword@db/opsbot',
      SLACK_BOT_TOKEN: BOT,
      SLACK_SIGNING_SECRET: SECRET,
    });
    expect(config.variable('PROD_DATABASE_URL')).toBe('postgres://ro:s3cretpw@prod/db');
    expect(JSON.stringify(config)).not.toContain('s3cretpw');
    expect(secretValues(config)).toEqual(expect.arrayContaining([BOT, SECRET, 'dbpassword']));
  });
});

describe('CONFIG_VARIABLES', () => {
  it('documents every variable with a description and an example that loadConfig accepts', () => {
    const companions: Record<string, NodeJS.ProcessEnv> = {
      SLACK_BOT_TOKEN: { SLACK_APP_TOKEN: APP },
      SLACK_APP_TOKEN: { SLACK_BOT_TOKEN: BOT },
      SLACK_SIGNING_SECRET: { SLACK_BOT_TOKEN: BOT },
    };
    for (const variable of CONFIG_VARIABLES) {
      expect(variable.description, variable.name).not.toBe('');
      expect(variable.example, variable.name).not.toBe('');
      if (variable.name === 'KUBECONFIG') continue; // the example names a file on the operator's machine
      expect(
        () => loadConfig({ [variable.name]: variable.example, ...companions[variable.name] }),
        variable.name,
      ).not.toThrow();
    }
  });

  it('renders the README table with one row per variable', () => {
    const table = renderConfigTable();
    expect(table.split('\n')).toHaveLength(CONFIG_VARIABLES.length + 2);
    expect(table).toContain('| `PORT` |');
    expect(table).toContain('| 3000 | `3000` |');
  });
});
