-- pagoPA payments (issue 4): each ente's settings and catalogue of payable items, the IUV counters,
-- debt positions with their payment options (single payment or instalments) and transfers, the receipts
-- pagoPA sends (idempotent by receipt id) and the operators' worklist of receipts that need a person.
-- Money is always in integer euro cents. Rows of payments are never deleted: a position is cancelled.

create table payment_settings (
  ente_id uuid not null references enti (id),
  -- The creditor ente's fiscal code as pagoPA knows it (organizationFiscalCode).
  creditor_fiscal_code text not null check (creditor_fiscal_code ~ '^[0-9]{11}$'),
  -- Assigned by pagoPA to the ente's station; IUVs are 3 + segregation + base(13) + check(2).
  segregation_code text not null check (segregation_code ~ '^[0-9]{2}$'),
  iban text not null check (iban ~ '^IT[0-9]{2}[A-Z][0-9]{10}[0-9A-Z]{12}$'),
  postal_account text check (postal_account ~ '^[0-9]{12}$'),
  cbill text check (cbill ~ '^[A-Z0-9]{5}$'),
  -- GPD subscription key (Ocp-Apim-Subscription-Key), sealed with AES-256-GCM: "v1.<iv>.<tag>.<data>".
  gpd_key text check (gpd_key ~ '^v1\.'),
  -- Receipts polling fallback: receipts dated up to this day have been looked at.
  receipts_polled_until date,
  updated_by text not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (ente_id)
);
-- A receipt names its creditor by fiscal code: the one lookup not led by ente_id (like ente_hosts_host_idx).
create unique index payment_settings_creditor_idx on payment_settings (creditor_fiscal_code);

create table payment_items (
  ente_id uuid not null references enti (id),
  code text not null check (code ~ '^[A-Z0-9][A-Z0-9_-]{1,31}$'),
  label text not null check (length(label) between 2 and 140),
  kind text not null check (kind in ('service_fee', 'stamp_duty', 'school_canteen', 'fine', 'other')),
  default_amount_cents bigint check (default_amount_cents between 1 and 99999999),
  -- pagoPA taxonomy of collection services (tassonomia), e.g. 0101101IM; transfers carry 9/<code>/.
  taxonomy text not null check (taxonomy ~ '^[0-9]{7}[A-Z]{2}$'),
  active boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (ente_id, code)
);

-- The last IUV base given out per (ente, segregation code): UPDATE … RETURNING in the creating
-- transaction, so concurrent creations never share a number and a rollback leaves no gap.
create table payment_iuv_counters (
  ente_id uuid not null references enti (id),
  segregation_code text not null check (segregation_code ~ '^[0-9]{2}$'),
  last_base bigint not null check (last_base between 0 and 9999999999999),
  primary key (ente_id, segregation_code)
);

create table payment_positions (
  ente_id uuid not null references enti (id),
  id uuid not null default gen_random_uuid(),
  iupd text not null check (iupd ~ '^[A-Za-z0-9_.-]{1,60}$'),
  -- Who asked for the payment: a module and its own reference (a certificate request, an import row…).
  source_module text not null check (source_module ~ '^[a-z][a-z0-9_-]{1,40}$'),
  source_ref text not null check (length(source_ref) between 1 and 200),
  item_code text,
  debtor_type text not null check (debtor_type in ('F', 'G')),
  debtor_fiscal_code text not null check (debtor_fiscal_code ~ '^([A-Z0-9]{16}|[0-9]{11}|ANONIMO)$'),
  debtor_name text not null check (length(debtor_name) between 1 and 140),
  debtor_email text check (length(debtor_email) <= 254),
  description text not null check (length(description) between 1 and 140),
  -- The latest due date of its options: past it, an unpaid position expires.
  due_date date not null,
  status text not null default 'pending' check (status in ('pending', 'paid', 'expired', 'cancelled', 'failed')),
  -- Where the position stands on pagoPA's GPD: queued (to publish), published, invalidated (after a
  -- cancellation), withdrawn (cancelled before it was published), failed (GPD refused it).
  gpd_state text not null default 'queued'
    check (gpd_state in ('queued', 'published', 'invalidated', 'withdrawn', 'failed')),
  gpd_attempts integer not null default 0,
  gpd_error text,
  gpd_synced_at timestamptz,
  created_by text not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  paid_at timestamptz,
  primary key (ente_id, id),
  foreign key (ente_id, item_code) references payment_items (ente_id, code),
  check ((status = 'paid') = (paid_at is not null))
);
create unique index payment_positions_iupd_idx on payment_positions (ente_id, iupd);
-- One live position per source reference: asking twice gives the same position.
create unique index payment_positions_source_idx on payment_positions (ente_id, source_module, source_ref)
  where status in ('pending', 'paid');
create index payment_positions_debtor_idx on payment_positions (ente_id, debtor_fiscal_code, created_at desc);
create index payment_positions_status_idx on payment_positions (ente_id, status, created_at desc);
create index payment_positions_due_idx on payment_positions (ente_id, due_date) where status = 'pending';

-- Payment options: one single payment, and/or instalments (is_instalment); each has its IUV and notice.
create table payment_options (
  ente_id uuid not null,
  iuv text not null check (iuv ~ '^[0-9]{17}$'),
  position_id uuid not null,
  seq smallint not null check (seq between 1 and 100),
  notice_number text not null check (notice_number = '3' || iuv),
  is_instalment boolean not null,
  amount_cents bigint not null check (amount_cents between 1 and 99999999),
  description text not null check (length(description) between 1 and 140),
  due_date date not null,
  status text not null default 'unpaid' check (status in ('unpaid', 'paid')),
  paid_at timestamptz,
  receipt_id text,
  primary key (ente_id, iuv),
  foreign key (ente_id, position_id) references payment_positions (ente_id, id),
  unique (ente_id, position_id, seq),
  check ((status = 'paid') = (paid_at is not null and receipt_id is not null))
);

-- Transfers (1..5 per option): who receives what, on an IBAN, a postal IBAN or as a digital stamp.
create table payment_transfers (
  ente_id uuid not null,
  iuv text not null,
  transfer_id smallint not null check (transfer_id between 1 and 5),
  amount_cents bigint not null check (amount_cents between 1 and 99999999),
  remittance text not null check (length(remittance) between 1 and 140),
  taxonomy text not null check (taxonomy ~ '^[0-9]{7}[A-Z]{2}$'),
  -- Another creditor of a multi-beneficiary payment (null: the ente itself).
  beneficiary_fiscal_code text check (beneficiary_fiscal_code ~ '^[0-9]{11}$'),
  iban text check (iban ~ '^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}$'),
  postal_iban text check (postal_iban ~ '^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}$'),
  stamp_type text check (stamp_type ~ '^[0-9]{2}$'),
  stamp_hash text check (length(stamp_hash) between 1 and 72),
  stamp_province text check (stamp_province ~ '^[A-Z]{2}$'),
  primary key (ente_id, iuv, transfer_id),
  foreign key (ente_id, iuv) references payment_options (ente_id, iuv),
  check ((stamp_hash is null) = (stamp_type is null) and (stamp_hash is null) = (stamp_province is null)),
  check ((stamp_hash is null) <> (iban is null and postal_iban is null))
);

-- An option's transfers add up to its amount: checked at commit, once the option and its transfers exist.
create or replace function payment_transfers_balance() returns trigger
  language plpgsql
  as $$
declare
  v_ente uuid := coalesce(new.ente_id, old.ente_id);
  v_iuv text := coalesce(new.iuv, old.iuv);
  v_amount bigint;
  v_sum bigint;
begin
  select amount_cents into v_amount from payment_options where ente_id = v_ente and iuv = v_iuv;
  if v_amount is null then
    return null;
  end if;
  select coalesce(sum(amount_cents), 0) into v_sum from payment_transfers where ente_id = v_ente and iuv = v_iuv;
  if v_sum <> v_amount then
    raise exception 'transfers of IUV % add up to % cents, the option is % cents', v_iuv, v_sum, v_amount
      using errcode = '23514';
  end if;
  return null;
end $$;
create constraint trigger payment_options_balance after insert or update of amount_cents on payment_options
  deferrable initially deferred for each row execute function payment_transfers_balance();
create constraint trigger payment_transfers_balance after insert or update or delete on payment_transfers
  deferrable initially deferred for each row execute function payment_transfers_balance();

-- Receipts (ricevute telematiche) as pagoPA sent them, once each: the receipt id is the idempotency key.
create table payment_receipts (
  ente_id uuid not null references enti (id),
  receipt_id text not null check (length(receipt_id) between 1 and 100),
  iuv text not null check (length(iuv) between 1 and 35),
  notice_number text,
  position_id uuid,
  outcome text not null check (outcome in ('OK', 'KO')),
  amount_cents bigint not null,
  payment_at timestamptz,
  psp_name text,
  debtor_fiscal_code text,
  via text not null check (via in ('notification', 'polling')),
  -- What reconciliation made of it: paid an option, or why it did not.
  result text not null
    check (result in ('paid', 'ko', 'unknown_iuv', 'amount_mismatch', 'already_paid', 'position_closed')),
  xml text not null,
  received_at timestamptz not null default now(),
  primary key (ente_id, receipt_id),
  foreign key (ente_id, position_id) references payment_positions (ente_id, id)
);
create index payment_receipts_iuv_idx on payment_receipts (ente_id, iuv);
create index payment_receipts_recent_idx on payment_receipts (ente_id, received_at desc);

-- Receipts an operator must look at: unknown IUV (nothing credited), amount mismatch, paid twice,
-- paid after cancellation.
create table payment_receipt_issues (
  ente_id uuid not null,
  receipt_id text not null,
  kind text not null check (kind in ('unknown_iuv', 'amount_mismatch', 'already_paid', 'position_closed')),
  created_at timestamptz not null default now(),
  resolved_at timestamptz,
  resolved_by text,
  note text check (length(note) <= 1000),
  primary key (ente_id, receipt_id),
  foreign key (ente_id, receipt_id) references payment_receipts (ente_id, receipt_id),
  check ((resolved_at is null) = (resolved_by is null))
);
create index payment_receipt_issues_open_idx on payment_receipt_issues (ente_id, created_at)
  where resolved_at is null;

-- Row-level security for the application role: an ente sees and writes only its own rows.
alter table payment_settings enable row level security;
create policy tenant_isolation on payment_settings to convergenza_app
  using (ente_id = app_current_ente()) with check (ente_id = app_current_ente());
grant select, insert, update on payment_settings to convergenza_app;

alter table payment_items enable row level security;
create policy tenant_isolation on payment_items to convergenza_app
  using (ente_id = app_current_ente()) with check (ente_id = app_current_ente());
grant select, insert, update on payment_items to convergenza_app;

alter table payment_iuv_counters enable row level security;
create policy tenant_isolation on payment_iuv_counters to convergenza_app
  using (ente_id = app_current_ente()) with check (ente_id = app_current_ente());
grant select, insert, update on payment_iuv_counters to convergenza_app;

alter table payment_positions enable row level security;
create policy tenant_isolation on payment_positions to convergenza_app
  using (ente_id = app_current_ente()) with check (ente_id = app_current_ente());
grant select, insert, update on payment_positions to convergenza_app;

alter table payment_options enable row level security;
create policy tenant_isolation on payment_options to convergenza_app
  using (ente_id = app_current_ente()) with check (ente_id = app_current_ente());
grant select, insert, update on payment_options to convergenza_app;

alter table payment_transfers enable row level security;
create policy tenant_isolation on payment_transfers to convergenza_app
  using (ente_id = app_current_ente()) with check (ente_id = app_current_ente());
grant select, insert on payment_transfers to convergenza_app;

alter table payment_receipts enable row level security;
create policy tenant_isolation on payment_receipts to convergenza_app
  using (ente_id = app_current_ente()) with check (ente_id = app_current_ente());
grant select, insert on payment_receipts to convergenza_app;

alter table payment_receipt_issues enable row level security;
create policy tenant_isolation on payment_receipt_issues to convergenza_app
  using (ente_id = app_current_ente()) with check (ente_id = app_current_ente());
grant select, insert, update on payment_receipt_issues to convergenza_app;
