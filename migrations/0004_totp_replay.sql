-- A TOTP code works once: the time step of the last accepted code is kept, and codes of that step or
-- earlier are refused.
alter table staff_accounts add column totp_last_step bigint;
