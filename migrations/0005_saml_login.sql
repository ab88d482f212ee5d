-- Citizens' login with SPID over SAML 2.0. Each AuthnRequest sent waits here for its one response
-- (InResponseTo, single use: claimed before the response is checked); the browser that started the
-- login, known by the hash of its cookie, then collects the verified identity. Nobody owns a pending
-- login yet, so the table is not tenant-scoped (like auth_tokens).
create table saml_requests (
  id text primary key,
  browser_hash text not null unique,
  idp text not null,
  level smallint not null check (level between 1 and 3),
  issued_at timestamptz not null,
  next text not null,
  expires_at timestamptz not null,
  answered_at timestamptz,
  outcome jsonb
);
create index saml_requests_expiry_idx on saml_requests (expires_at);
