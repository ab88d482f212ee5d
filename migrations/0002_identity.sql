-- Identity: platform users (citizens and staff) keyed by their own id, the external identities that
-- log them in (SPID, CIE, eIDAS, local password…), staff accounts with second factor and lockout,
-- staff grants per ente, one-time tokens, and sessions tied to users.

create table users (
  id uuid primary key default gen_random_uuid(),
  kind text not null check (kind in ('citizen', 'staff')),
  display_name text not null check (length(display_name) between 1 and 200),
  given_name text,
  family_name text,
  -- The Italian fiscal code when a provider asserts one; never the key (EU citizens may have none).
  fiscal_number text check (fiscal_number ~ '^[A-Z0-9]{16}$'),
  email text,
  email_verified_at timestamptz,
  phone text,
  lang text not null default 'it' check (lang in ('it', 'en')),
  io_consent boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

-- Who the user is at an identity provider: (provider, subject) → user.
create table user_identities (
  provider text not null,
  subject text not null,
  user_id uuid not null references users (id) on delete cascade,
  created_at timestamptz not null default now(),
  last_login_at timestamptz,
  primary key (provider, subject)
);
create index user_identities_user_idx on user_identities (user_id);

create table staff_accounts (
  user_id uuid primary key references users (id) on delete cascade,
  -- The ente whose audit chain records this account's events (the one that invited it).
  home_ente_id uuid not null references enti (id),
  email text not null check (email ~ '^[^@\s]+@[^@\s]+$'),
  password_hash text,
  totp_secret text,
  totp_confirmed_at timestamptz,
  failed_logins integer not null default 0,
  locked_until timestamptz,
  created_at timestamptz not null default now()
);
create unique index staff_accounts_email_idx on staff_accounts (lower(email));

create table staff_grants (
  ente_id uuid not null references enti (id),
  user_id uuid not null references users (id) on delete cascade,
  role text not null check (role in ('operator', 'ente_admin', 'sad_admin', 'data_publisher', 'analyst')),
  areas jsonb check (areas is null or jsonb_typeof(areas) = 'array'),
  granted_by text not null,
  created_at timestamptz not null default now(),
  primary key (ente_id, user_id, role)
);
-- Logging in reads a user's grants across enti: the second index not led by ente_id (docs/adr/0003).
create index staff_grants_user_idx on staff_grants (user_id);

-- One-time tokens (invitation, password reset, e-mail verification, second-factor challenge): the
-- link or cookie carries the token, the table its SHA-256.
create table auth_tokens (
  token_hash text primary key,
  purpose text not null check (purpose in ('invitation', 'password-reset', 'email-verification', 'totp-challenge')),
  user_id uuid not null references users (id) on delete cascade,
  data jsonb not null default '{}',
  expires_at timestamptz not null,
  used_at timestamptz,
  created_at timestamptz not null default now()
);
create index auth_tokens_user_idx on auth_tokens (user_id, purpose);

alter table sessions add column user_id uuid references users (id) on delete cascade;
alter table sessions add column method text;
alter table sessions add column user_agent text;
create index sessions_user_idx on sessions (user_id);

alter table staff_grants enable row level security;
create policy tenant_isolation on staff_grants to convergenza_app
  using (ente_id = app_current_ente()) with check (ente_id = app_current_ente());
grant select, insert, delete on staff_grants to convergenza_app;
