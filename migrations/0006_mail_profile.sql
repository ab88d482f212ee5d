-- Outgoing e-mail and the sandbox's test mailbox. A message waits in mail_outbox, written in the same
-- transaction as the change that causes it together with its delivery job; the job removes it once
-- delivered, so no address or one-time link lingers after delivery. The citizen profile and staff
-- password reset use the existing users and auth_tokens tables.

create table mail_outbox (
  ente_id uuid not null references enti (id),
  id uuid not null default gen_random_uuid(),
  recipient text not null check (recipient ~ '^[^@\s]+@[^@\s]+$' and length(recipient) <= 254),
  subject text not null check (length(subject) between 1 and 300 and subject !~ '[\r\n]'),
  text_body text not null,
  html_body text,
  created_at timestamptz not null default now(),
  primary key (ente_id, id)
);

-- Messages "delivered" by the sandbox transport (SANDBOX=true without SMTP_URL), shown at /sandbox/posta.
-- The id is the outbox message's: a delivery repeated after a crash is stored once.
create table sandbox_mailbox (
  ente_id uuid not null references enti (id),
  id uuid not null,
  sender text not null,
  recipient text not null,
  subject text not null,
  text_body text not null,
  html_body text,
  delivered_at timestamptz not null default now(),
  primary key (ente_id, id)
);
create index sandbox_mailbox_recent_idx on sandbox_mailbox (ente_id, delivered_at desc);

alter table mail_outbox enable row level security;
create policy tenant_isolation on mail_outbox to convergenza_app
  using (ente_id = app_current_ente()) with check (ente_id = app_current_ente());
grant select, insert, delete on mail_outbox to convergenza_app;

alter table sandbox_mailbox enable row level security;
create policy tenant_isolation on sandbox_mailbox to convergenza_app
  using (ente_id = app_current_ente()) with check (ente_id = app_current_ente());
grant select, insert on sandbox_mailbox to convergenza_app;
