-- One mutation per target at a time, across replicas. A lock is a row with a
-- lease: the holder renews it while it works; a replica that dies stops
-- renewing and the lease lapses, so the target is never stuck forever.
create table target_locks (
  target      text primary key,            -- e.g. 'prod/api-gateway'
  run_id      text not null,
  holder      text not null,               -- Slack user id or 'schedule:<name>'
  command     text not null,
  replica     text not null,
  acquired_at timestamptz not null default now(),
  expires_at  timestamptz not null
);
