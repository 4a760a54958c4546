-- Change freezes declared from Slack (/ops freeze); the catalog's freezes are
-- read from the catalog. A freeze blocks changes in its environment, except
-- break-glass; lifting one early is recorded, never deleted.
create table freezes (
  id          bigserial primary key,
  environment text not null,
  starts_at   timestamptz not null default now(),
  ends_at     timestamptz not null,
  reason      text not null,
  actor       text not null,
  lifted_at   timestamptz,
  lifted_by   text,
  check (ends_at > starts_at)
);
create index freezes_active on freezes (environment, ends_at) where lifted_at is null;
