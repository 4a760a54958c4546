-- Incidents and their timelines.
--
-- Why the timeline is filled by a trigger on audit_events rather than by the code paths that do things:
-- every request, approval transition, schedule run and alert already writes one audit row, from any
-- replica, in whatever transaction did the work. Copying the matching rows inside that same INSERT means
-- nothing can be done on an incident's service or in its channel without reaching its timeline, and a
-- copy exists exactly when the audit row does (a rolled-back action leaves neither). Code that is written
-- later (a new command, the approval cards) lands on timelines without knowing incidents exist.

create sequence incident_number_seq;

create table incidents (
  id           text primary key check (id ~ '^INC-[0-9]+$'),
  title        text not null check (char_length(title) between 1 and 200),
  severity     text not null check (severity in ('SEV1', 'SEV2', 'SEV3', 'SEV4')),
  status       text not null default 'investigating'
               check (status in ('investigating', 'identified', 'monitoring', 'resolved')),
  services     text[] not null default '{}',
  environment  text,
  commander    text not null,                      -- Slack user id
  roles        jsonb not null default '{}',        -- { "comms": "U…" }
  channel_id   text unique,
  channel_name text,
  summary_ts   text,                                -- the pinned summary message, edited as things change
  announcement_ts text,                             -- the announcement in the incidents channel, edited too
  declared_by  text not null,
  declared_at  timestamptz not null default now(),
  acknowledged_at timestamptz,                      -- first update or action after the declaration
  mitigated_at timestamptz,                         -- first time the status reached monitoring
  resolved_at  timestamptz,
  resolution   text,
  last_update_at timestamptz not null default now(), -- last status update: what reminders measure from
  last_nudge_at  timestamptz,
  check ((status = 'resolved') = (resolved_at is not null))
);
create index incidents_open on incidents (declared_at) where resolved_at is null;

create table incident_tasks (
  incident_id text not null references incidents (id),
  number      int not null,
  text        text not null,
  owner       text,
  created_by  text not null,
  created_at  timestamptz not null default now(),
  primary key (incident_id, number)
);

-- Messages added to a timeline (📌 or the "Add to timeline" shortcut): one row per message, so a second pin,
-- a retried Slack event or another replica adds nothing twice.
create table incident_messages (
  incident_id text not null references incidents (id),
  message_ts  text not null,
  added_by    text not null,
  added_at    timestamptz not null default now(),
  primary key (incident_id, message_ts)
);

create table timeline_events (
  id          bigserial primary key,
  incident_id text not null references incidents (id),
  at          timestamptz not null,                -- when it happened (a pinned message: when it was written)
  recorded_at timestamptz not null default clock_timestamp(),
  actor       text not null,                       -- Slack user id, 'schedule:<name>', 'alertmanager'
  kind        text not null,                       -- the audit kind: command.succeeded, approval.approved, incident.status…
  command     text,
  environment text,
  target      text,
  request_id  text,
  payload     jsonb not null default '{}',
  audit_id    bigint not null,
  unique (incident_id, audit_id)
);
create index timeline_events_incident on timeline_events (incident_id, at, id);

create function timeline_events_refuse_change() returns trigger
language plpgsql as $$
begin
  raise exception 'timeline_events is append-only: % is refused', tg_op
    using hint = 'A timeline is never rewritten: add a new event that corrects it (/ops incident note).';
end
$$;
create trigger timeline_events_append_only before update or delete or truncate on timeline_events
  for each statement execute function timeline_events_refuse_change();

-- Which incidents an audit row belongs to: one that names it (payload.incident), or, while an incident is
-- open, a row from its channel or about one of its services (in its environment when it names one).
-- Typos (command.rejected) and the incident commands' own command.* rows (their incident.* rows say
-- more) stay out.
create function audit_events_to_timeline() returns trigger
language plpgsql set search_path from current as $$
begin
  if new.kind = 'command.rejected' or (new.kind like 'command.%' and new.command like 'incident %') then
    return null;
  end if;
  insert into timeline_events (incident_id, at, actor, kind, command, environment, target, request_id, payload, audit_id)
  select i.id,
         coalesce((new.payload ->> 'occurredAt')::timestamptz, new.at),
         coalesce(new.payload ->> 'author', new.actor),
         new.kind, new.command, new.environment, new.target, new.request_id, new.payload, new.id
  from incidents i
  where i.id = new.payload ->> 'incident'
     or (i.resolved_at is null and new.payload ->> 'incident' is null and (
           i.channel_id = new.payload ->> 'channel'
        or (new.target = any (i.services)
            and (i.environment is null or new.environment is null or new.environment = i.environment))));
  return null;
end
$$;
create trigger audit_events_to_timeline after insert on audit_events
  for each row execute function audit_events_to_timeline();
