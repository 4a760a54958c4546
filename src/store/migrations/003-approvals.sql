-- 003: two-person approval (APPROVALS.md): requests, one decision per person, one execution per request.
-- Runs on PostgreSQL 15 and on PGlite (PostgreSQL 18): keep to PostgreSQL 15 SQL.
-- Every expiry decision compares with now() inside the deciding transaction (the database clock).

create table approval_requests (
  id text primary key check (id ~ '^[ar]-[a-z0-9]+$'),  -- 'a-xxxxxx', or the run id 'r-xxxxxx'
  command text not null,
  service text not null,
  env text not null,
  args jsonb not null,                             -- canonical, bound arguments
  plan jsonb not null,                             -- { summary, changes: [{ what, from, to }] }: the "from" state
  params_hash text not null check (params_hash ~ '^[0-9a-f]{64}$'),
  requester text not null,                         -- Slack user id
  requester_person text not null,                  -- personOf(catalog, requester)
  team_id text not null,
  channel_id text,                                 -- where the command was run
  thread_ts text,
  reason text check (reason is null or char_length(reason) <= 500),
  incident_id text,
  break_glass boolean not null default false,
  quorum int not null,                             -- distinct approvers besides the requester; 0 only for break-glass
  policy text not null,
  approval_window_seconds int not null default 300 check (approval_window_seconds between 60 and 900),
  state text not null default 'pending' check (state in (
    'pending', 'approved', 'executing', 'executed', 'failed', 'needs_reconciliation',
    'rejected', 'cancelled', 'expired', 'expired_unexecuted', 'blocked_freeze')),
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  approved_at timestamptz,
  claimed_at timestamptz,
  finished_at timestamptz,
  outcome text check (outcome is null or outcome in ('succeeded', 'failed', 'aborted')),
  summary text,
  check (case when break_glass then quorum = 0 and incident_id is not null and reason is not null
              else quorum between 1 and 3 end),
  check (approved_at is not null or state in ('pending', 'rejected', 'cancelled', 'expired'))
);
-- At most one pending request per (service, env): a second `/ops rollback api-gateway prod` points to the first.
create unique index approval_requests_one_pending on approval_requests (service, env) where state = 'pending';
create index approval_requests_requester_pending on approval_requests (requester_person) where state = 'pending';
create index approval_requests_open on approval_requests (state) where state in ('pending', 'approved', 'executing');
create index approval_requests_break_glass on approval_requests (requester_person, created_at) where break_glass;

-- Requests are immutable once created (case 19: any edit means a new request), and states move only along the
-- state machine; terminal states accept nothing. The code already does this; the trigger makes it a guarantee.
create function approval_requests_guard() returns trigger
language plpgsql as $$
begin
  if (new.id, new.command, new.service, new.env, new.args, new.plan, new.params_hash, new.requester,
      new.requester_person, new.team_id, new.channel_id, new.thread_ts, new.reason, new.incident_id,
      new.break_glass, new.quorum, new.policy, new.approval_window_seconds, new.created_at)
     is distinct from
     (old.id, old.command, old.service, old.env, old.args, old.plan, old.params_hash, old.requester,
      old.requester_person, old.team_id, old.channel_id, old.thread_ts, old.reason, old.incident_id,
      old.break_glass, old.quorum, old.policy, old.approval_window_seconds, old.created_at) then
    raise exception 'approval request % is immutable', old.id
      using hint = 'A changed request is a new request: create it and let it be approved again.';
  end if;
  if old.state in ('executed', 'failed', 'rejected', 'cancelled', 'expired', 'expired_unexecuted', 'blocked_freeze') then
    raise exception 'approval request % is % (final): it accepts no change', old.id, old.state;
  end if;
  if new.state is distinct from old.state and not (
       (old.state = 'pending' and new.state in ('approved', 'rejected', 'cancelled', 'expired'))
    or (old.state = 'approved' and new.state in ('executing', 'cancelled', 'expired_unexecuted', 'blocked_freeze', 'pending'))
    or (old.state = 'executing' and new.state in ('executed', 'failed', 'needs_reconciliation'))
    -- a replica declared dead that was only slow may still report what really happened
    or (old.state = 'needs_reconciliation' and new.state in ('executed', 'failed'))
  ) then
    raise exception 'approval request %: % → % is not a transition of the approval state machine', old.id, old.state, new.state;
  end if;
  return new;
end
$$;
create trigger approval_requests_guard before update on approval_requests
  for each row execute function approval_requests_guard();

-- One decision per request and PERSON (not per Slack account): the primary key is the double-click/replay dedupe.
create table approval_decisions (
  request_id text not null references approval_requests (id),
  person text not null,
  slack_user text not null,
  team_id text not null,
  decision text not null check (decision in ('approve', 'reject')),
  reason text check (reason is null or char_length(reason) <= 500),
  params_hash text not null,
  action_ts text,
  decided_at timestamptz not null default now(),
  primary key (request_id, person),
  check (decision = 'approve' or (reason is not null and btrim(reason) <> ''))
);

create function approval_decisions_refuse_update() returns trigger
language plpgsql as $$
begin
  raise exception 'approval_decisions are never changed: % is refused', tg_op;
end
$$;
create trigger approval_decisions_append_only before update on approval_decisions
  for each statement execute function approval_decisions_refuse_update();

-- Exactly one execution per request: the claiming transaction inserts it; a second insert fails.
create table executions (
  request_id text primary key references approval_requests (id),
  idempotency_key text not null unique,            -- passed to the deploy API; the request id
  replica text not null,
  started_at timestamptz not null default now(),
  heartbeat_at timestamptz not null default now(),
  finished_at timestamptz,
  outcome text check (outcome is null or outcome in ('succeeded', 'failed', 'aborted')),
  output_excerpt text,
  check ((finished_at is null) = (outcome is null))
);
create index executions_running on executions (heartbeat_at) where finished_at is null;

-- Every Slack message that shows a request's buttons (the approvals channel, the requester's thread, DMs):
-- a button click must come from one of them (case 12), and each is updated on every transition (case 38).
create table approval_messages (
  request_id text not null references approval_requests (id),
  channel_id text not null,
  message_ts text not null,
  posted_at timestamptz not null default now(),
  primary key (request_id, channel_id, message_ts)
);
