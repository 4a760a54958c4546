/** An environment's database URL: the catalog names the variable, the environment holds the value. */
import type { Catalog } from '../catalog.js';
import { OpsError } from '../errors.js';

export function databaseUrlOf(catalog: Catalog, read: (name: string) => string | undefined, env: string): string {
  const variable = catalog.environments[env]?.databaseUrlEnv;
  if (!variable) {
    throw new OpsError('config', `${env} has no database in the catalog, so database commands cannot reach it.`, {
      hint: `Add databaseUrlEnv: ${env.toUpperCase().replaceAll('-', '_')}_DATABASE_URL under environments.${env} in the catalog, and set that variable.`,
    });
  }
  const url = read(variable);
  if (!url) {
    throw new OpsError('config', `${variable} is not set: the database URL of ${env} is read from it.`, {
      hint: `Set ${variable} in opsbot's environment, e.g. ${variable}=postgres://opsbot_ops@db.internal:5432/app`,
    });
  }
  return url;
}
