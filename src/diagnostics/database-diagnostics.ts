/**
 * Seed 002's psql diagnostics over `pg`, on one environment's database: long queries and lock waits from
 * pg_stat_activity, terminating a backend, VACUUM. One short connection per call (identified as opsbot
 * in pg_stat_activity, and never listed itself); only sessions of that database are shown.
 */
import pg from 'pg';
import { OpsError } from '../errors.js';
import type { DatabaseDiagnostics, DbLockWait, DbSession, DbTableStats } from '../runs/tool-ports.js';

/** The columns of one pg_stat_activity row `a`, named `<p>pid`, `<p>user`, … */
const SESSION = (a: string, p = '') => `${a}.pid as "${p}pid", ${a}.usename as "${p}user",
  ${a}.application_name as "${p}application", ${a}.client_addr::text as "${p}client", ${a}.state as "${p}state",
  ${a}.wait_event_type || ':' || ${a}.wait_event as "${p}waitEvent", ${a}.query_start as "${p}queryStart",
  ${a}.query as "${p}query",
  coalesce(extract(epoch from clock_timestamp() - ${a}.query_start) * 1000, 0)::float8 as "${p}runningMs"`;

const pick = (row: Record<string, unknown>, prefix: string): DbSession => {
  const v = (k: string) => row[`${prefix}${k}`];
  return {
    pid: Number(v('pid')),
    user: (v('user') as string | null) ?? null,
    application: (v('application') as string | null) || null,
    client: (v('client') as string | null) ?? null,
    state: (v('state') as string | null) ?? null,
    waitEvent: (v('waitEvent') as string | null) ?? null,
    queryStart: (v('queryStart') as Date | null) ?? null,
    runningMs: Math.round(Number(v('runningMs'))),
    query: String(v('query') ?? ''),
  };
};

/** "host:port/database" without user or password. */
export function describeDatabaseUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname || 'localhost'}${u.port ? `:${u.port}` : ''}${u.pathname || '/'}`;
  } catch {
    return 'the database';
  }
}

export function createDatabaseDiagnostics(url: string, env: string): DatabaseDiagnostics {
  const where = describeDatabaseUrl(url);
  const withClient = async <T>(work: (client: pg.Client) => Promise<T>): Promise<T> => {
    const client = new pg.Client({
      connectionString: url,
      application_name: 'opsbot',
      connectionTimeoutMillis: 10_000,
    });
    try {
      await client.connect();
    } catch (cause) {
      // The driver's message may quote the URL; the engine's redactor hides passwords in URLs as well.
      throw new OpsError('config', `Could not connect to the ${env} database (${where}): ${(cause as Error).message}`, {
        hint: `Check the URL in the variable the catalog names for ${env} (databaseUrlEnv) and that opsbot can reach it.`,
        cause,
      });
    }
    try {
      return await work(client);
    } finally {
      await client.end().catch(() => {});
    }
  };
  const regclass = async (client: pg.Client, table: string): Promise<string> => {
    // A name that is not even valid syntax ("a; drop table b") is an error, not null: both mean no such table.
    const name = await client.query<{ name: string | null }>('select to_regclass($1)::text as name', [table]).then(
      ({ rows }) => rows[0]?.name,
      () => undefined,
    );
    if (!name) {
      throw new OpsError('not_found', `There is no table "${table}" in the ${env} database (${where}).`, {
        hint: 'Name it as psql would, e.g. products or sales.orders; /ops db vacuum <env> without a table lists the ones that need it.',
      });
    }
    return name;
  };

  return {
    describe: () => where,
    activity: (minRunningMs) =>
      withClient(async (c) => {
        const { rows } = await c.query(
          `select ${SESSION('a')} from pg_stat_activity a
           where a.datname = current_database() and a.pid <> pg_backend_pid() and a.state <> 'idle'
             and a.backend_type = 'client backend' and clock_timestamp() - a.query_start >= $1 * interval '1 millisecond'
           order by a.query_start`,
          [minRunningMs],
        );
        return rows.map((r) => pick(r, ''));
      }),
    locks: () =>
      withClient(async (c) => {
        const { rows } = await c.query(
          `select ${SESSION('w', 'w_')}, ${SESSION('b', 'b_')},
             coalesce(extract(epoch from clock_timestamp() - b.xact_start) * 1000, 0)::float8 as "xactMs"
           from pg_stat_activity w
           cross join lateral unnest(pg_blocking_pids(w.pid)) as blocker(pid)
           join pg_stat_activity b on b.pid = blocker.pid
           where w.datname = current_database()
           order by w.query_start`,
        );
        return rows.map(
          (r): DbLockWait => ({
            blocked: pick(r, 'w_'),
            blocking: pick(r, 'b_'),
            blockingTransactionMs: Math.round(Number(r.xactMs)),
          }),
        );
      }),
    session: (pid) =>
      withClient(async (c) => {
        const { rows } = await c.query(
          `select ${SESSION('a')} from pg_stat_activity a where a.pid = $1 and a.datname = current_database()`,
          [pid],
        );
        return rows[0] ? pick(rows[0], '') : undefined;
      }),
    terminate: (pid) =>
      withClient(async (c) => {
        const { rows } = await c.query<{ done: boolean }>(
          `select pg_terminate_backend(pid) as done from pg_stat_activity where pid = $1 and datname = current_database()`,
          [pid],
        );
        return rows[0]?.done === true;
      }),
    tableStats: (table) =>
      withClient(async (c) => {
        const name = table ? await regclass(c, table) : undefined;
        const { rows } = await c.query(
          `select relid::regclass::text as "table", n_live_tup::float8 as "liveRows", n_dead_tup::float8 as "deadRows",
             last_vacuum as "lastVacuum", last_autovacuum as "lastAutovacuum"
           from pg_stat_user_tables where ($1::text is null or relid = $1::regclass)
           order by n_dead_tup desc limit 10`,
          [name ?? null],
        );
        return rows as DbTableStats[];
      }),
    vacuum: (table) =>
      withClient(async (c) => {
        // VACUUM takes no parameters: the name comes back from to_regclass, quoted by PostgreSQL itself.
        const name = table ? await regclass(c, table) : undefined;
        const started = performance.now();
        await c.query(`vacuum (analyze)${name ? ` ${name}` : ''}`);
        return { durationMs: Math.round(performance.now() - started), table: name };
      }),
  };
}
