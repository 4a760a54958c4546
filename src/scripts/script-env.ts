/**
 * The environment a script sees: only the variables its command allow-lists, never opsbot's own
 * (Slack tokens, DATABASE_URL). Values come from Config.variable, the one reader of process.env.
 */

/** Always passed, so scripts find their tools and speak the operator's locale. */
export const ALWAYS_PASSED = ['PATH', 'HOME', 'LANG'] as const;

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export interface ScriptEnv {
  env: Record<string, string>;
  /** Values of the secret variables, to redact from every line. */
  secretValues: string[];
}

export function buildScriptEnv(
  read: (name: string) => string | undefined,
  allowed: readonly string[],
  secret: readonly string[],
): ScriptEnv {
  const env: Record<string, string> = {};
  for (const name of new Set([...ALWAYS_PASSED, ...allowed, ...secret])) {
    if (!NAME.test(name)) throw new TypeError(`invalid environment variable name in a script's allow-list: ${name}`);
    const value = read(name);
    if (value !== undefined) env[name] = value;
  }
  const secretValues: string[] = [];
  for (const name of secret) {
    const value = env[name];
    // Output is redacted line by line: a multi-line secret (a PEM) is hidden line by line too.
    if (value !== undefined) secretValues.push(value, ...value.split(/\r?\n/).map((line) => line.trim()));
  }
  return { env, secretValues };
}

/** The password of a URL such as a database URL, so that a script printing it alone is redacted too. */
export function urlPassword(value: string): string[] {
  try {
    const password = decodeURIComponent(new URL(value).password);
    return password ? [password] : [];
  } catch {
    return [];
  }
}
