-- Bulk import of debt positions from a CSV file uploaded by an operator (docs/payments-import.md): the
-- upload and each of its rows, so that the job that creates the positions can stop and resume anywhere,
-- the page shows progress, and every row keeps its outcome (created, already imported, or its errors).

create table payment_imports (
  ente_id uuid not null references enti (id),
  id uuid not null default gen_random_uuid(),
  file_name text not null check (length(file_name) between 1 and 255),
  -- SHA-256 of the file as uploaded: the page tells when the same file was imported before.
  file_sha256 text not null check (file_sha256 ~ '^[0-9a-f]{64}$'),
  status text not null default 'queued' check (status in ('queued', 'running', 'done')),
  rows_total integer not null check (rows_total between 1 and 100000),
  created_by text not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  finished_at timestamptz,
  primary key (ente_id, id),
  check ((status = 'done') = (finished_at is not null))
);
create index payment_imports_recent_idx on payment_imports (ente_id, created_at desc);

-- One row of the file: its cells by column name as read, then what the import made of it. Rows sharing
-- an IUPD form one position (its instalments) and are created, or refused, together.
create table payment_import_rows (
  ente_id uuid not null,
  import_id uuid not null,
  -- The line in the spreadsheet: the header is line 1, the first data row line 2.
  row_number integer not null check (row_number >= 2),
  iupd text not null,
  cells jsonb not null,
  outcome text not null default 'queued' check (outcome in ('queued', 'created', 'skipped', 'error')),
  -- [{ "field": column name, "rule": reason }] when outcome = 'error'.
  errors jsonb,
  position_id uuid,
  primary key (ente_id, import_id, row_number),
  foreign key (ente_id, import_id) references payment_imports (ente_id, id),
  foreign key (ente_id, position_id) references payment_positions (ente_id, id),
  check ((outcome = 'error') = (errors is not null))
);
create index payment_import_rows_queued_idx on payment_import_rows (ente_id, import_id, iupd)
  where outcome = 'queued';

alter table payment_imports enable row level security;
create policy tenant_isolation on payment_imports to convergenza_app
  using (ente_id = app_current_ente()) with check (ente_id = app_current_ente());
grant select, insert, update on payment_imports to convergenza_app;

alter table payment_import_rows enable row level security;
create policy tenant_isolation on payment_import_rows to convergenza_app
  using (ente_id = app_current_ente()) with check (ente_id = app_current_ente());
grant select, insert, update on payment_import_rows to convergenza_app;
