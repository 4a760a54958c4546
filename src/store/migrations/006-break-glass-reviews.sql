-- 006: every break-glass change leaves a review another approver must acknowledge within 24 hours
-- (APPROVALS.md case 35). Listed by /ops approvals and the weekly report until acknowledged.
create table break_glass_reviews (
  request_id text primary key references approval_requests (id),
  due_at timestamptz not null default now() + interval '24 hours',
  acknowledged_by text,
  acknowledged_at timestamptz,
  note text check (note is null or char_length(note) <= 500),
  overdue_reported_at timestamptz,
  check ((acknowledged_by is null) = (acknowledged_at is null))
);
create index break_glass_reviews_open on break_glass_reviews (due_at) where acknowledged_at is null;
