/**
 * Recomputes the audit chain in id order. Finds a row whose content no longer matches its hash ('content'),
 * a row whose prev_hash is not its predecessor's hash — a row removed or inserted around the trigger ('link') —
 * and a chain whose last row is not the recorded head, i.e. a cut tail ('tail').
 */
import type { Queryable } from './db.js';

export type ChainCheck = { ok: true } | { ok: false; brokenAt: number; reason: 'content' | 'link' | 'tail' };

export async function verifyAuditChain(q: Queryable): Promise<ChainCheck> {
  const { rows } = await q.query<{ id: number; reason: 'content' | 'link' | 'tail' }>(
    `with chain as (
       select id, hash, audit_event_hash(e) as expected, prev_hash,
              coalesce(lag(hash) over (order by id), repeat('0', 64)) as expected_prev
       from audit_events e
     ), broken as (
       select id, case when prev_hash <> expected_prev then 'link' else 'content' end as reason
       from chain where hash <> expected or prev_hash <> expected_prev
       order by id limit 1
     )
     select id, reason from broken
     union all
     select coalesce(h.last_id, 0), 'tail' from audit_chain_head h
     where not exists (select 1 from broken)
       and h.hash <> coalesce((select hash from audit_events order by id desc limit 1), repeat('0', 64))`,
  );
  const broken = rows[0];
  return broken ? { ok: false, brokenAt: broken.id, reason: broken.reason } : { ok: true };
}
