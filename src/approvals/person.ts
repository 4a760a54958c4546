/**
 * Persons, not Slack accounts, are what the two-person rule counts (APPROVALS.md case 11). The catalog's optional
 * `people` map joins several accounts of one human; an account it does not list is a person of its own.
 */
import type { Catalog } from '../catalog.js';

/**
 * 'person:<name>' for an account listed under `people.<name>`, else 'slack:<userId>'. The prefixes keep a person
 * named like a user id from ever colliding with that unlisted account.
 */
export function personOf(catalog: Pick<Catalog, 'people'>, userId: string): string {
  for (const [name, accounts] of Object.entries(catalog.people ?? {})) {
    if (accounts.includes(userId)) return `person:${name}`;
  }
  return `slack:${userId}`;
}
