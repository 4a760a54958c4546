-- One row per (schedule, scheduled time): the replica that inserts it runs the
-- tick; every other replica's insert finds the row and does nothing. Claimed by
-- the SCHEDULED time, not a replica's clock at firing, so skewed clocks agree.
create table schedule_runs (
  schedule    text not null,
  tick        timestamptz not null,
  replica     text not null,
  state       text not null check (state in ('running', 'succeeded', 'failed', 'skipped', 'missed')),
  reason      text,                       -- why skipped: paused, freeze, overlap
  run_id      text,
  summary     text,
  started_at  timestamptz not null default now(),
  finished_at timestamptz,
  primary key (schedule, tick)
);
create index schedule_runs_recent on schedule_runs (schedule, tick desc);

-- Pause and resume from Slack; absent row = active.
create table schedule_controls (
  schedule  text primary key,
  paused    boolean not null,
  actor     text not null,
  reason    text,
  at        timestamptz not null default now()
);
