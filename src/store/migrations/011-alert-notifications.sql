-- Alertmanager notifications. A delivery is claimed by the digest of what it says (group, status, and
-- each alert's fingerprint, status and times), so a retried or duplicated delivery posts nothing, on
-- any replica. Each alert group has one message, edited as its alerts fire and resolve; when a channel
-- gets too many new groups at once, the rest are counted in one storm message instead.

create table alert_deliveries (
  digest      text primary key,
  group_key   text not null,
  received_at timestamptz not null default now()
);

create table alert_storms (
  id          bigserial primary key,
  channel     text not null,
  window_start timestamptz not null,               -- storms are counted per channel and 10-minute window
  ts          text,                                -- the storm message, once posted
  unique (channel, window_start)
);

create table alert_groups (
  group_key   text primary key,
  channel     text not null,
  ts          text,                                -- this group's own message (null while folded into a storm)
  storm_id    bigint references alert_storms (id),
  alertname   text not null,
  service     text,
  environment text,
  status      text not null check (status in ('firing', 'resolved')),
  firing      int not null,
  resolved    int not null,
  first_at    timestamptz not null default now(),
  updated_at  timestamptz not null default now()
);
create index alert_groups_channel_recent on alert_groups (channel, first_at);
create index alert_groups_storm on alert_groups (storm_id) where storm_id is not null;
