-- Import of a comune's population registry from a file uploaded by a registry office operator
-- (docs/registry-import.md): the upload and each of its records, so that the job that writes them into
-- the registry tables (0012) can stop and resume anywhere, the page shows progress, and every record keeps
-- its outcome (created, updated, unchanged, or its errors with row and column).

create table registry_imports (
  ente_id uuid not null references enti (id),
  id uuid not null default gen_random_uuid(),
  file_name text not null check (length(file_name) between 1 and 255),
  -- SHA-256 of the file as uploaded: the page tells when the same file was imported before.
  file_sha256 text not null check (file_sha256 ~ '^[0-9a-f]{64}$'),
  format text not null check (format in ('csv', 'json')),
  status text not null default 'queued' check (status in ('queued', 'running', 'done')),
  rows_total integer not null check (rows_total between 1 and 1000000),
  created_by text not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  finished_at timestamptz,
  primary key (ente_id, id),
  check ((status = 'done') = (finished_at is not null))
);
create index registry_imports_recent_idx on registry_imports (ente_id, created_at desc);

-- One record of the file (a CSV row or an element of a JSON array), its cells by column name as read,
-- then what the import made of it. Records are applied phase by phase (1 families, 2 persons, 3 marriages,
-- civil unions and cohabitation contracts), so that references resolve whatever the order in the file.
create table registry_import_rows (
  ente_id uuid not null,
  import_id uuid not null,
  -- CSV: the line in the spreadsheet (the header is line 1). JSON: the record's ordinal in the document.
  row_number integer not null check (row_number >= 1),
  -- JSON only: where the record is (a JSON Pointer such as /persone/3).
  locator text,
  kind text not null,
  phase smallint not null check (phase between 1 and 3),
  -- The natural key (fiscal code, family number, parties and date), and the earlier record of the file
  -- with the same key (its row number or JSON Pointer): a repeated record is reported, not applied twice.
  record_key text not null,
  repeats text,
  -- Personal data kept only until the record is applied.
  cells jsonb,
  outcome text not null default 'queued'
    check (outcome in ('queued', 'created', 'updated', 'unchanged', 'error')),
  -- [{ "field": column name, "rule": reason, "other": the row it repeats }] when outcome = 'error'.
  errors jsonb,
  primary key (ente_id, import_id, row_number),
  foreign key (ente_id, import_id) references registry_imports (ente_id, id),
  check ((outcome = 'error') = (errors is not null)),
  check ((outcome = 'queued') = (cells is not null))
);
create index registry_import_rows_queued_idx on registry_import_rows (ente_id, import_id, phase, row_number)
  where outcome = 'queued';

alter table registry_imports enable row level security;
create policy tenant_isolation on registry_imports to convergenza_app
  using (ente_id = app_current_ente()) with check (ente_id = app_current_ente());
grant select, insert, update on registry_imports to convergenza_app;

alter table registry_import_rows enable row level security;
create policy tenant_isolation on registry_import_rows to convergenza_app
  using (ente_id = app_current_ente()) with check (ente_id = app_current_ente());
grant select, insert, update on registry_import_rows to convergenza_app;
