-- 001: the foundation: runs (requests) and the append-only, hash-chained audit log.
-- Runs on PostgreSQL 15 and on PGlite (PostgreSQL 18): keep to PostgreSQL 15 SQL.

-- One row per /ops request (a "run"). Later migrations add the approval columns.
create table requests (
  id text primary key check (id ~ '^r-[a-z0-9]+$'),  -- short, typeable run id, e.g. r-8f3k2a
  command text not null,
  args jsonb not null default '{}',
  environment text,
  target text,
  requester text not null,                        -- Slack user id, or 'schedule:<name>'
  team_id text,
  channel text,
  thread_ts text,
  state text not null,
  created_at timestamptz not null default now(),
  finished_at timestamptz,
  outcome text,
  summary text,
  check ((finished_at is null) = (outcome is null))
);
create index requests_created_at_idx on requests (created_at);
create index requests_unfinished_idx on requests (created_at) where finished_at is null;

-- Ids are assigned by the chain trigger after it holds the chain head, so id order is chain order
-- (a column default would be evaluated before the lock, and concurrent inserts could then chain out of order).
create sequence audit_events_id_seq;
create table audit_events (
  id bigint primary key,
  at timestamptz not null default now(),          -- set by the trigger from the database clock
  actor text not null,                            -- Slack user id, or 'schedule:<name>'
  team_id text,
  kind text not null,                             -- e.g. command.requested, command.succeeded, command.refused
  command text,
  environment text,
  target text,
  request_id text,
  payload jsonb not null default '{}',
  prev_hash text not null,
  hash text not null
);
alter sequence audit_events_id_seq owned by audit_events.id;
create index audit_events_at_idx on audit_events (at);
create index audit_events_request_id_idx on audit_events (request_id) where request_id is not null;

-- The chain's tip. Its row lock serialises writers (also across replicas), and works inside any caller's
-- transaction, unlike a table lock taken after the INSERT's own lock. It also lets verification see a cut tail.
create table audit_chain_head (
  only_row boolean primary key default true check (only_row),
  last_id bigint,
  hash text not null
);
insert into audit_chain_head (hash) values (repeat('0', 64));

-- sha256(prev_hash || canonical content). jsonb's text form is canonical (sorted keys, fixed spacing), and
-- the time is printed in UTC with microseconds, so the hash does not depend on TimeZone or DateStyle.
create function audit_event_hash(e audit_events) returns text
language sql stable set search_path from current as $$
  select encode(sha256(convert_to(e.prev_hash || jsonb_build_object(
    'id', e.id,
    'at', to_char(e.at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
    'actor', e.actor,
    'team_id', e.team_id,
    'kind', e.kind,
    'command', e.command,
    'environment', e.environment,
    'target', e.target,
    'request_id', e.request_id,
    'payload', e.payload
  )::text, 'UTF8')), 'hex')
$$;

create function audit_events_chain() returns trigger
language plpgsql set search_path from current as $$
declare
  head text;
begin
  select hash into head from audit_chain_head for update;
  if not found then
    raise exception 'audit_chain_head has no row: the audit chain cannot be extended';
  end if;
  new.id := nextval('audit_events_id_seq');
  new.at := clock_timestamp();  -- after the lock, so time order is chain order
  new.prev_hash := head;
  new.hash := audit_event_hash(new);
  update audit_chain_head set hash = new.hash, last_id = new.id;
  return new;
end
$$;
create trigger audit_events_chain before insert on audit_events
  for each row execute function audit_events_chain();

create function audit_events_refuse_change() returns trigger
language plpgsql as $$
begin
  raise exception 'audit_events is append-only: % is refused', tg_op
    using hint = 'Audit events are never changed or removed; append a new event that corrects the record.';
end
$$;
create trigger audit_events_append_only before update or delete or truncate on audit_events
  for each statement execute function audit_events_refuse_change();
