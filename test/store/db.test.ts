import { describe, expect, it } from 'vitest';
import { describePostgres } from '../../src/store/open-postgres.js';
import { testDbLanes, useTestDb } from '../support/test-db.js';

describe.each(testDbLanes)('db on $name', ({ name, create }) => {
  const t = useTestDb(create);

  it('returns the same JavaScript types on both lanes', async () => {
    const { rows } = await t.db.query(
      `select 42::int8 as big, count(*) as n, 7::int4 as small, 1.50::numeric as exact, 2.5::float8 as float,
              true as yes, '{"a":[1,"x"]}'::jsonb as doc, array[1, 2]::int8[] as bigs, null::int8 as nothing,
              '2026-03-01T10:00:00.123456Z'::timestamptz as at, '2026-03-01'::date as day,
              9007199254740993::int8 as huge
       from (values (1), (2)) v(x)`,
    );
    expect(rows).toEqual([
      {
        big: 42,
        n: 2,
        small: 7,
        exact: '1.50',
        float: 2.5,
        yes: true,
        doc: { a: [1, 'x'] },
        bigs: [1, 2],
        nothing: null,
        at: new Date('2026-03-01T10:00:00.123Z'),
        day: '2026-03-01',
        huge: 9007199254740993n,
      },
    ]);
  });

  it('takes Date and JSON parameters the same way', async () => {
    const at = new Date('2026-03-01T10:00:00.5Z');
    const { rows } = await t.db.query<{ at: Date; doc: unknown; later: boolean }>(
      `select $1::timestamptz as at, $2::jsonb as doc, $1::timestamptz > '2026-03-01T09:00:00Z' as later`,
      [at, JSON.stringify([1, { b: null }])],
    );
    expect(rows[0]).toEqual({ at, doc: [1, { b: null }], later: true });
  });

  it('counts rows on insert, update and select', async () => {
    await t.db.query('create table counted (id int primary key)');
    expect((await t.db.query('insert into counted values (1), (2), (3)')).rowCount).toBe(3);
    expect((await t.db.query('update counted set id = id + 10 where id > 1')).rowCount).toBe(2);
    expect((await t.db.query('select * from counted')).rowCount).toBe(3);
  });

  it('commits a transaction, and rolls it back when the callback throws', async () => {
    await t.db.query('create table ledger (note text)');
    await t.db.transaction(async (tx) => {
      await tx.query('insert into ledger values ($1)', ['kept']);
    });
    const failing = t.db.transaction(async (tx) => {
      await tx.query('insert into ledger values ($1)', ['lost']);
      throw new Error('boom');
    });
    await expect(failing).rejects.toThrow('boom');
    const { rows } = await t.db.query('select note from ledger');
    expect(rows).toEqual([{ note: 'kept' }]);
  });

  it('runs multi-statement scripts inside a transaction', async () => {
    await t.db.transaction((tx) => tx.exec('create table scripted (n int); insert into scripted values (1), (2);'));
    expect((await t.db.query('select sum(n) as total from scripted')).rows).toEqual([{ total: 3 }]);
  });

  it('answers ping and describes itself without secrets', async () => {
    await t.db.ping();
    expect(t.db.kind).toBe(name);
    expect(t.db.describe()).toMatch(name === 'postgres' ? /^PostgreSQL at .+:\d+\/\w+ \(schema test_/ : /PGlite/);
  });
});

describe('describePostgres', () => {
  it('names host, port and database, never the user or password', () => {
    const text = describePostgres('postgres://opsbot:s3cret@db.internal:6432/ops?sslmode=require');
    expect(text).toBe('PostgreSQL at db.internal:6432/ops');
  });

  it('fills in the defaults and a socket host', () => {
    expect(describePostgres('postgresql:///ops?host=/var/run/postgresql')).toBe(
      'PostgreSQL at /var/run/postgresql:5432/ops',
    );
    expect(describePostgres('postgres://u:p@127.0.0.1/test', 'test_x')).toBe(
      'PostgreSQL at 127.0.0.1:5432/test (schema test_x)',
    );
  });

  it('shows nothing of a string it cannot parse', () => {
    expect(describePostgres('host=db password=s3cret')).not.toContain('s3cret');
  });
});
