-- Runs that can be stopped from Slack (a script or helm running on some replica). The Cancel button
-- may reach any replica: it records the request here, and the replica running the work sees it and
-- stops. One request per run wins (conditional update), so a double click is audited once.
create table cancellable_runs (
  run_id              text primary key,
  command             text not null,
  environment         text,
  requester           text not null,
  started_at          timestamptz not null default now(),
  finished_at         timestamptz,
  cancel_requested_by text,
  cancel_requested_at timestamptz
);
