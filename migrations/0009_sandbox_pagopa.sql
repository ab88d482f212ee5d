-- The pagoPA sandbox (src/sandbox/pagopa, mounted only with SANDBOX=true): the state of the local
-- stand-in for pagoPA's GPD debt positions, its receipts service and Checkout. pagoPA keys everything by
-- the creditor's fiscal code (organizationFiscalCode), and so do these tables: they are the external
-- platform's data, not an ente's, so they have no ente_id and no row-level security, and the application
-- role gets no grant on them (only the sandbox reads them, platform-wide, as the owner role).

-- Debt positions as created through GPD v1 (the PaymentPositionModel sent, read-only fields left out).
create table sandbox_pagopa_positions (
  organization_fiscal_code text not null check (organization_fiscal_code ~ '^[0-9]{11}$'),
  iupd text not null check (length(iupd) between 1 and 256),
  status text not null check (status in
    ('DRAFT', 'PUBLISHED', 'VALID', 'INVALID', 'EXPIRED', 'PARTIALLY_PAID', 'PAID', 'REPORTED')),
  model jsonb not null,
  validity_date timestamptz,
  inserted_at timestamptz not null default now(),
  published_at timestamptz,
  payment_date timestamptz,
  updated_at timestamptz not null default now(),
  primary key (organization_fiscal_code, iupd)
);

-- Payment options: one IUV and one notice number (nav) each, unique per creditor as in GPD.
create table sandbox_pagopa_options (
  organization_fiscal_code text not null,
  iuv text not null check (length(iuv) between 1 and 35),
  iupd text not null,
  nav text not null,
  amount_cents bigint not null check (amount_cents > 0),
  is_partial_payment boolean not null,
  due_date timestamptz not null,
  status text not null default 'PO_UNPAID' check (status in ('PO_UNPAID', 'PO_PAID')),
  payment_date timestamptz,
  receipt_id text,
  psp_company text,
  primary key (organization_fiscal_code, iuv),
  foreign key (organization_fiscal_code, iupd) references sandbox_pagopa_positions
);
create unique index sandbox_pagopa_options_nav_idx on sandbox_pagopa_options (organization_fiscal_code, nav);
create index sandbox_pagopa_options_position_idx on sandbox_pagopa_options (organization_fiscal_code, iupd);

-- Receipts (paSendRTV2 documents), as the receipts service lists and returns them; delivered_at is set
-- once the platform's notification endpoint has answered 202 (the delivery job retries until then).
create table sandbox_pagopa_receipts (
  organization_fiscal_code text not null,
  iuv text not null,
  receipt_id text not null unique,
  debtor text not null,
  payment_date_time timestamptz not null,
  document text not null,
  created_at timestamptz not null default now(),
  delivered_at timestamptz,
  primary key (organization_fiscal_code, iuv),
  foreign key (organization_fiscal_code, iuv) references sandbox_pagopa_options
);
create index sandbox_pagopa_receipts_date_idx
  on sandbox_pagopa_receipts (organization_fiscal_code, payment_date_time, iuv);

-- Checkout carts (POST /checkout/ec/v1/carts): the request as sent, and how the tester closed it.
create table sandbox_pagopa_carts (
  id uuid primary key default gen_random_uuid(),
  request jsonb not null,
  status text not null default 'open' check (status in ('open', 'paid', 'cancelled', 'failed')),
  created_at timestamptz not null default now(),
  closed_at timestamptz,
  check ((status = 'open') = (closed_at is null))
);
