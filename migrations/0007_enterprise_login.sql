-- Operators' login with the ente's own identity provider (OpenID Connect, e.g. Microsoft Entra ID):
-- one provider per ente, the platform's client registration there (the secret sealed by the
-- application, never in clear) and the e-mail domain it may vouch for. Staff accounts and their grants
-- are still created only by invitation; a provider identity links to an account in user_identities.
create table enterprise_idps (
  ente_id uuid not null references enti (id) on delete cascade,
  issuer text not null check (issuer ~ '^https?://[^\s]+$' and length(issuer) <= 300),
  client_id text not null check (length(client_id) between 1 and 300),
  -- Sealed with AES-256-GCM (credentials.ts): "v1.<iv>.<tag>.<ciphertext>".
  client_secret text not null check (client_secret ~ '^v1\.'),
  client_auth_method text not null default 'client_secret_basic'
    check (client_auth_method in ('client_secret_basic', 'client_secret_post')),
  allowed_domain text
    check (allowed_domain ~ '^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$'),
  updated_by text not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (ente_id)
);

alter table enterprise_idps enable row level security;
create policy tenant_isolation on enterprise_idps to convergenza_app
  using (ente_id = app_current_ente()) with check (ente_id = app_current_ente());
grant select, insert, update, delete on enterprise_idps to convergenza_app;
