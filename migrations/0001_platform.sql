-- Platform foundation: the application role, enti (tenants) and their host names, the hash-chained
-- audit log, the job queue, sessions and platform secrets.

-- The role every tenant-scoped transaction switches to (SET LOCAL ROLE): row-level security applies
-- to it. The connecting (owner) role bypasses RLS and is used only for platform-wide work.
do $$
begin
  if not exists (select 1 from pg_roles where rolname = 'convergenza_app') then
    create role convergenza_app nologin;
  end if;
end $$;
grant convergenza_app to current_user;
grant usage on schema public to convergenza_app;

-- The ente of the current tenant-scoped transaction, or null outside one.
create or replace function app_current_ente() returns uuid
  language sql stable
  as $$ select nullif(current_setting('app.ente_id', true), '')::uuid $$;

create table enti (
  id uuid primary key default gen_random_uuid(),
  kind text not null check (kind in ('sad', 'comune')),
  sad_id uuid references enti (id),
  slug text not null unique check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' and length(slug) <= 63),
  name text not null check (length(name) between 2 and 200),
  aggregation_name text,
  istat_code text unique check (istat_code ~ '^[0-9]{3}([0-9]{3})?$'),
  belfiore_code text check (belfiore_code ~ '^[A-Z][0-9]{3}$'),
  fiscal_code text check (fiscal_code ~ '^[0-9]{11}$'),
  ipa_code text check (ipa_code ~ '^[a-z0-9_]{2,20}$'),
  province_code text check (province_code ~ '^[A-Z]{2}$'),
  region text,
  population integer check (population >= 0),
  population_year smallint,
  boundary jsonb,
  branding jsonb not null default '{}',
  contacts jsonb not null default '{}',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check ((kind = 'sad') = (sad_id is null))
);
create index enti_sad_idx on enti (sad_id, name);

-- Host names that select an ente's portal (e.g. servizi.comune.jesolo.ve.it).
create table ente_hosts (
  ente_id uuid not null references enti (id) on delete cascade,
  host text not null check (host ~ '^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$'),
  created_at timestamptz not null default now(),
  primary key (ente_id, host)
);
create unique index ente_hosts_host_idx on ente_hosts (host);

-- Audit events, hash-chained per ente. The application role may append and read, never change.
create table audit_events (
  ente_id uuid not null references enti (id),
  seq bigint not null check (seq > 0),
  occurred_at timestamptz not null,
  actor text not null,
  action text not null,
  target_type text not null,
  target_id text,
  request_id text,
  content jsonb not null default '{}',
  content_hash text not null,
  prev_hash text not null,
  hash text not null,
  primary key (ente_id, seq)
);
create index audit_events_action_idx on audit_events (ente_id, action, occurred_at);

-- The head of each chain: its row lock serialises appends per ente; a deleted tail shows as a gap.
create table audit_heads (
  ente_id uuid primary key references enti (id),
  seq bigint not null,
  hash text not null
);

-- Background jobs (transactional: enqueued in the same transaction as the change that causes them).
create table jobs (
  ente_id uuid not null references enti (id),
  id uuid not null default gen_random_uuid(),
  queue text not null check (queue ~ '^[a-z][a-z0-9_.-]{1,62}$'),
  payload jsonb not null default '{}',
  status text not null default 'queued' check (status in ('queued', 'running', 'done', 'dead')),
  attempts integer not null default 0,
  max_attempts integer not null default 5 check (max_attempts between 1 and 50),
  run_at timestamptz not null default now(),
  idempotency_key text,
  last_error text,
  locked_by text,
  locked_at timestamptz,
  created_at timestamptz not null default now(),
  finished_at timestamptz,
  primary key (ente_id, id)
);
create unique index jobs_idempotency_idx on jobs (ente_id, queue, idempotency_key);
create index jobs_list_idx on jobs (ente_id, created_at desc);
-- The one cross-tenant index: a worker claims due jobs of every ente (see docs/adr/0004).
create index jobs_due_idx on jobs (run_at) where status in ('queued', 'running');

-- Server-side sessions behind an opaque cookie; the cookie holds a token, the table its SHA-256.
create table sessions (
  id_hash text primary key,
  subject text not null,
  display_name text,
  roles jsonb not null default '[]',
  created_at timestamptz not null default now(),
  last_seen_at timestamptz not null default now(),
  expires_at timestamptz not null
);
create index sessions_subject_idx on sessions (subject);

create table platform_secrets (
  name text primary key,
  value text not null,
  created_at timestamptz not null default now()
);

-- Row-level security for the application role.
alter table enti enable row level security;
create policy enti_read on enti for select to convergenza_app using (true);
create policy enti_update_own on enti for update to convergenza_app
  using (id = app_current_ente()) with check (id = app_current_ente());
grant select, update (name, fiscal_code, ipa_code, population, population_year, branding, contacts, updated_at)
  on enti to convergenza_app;

alter table ente_hosts enable row level security;
create policy tenant_isolation on ente_hosts to convergenza_app
  using (ente_id = app_current_ente()) with check (ente_id = app_current_ente());
grant select, insert, delete on ente_hosts to convergenza_app;

alter table audit_events enable row level security;
create policy tenant_isolation on audit_events to convergenza_app
  using (ente_id = app_current_ente()) with check (ente_id = app_current_ente());
grant select, insert on audit_events to convergenza_app;

alter table audit_heads enable row level security;
create policy tenant_isolation on audit_heads to convergenza_app
  using (ente_id = app_current_ente()) with check (ente_id = app_current_ente());
grant select, insert, update on audit_heads to convergenza_app;

alter table jobs enable row level security;
create policy tenant_isolation on jobs to convergenza_app
  using (ente_id = app_current_ente()) with check (ente_id = app_current_ente());
grant select, insert, update on jobs to convergenza_app;
