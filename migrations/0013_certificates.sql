-- Registry certificates (issue 5): each certificate issued (or awaiting its stamp-duty payment) with its
-- number, type, subject, requester, channel, stamp duty or exemption, the pagoPA position, and the sealed
-- PDF exactly as issued (bytes and SHA-256) for re-download and verification; a yearly number counter per
-- ente; and each ente's seal (PKCS#12 and passphrase, both sealed at rest with the installation's seal
-- secret, src/platform/seal.ts). The demo's test CA lives in platform_secrets ('certificates.test-ca').

create table certificate_counters (
  ente_id uuid not null references enti (id),
  year smallint not null check (year between 2000 and 2999),
  last_number integer not null check (last_number >= 0),
  primary key (ente_id, year)
);

create table certificates (
  ente_id uuid not null references enti (id),
  id uuid not null,
  -- CERT-<year>-<000123>: unique within the ente; printed on the PDF and in the QR code.
  number text not null check (number ~ '^CERT-[0-9]{4}-[0-9]{6,}$'),
  -- The short code of the QR link (/verifica/<number>?c=<code>): proves the link was read off the PDF.
  verification_code text not null check (verification_code ~ '^[0-9a-f]{12}$'),
  type text not null check (type in ('nascita', 'matrimonio', 'cittadinanza', 'esistenza_in_vita',
    'residenza', 'residenza_aire', 'stato_civile', 'stato_famiglia', 'residenza_convivenza',
    'stato_famiglia_aire', 'stato_famiglia_parentela', 'stato_libero', 'unione_civile',
    'contratto_convivenza')),
  subject_fiscal_code text not null check (subject_fiscal_code ~ '^[A-Z0-9]{16}$'),
  channel text not null check (channel in ('online', 'counter')),
  -- online: the citizen's principal subject and fiscal code; counter: the operator's principal subject.
  requester_user_id text,
  requester_fiscal_code text check (requester_fiscal_code ~ '^[A-Z0-9]{16}$'),
  operator_id text,
  exemption_code text check (exemption_code ~ '^[A-Z_]{2,40}$'),
  stamp_duty_cents integer not null check (stamp_duty_cents >= 0),
  status text not null check (status in ('awaiting_payment', 'issued', 'revoked')),
  payment_position_id uuid,
  requested_at timestamptz not null default now(),
  issued_at timestamptz,
  pdf_sha256 text check (pdf_sha256 ~ '^[0-9a-f]{64}$'),
  pdf bytea,
  revoked_at timestamptz,
  revoked_reason text check (length(revoked_reason) between 1 and 500),
  primary key (ente_id, id),
  unique (ente_id, number),
  foreign key (ente_id, payment_position_id) references payment_positions (ente_id, id),
  check ((channel = 'online') = (requester_user_id is not null and requester_fiscal_code is not null)),
  check ((channel = 'counter') = (operator_id is not null)),
  -- Issued and revoked certificates carry the document; one awaiting payment carries none yet.
  check ((status = 'awaiting_payment') = (pdf is null)),
  check ((pdf is null) = (pdf_sha256 is null) and (pdf is null) = (issued_at is null)),
  check ((status = 'revoked') = (revoked_at is not null and revoked_reason is not null)),
  check (status <> 'awaiting_payment' or payment_position_id is not null)
);
create index certificates_subject_idx on certificates (ente_id, subject_fiscal_code, requested_at desc);
create index certificates_requester_idx on certificates (ente_id, requester_fiscal_code, requested_at desc)
  where requester_fiscal_code is not null;
create index certificates_figures_idx on certificates (ente_id, type, issued_at) where issued_at is not null;
create unique index certificates_position_idx on certificates (ente_id, payment_position_id)
  where payment_position_id is not null;

-- The ente's seal: 'test' (made by the demo from the installation's test CA) or 'configured' (the ente's
-- qualified seal, a PKCS#12 uploaded by an administrator). Both values sealed with the seal secret.
create table certificate_seals (
  ente_id uuid not null references enti (id),
  kind text not null check (kind in ('test', 'configured')),
  p12_sealed text not null,
  passphrase_sealed text not null,
  cert_pem text not null,
  created_at timestamptz not null default now(),
  primary key (ente_id)
);

alter table certificate_counters enable row level security;
create policy tenant_isolation on certificate_counters to convergenza_app
  using (ente_id = app_current_ente()) with check (ente_id = app_current_ente());
grant select, insert, update on certificate_counters to convergenza_app;

alter table certificates enable row level security;
create policy tenant_isolation on certificates to convergenza_app
  using (ente_id = app_current_ente()) with check (ente_id = app_current_ente());
grant select, insert, update on certificates to convergenza_app;

alter table certificate_seals enable row level security;
create policy tenant_isolation on certificate_seals to convergenza_app
  using (ente_id = app_current_ente()) with check (ente_id = app_current_ente());
grant select, insert, update on certificate_seals to convergenza_app;
