-- 007: one reminder per pending request at half its time to live, claimed by the replica that sends it.
create table approval_reminders (
  request_id text primary key references approval_requests (id),
  reminded_at timestamptz not null default now()
);
