import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { appendAudit, listAudit, verifyAuditChain } from '../../src/store/audit.js';
import type { Db, Tx } from '../../src/store/db.js';
import { createTestDb, testDbLanes, useTestDb } from '../support/test-db.js';

const requested = {
  actor: 'U0ALICE',
  teamId: 'T0OPS',
  kind: 'command.requested',
  command: 'rollback',
  environment: 'prod',
  target: 'api-gateway',
  requestId: 'r-8f3k2a',
  payload: { args: { service: 'api-gateway', env: 'prod' }, text: 'rollback api-gateway prod' },
};

/** Runs fn in a transaction that is always rolled back, so a tampering test leaves the log as it was. */
async function inRolledBackTransaction<T>(db: Db, fn: (tx: Tx) => Promise<T>): Promise<T> {
  const rollBack = new Error('roll back');
  let result: T | undefined;
  await db
    .transaction(async (tx) => {
      result = await fn(tx);
      throw rollBack;
    })
    .catch((error: unknown) => {
      if (error !== rollBack) throw error;
    });
  return result as T;
}

describe.each(testDbLanes)('audit on $name', ({ create }) => {
  const t = useTestDb(create);

  it('appends events with the database time and lists them newest first, filtered', async () => {
    const { rows: clock } = await t.db.query<{ now: Date }>('select now() as now');
    const first = await appendAudit(t.db, requested);
    const second = await appendAudit(t.db, { ...requested, kind: 'command.succeeded', payload: { summary: 'ok' } });
    await appendAudit(t.db, { actor: 'schedule:daily-backup', kind: 'command.requested', command: 'backup' });

    expect(second.id).toBeGreaterThan(first.id);
    expect(first.at.getTime()).toBeGreaterThanOrEqual(clock[0]?.now.getTime() ?? Number.NaN);
    expect(first.hash).toMatch(/^[0-9a-f]{64}$/);

    const forRequest = await listAudit(t.db, { requestId: 'r-8f3k2a', limit: 10 });
    expect(forRequest.map((e) => e.kind)).toEqual(['command.succeeded', 'command.requested']);
    expect(forRequest[1]).toEqual({
      id: first.id,
      at: first.at,
      ...requested,
      prevHash: expect.stringMatching(/^[0-9a-f]{64}$/),
      hash: first.hash,
    });
    expect(forRequest[0]?.prevHash).toBe(first.hash);

    expect(await listAudit(t.db, { actor: 'schedule:daily-backup', limit: 10 })).toHaveLength(1);
    expect(
      await listAudit(t.db, { command: 'rollback', environment: 'prod', target: 'api-gateway', limit: 1 }),
    ).toEqual([expect.objectContaining({ id: second.id })]);
    expect(await listAudit(t.db, { since: new Date(Date.now() + 3_600_000), limit: 10 })).toEqual([]);
    expect(await verifyAuditChain(t.db)).toEqual({ ok: true });
  });

  it('hashes prev_hash and a canonical JSON of the row, identically on every PostgreSQL version', async () => {
    const { rows } = await t.db.query<{ hash: string }>(
      `select audit_event_hash(row(7, '2026-03-01T10:00:00.5Z', 'U0ALICE', 'T0OPS', 'command.requested', 'rollback',
         'prod', 'api-gateway', 'r-8f3k2a', '{"b":1,"a":[true,null]}', repeat('0', 64), null)::audit_events) as hash`,
    );
    // jsonb's text form: keys ordered by length then bytes, one space after ':' and ','; time in UTC, microseconds.
    const canonical =
      '{"at": "2026-03-01T10:00:00.500000Z", "id": 7, "kind": "command.requested", "actor": "U0ALICE", ' +
      '"target": "api-gateway", "command": "rollback", "payload": {"a": [true, null], "b": 1}, "team_id": "T0OPS", ' +
      '"request_id": "r-8f3k2a", "environment": "prod"}';
    const expected = createHash('sha256')
      .update(`${'0'.repeat(64)}${canonical}`)
      .digest('hex');
    expect(rows[0]?.hash).toBe(expected);
  });

  it('refuses UPDATE, DELETE and TRUNCATE', async () => {
    await appendAudit(t.db, requested);
    await expect(t.db.query(`update audit_events set actor = 'U0MALLORY'`)).rejects.toThrow(
      /audit_events is append-only: UPDATE is refused/,
    );
    await expect(t.db.query('delete from audit_events')).rejects.toThrow(/append-only: DELETE is refused/);
    await expect(t.db.query('truncate audit_events')).rejects.toThrow(/append-only: TRUNCATE is refused/);
  });

  it('ignores a client-supplied time and hash: the trigger sets them', async () => {
    const { rows } = await t.db.query<{ at: Date; hash: string }>(
      `insert into audit_events (id, at, actor, kind, prev_hash, hash)
       values (1, '2000-01-01', 'U0MALLORY', 'forged', 'x', 'y') returning at, hash`,
    );
    expect(rows[0]?.at.getUTCFullYear()).toBeGreaterThan(2000);
    expect(rows[0]?.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(await verifyAuditChain(t.db)).toEqual({ ok: true });
  });

  it('finds a row edited behind the trigger, a row removed, and a cut tail', async () => {
    const a = await appendAudit(t.db, requested);
    const b = await appendAudit(t.db, { ...requested, kind: 'command.failed' });
    const bypass = 'alter table audit_events disable trigger audit_events_append_only';
    const edited = await inRolledBackTransaction(t.db, async (tx) => {
      await tx.query(bypass);
      await tx.query(`update audit_events set payload = '{"text":"nothing to see"}' where id = $1`, [a.id]);
      return verifyAuditChain(tx);
    });
    expect(edited).toEqual({ ok: false, brokenAt: a.id, reason: 'content' });

    const removed = await inRolledBackTransaction(t.db, async (tx) => {
      await tx.query(bypass);
      await tx.query('delete from audit_events where id = $1', [a.id]);
      return verifyAuditChain(tx);
    });
    expect(removed).toEqual({ ok: false, brokenAt: b.id, reason: 'link' });

    const cut = await inRolledBackTransaction(t.db, async (tx) => {
      await tx.query(bypass);
      await tx.query('delete from audit_events where id = $1', [b.id]);
      return verifyAuditChain(tx);
    });
    expect(cut).toEqual({ ok: false, brokenAt: b.id, reason: 'tail' });
    expect(await verifyAuditChain(t.db)).toEqual({ ok: true });
  });
});

describe('audit on postgres, from two replicas at once', () => {
  const t = useTestDb(createTestDb);

  it('keeps one valid chain, in id and time order', async () => {
    const other = await t.testDb.openAnother();
    const burst = (db: Db, actor: string) =>
      Promise.all(Array.from({ length: 20 }, (_, i) => appendAudit(db, { actor, kind: 'test.burst', payload: { i } })));
    await Promise.all([burst(t.db, 'U0ONE'), burst(other, 'U0TWO')]);

    expect(await verifyAuditChain(t.db)).toEqual({ ok: true });
    const events = (await listAudit(t.db, { kind: 'test.burst', limit: 100 })).reverse();
    expect(events).toHaveLength(40);
    for (let i = 1; i < events.length; i++) {
      expect(events[i]?.prevHash).toBe(events[i - 1]?.hash);
      expect(events[i]?.at.getTime()).toBeGreaterThanOrEqual(events[i - 1]?.at.getTime() ?? 0);
    }
  });
});
