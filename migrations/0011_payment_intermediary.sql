-- The pagoPA intermediary through which an ente reaches the platform (often the SAD, acting as
-- "intermediario tecnologico" for its comuni): its fiscal code and the station (idStazione) it
-- connects with. Both optional: an ente that is its own intermediary leaves them empty.
alter table payment_settings add column intermediary_fiscal_code text
  check (intermediary_fiscal_code ~ '^[0-9]{11}$');
alter table payment_settings add column station_id text
  check (station_id ~ '^[0-9]{11}_[0-9]{2}$');
