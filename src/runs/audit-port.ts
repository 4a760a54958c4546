/** The AuditPort behind `/ops audit` and `/ops audit verify`: the trail, read-only. */
import type { AuditPort } from '../define.js';
import { listAudit, verifyAuditChain } from '../store/audit.js';
import type { EngineDeps } from './engine.js';

export function createAuditPort(deps: EngineDeps): AuditPort {
  return {
    async verify() {
      const check = await verifyAuditChain(deps.db);
      const { rows } = await deps.db.query<{ n: string }>('select count(*) as n from audit_events');
      const entries = Number(rows[0]?.n ?? 0);
      return check.ok ? { ok: true, entries } : { ok: false, entries, brokenAt: check.brokenAt, reason: check.reason };
    },
    async list(filter) {
      const rows = await listAudit(deps.db, {
        since: filter.since,
        target: filter.service,
        environment: filter.env,
        limit: filter.limit,
      });
      return rows.map((e) => ({
        at: e.at,
        actor: e.actor,
        kind: e.kind,
        command: e.command,
        environment: e.environment,
        target: e.target,
        requestId: e.requestId,
        gist: String(e.payload.summary ?? e.payload.message ?? e.payload.text ?? e.payload.reason ?? ''),
      }));
    },
  };
}
