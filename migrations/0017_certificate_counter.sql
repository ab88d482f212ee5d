-- Counter issuing (issue 5, item 9): at the registry office the stamp duty is usually paid with a
-- "contrassegno telematico" (marca da bollo) stuck on the request; the operator records its 14-digit
-- identification number, which can serve one certificate only, in any comune of the installation (the
-- number is unique nationally). The back office lists an ente's certificates newest first.
alter table certificates add column stamp_duty_mark text check (stamp_duty_mark ~ '^[0-9]{14}$');
alter table certificates add constraint certificates_mark_counter_only
  check (stamp_duty_mark is null or (channel = 'counter' and exemption_code is null));
create unique index certificates_mark_idx on certificates (stamp_duty_mark)
  where stamp_duty_mark is not null;
create index certificates_requested_idx on certificates (ente_id, requested_at desc);
