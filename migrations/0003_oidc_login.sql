-- Citizens' login with SPID and CIE over OpenID Connect: the pending login's state lives in a one-time
-- token; the provider's access token is kept (sealed) with the session to revoke it at logout.
alter table auth_tokens drop constraint auth_tokens_purpose_check;
alter table auth_tokens add constraint auth_tokens_purpose_check
  check (purpose in ('invitation', 'password-reset', 'email-verification', 'totp-challenge', 'oidc-login'));

alter table sessions add column provider_token text;

-- A pending login belongs to nobody yet.
alter table auth_tokens alter column user_id drop not null;
alter table auth_tokens add constraint auth_tokens_user_check check (user_id is not null or purpose = 'oidc-login');
