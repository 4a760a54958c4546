/** The freezes commands see: the catalog's and those declared from Slack, as one list. */
import type { Catalog } from '../catalog.js';
import type { FreezeInfo, FreezePort } from '../define.js';
import type { Db } from '../store/db.js';
import { activeFreezes, addFreeze, liftFreezes } from '../store/freezes.js';

export function createFreezePort(db: Db, catalog: Catalog): FreezePort {
  return {
    async list(env) {
      const now = new Date();
      const declared: FreezeInfo[] = Object.entries(catalog.environments)
        .filter(([name]) => !env || name === env)
        .flatMap(([name, e]) =>
          e.freezes
            .filter((f) => f.from <= now && now < f.to)
            .map((f) => ({ env: name, until: f.to, reason: f.reason, by: 'catalog' })),
        );
      const stored = (await activeFreezes(db, env)).map((f) => ({
        env: f.environment,
        until: f.endsAt,
        reason: f.reason,
        by: f.actor,
      }));
      return [...declared, ...stored].sort((a, b) => a.until.getTime() - b.until.getTime());
    },
    async add(env, durationMs, reason, actor) {
      const f = await addFreeze(db, {
        environment: env,
        seconds: Math.round(durationMs / 1000),
        reason,
        actor: actor.userId,
      });
      return { env: f.environment, until: f.endsAt, reason: f.reason, by: f.actor };
    },
    lift: (env, actor) => liftFreezes(db, env, actor.userId),
  };
}
