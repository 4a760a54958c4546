-- Small facts a command keeps between runs, shared by every replica: the last
-- health state of each component (so the monitor posts on changes only), the
-- certificates already warned about.
create table command_memory (
  key         text primary key,
  value       text not null,
  updated_at  timestamptz not null default now()
);
