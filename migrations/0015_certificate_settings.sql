-- The ente's certificate settings for production (issue 5, item 6): the authorisation to pay the stamp
-- duty virtually (art. 15 DPR 642/1972) printed on paid certificates, the coat of arms at the top of every
-- certificate, and the history of the seal certificates the ente has used (test or configured), so that a
-- certificate sealed before a seal was replaced still verifies: the public verification pins the signer
-- to this history. Validity, subject and issuer are read from cert_pem, the one source of truth (0013's
-- seals are carried over below in plain SQL, which cannot parse X.509).

create table certificate_settings (
  ente_id uuid not null references enti (id),
  -- "Autorizzazione … Ufficio di <office>, n. <number> del <date>": all three or none.
  stamp_office text check (length(stamp_office) between 2 and 80),
  stamp_authorisation_number text check (stamp_authorisation_number ~ '^[A-Za-z0-9][A-Za-z0-9/. -]{0,39}$'),
  stamp_authorisation_date date check (stamp_authorisation_date >= date '1973-01-01'),
  emblem bytea check (octet_length(emblem) between 1 and 524288),
  emblem_type text check (emblem_type in ('image/png', 'image/jpeg')),
  updated_at timestamptz not null default now(),
  primary key (ente_id),
  check ((stamp_office is null) = (stamp_authorisation_number is null)
    and (stamp_office is null) = (stamp_authorisation_date is null)),
  check ((emblem is null) = (emblem_type is null))
);

create table certificate_seal_history (
  ente_id uuid not null references enti (id),
  -- SHA-256 of the certificate's DER, lowercase hex.
  fingerprint text not null check (fingerprint ~ '^[0-9a-f]{64}$'),
  kind text not null check (kind in ('test', 'configured')),
  cert_pem text not null,
  in_use_from timestamptz not null default now(),
  -- null while it is the ente's current seal.
  in_use_to timestamptz,
  primary key (ente_id, fingerprint),
  check (in_use_to is null or in_use_to >= in_use_from)
);
create unique index certificate_seal_history_current_idx on certificate_seal_history (ente_id)
  where in_use_to is null;
-- The public verification asks which enti a signer certificate belongs to, across enti (as 0014 does
-- for numbers and hashes).
create index certificate_seal_history_fingerprint_idx on certificate_seal_history (fingerprint);

insert into certificate_seal_history (ente_id, fingerprint, kind, cert_pem, in_use_from)
select ente_id,
  encode(sha256(decode(regexp_replace(cert_pem, '-----[A-Z ]+-----|\s', '', 'g'), 'base64')), 'hex'),
  kind, cert_pem, created_at
from certificate_seals;

alter table certificate_settings enable row level security;
create policy tenant_isolation on certificate_settings to convergenza_app
  using (ente_id = app_current_ente()) with check (ente_id = app_current_ente());
grant select, insert, update on certificate_settings to convergenza_app;

alter table certificate_seal_history enable row level security;
create policy tenant_isolation on certificate_seal_history to convergenza_app
  using (ente_id = app_current_ente()) with check (ente_id = app_current_ente());
grant select, insert, update on certificate_seal_history to convergenza_app;
