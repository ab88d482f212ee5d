// Tables and types of the identity area.
import type { ColumnType, Generated, JSONColumnType } from 'kysely';
import type { Role } from '../../platform/auth/policy.ts';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export type IdentityTables = {
  users: {
    id: Generated<string>;
    kind: 'citizen' | 'staff';
    display_name: string;
    given_name: string | null;
    family_name: string | null;
    fiscal_number: string | null;
    email: string | null;
    email_verified_at: Date | null;
    phone: string | null;
    lang: Generated<'it' | 'en'>;
    io_consent: Generated<boolean>;
    created_at: Generated<Date>;
    updated_at: Generated<Date>;
  };
  user_identities: {
    provider: string;
    subject: string;
    user_id: string;
    created_at: Generated<Date>;
    last_login_at: Date | null;
  };
  staff_accounts: {
    user_id: string;
    home_ente_id: string;
    email: string;
    password_hash: string | null;
    totp_secret: string | null;
    totp_confirmed_at: Date | null;
    totp_last_step: number | null;
    failed_logins: Generated<number>;
    locked_until: Date | null;
    created_at: Generated<Date>;
  };
  staff_grants: {
    ente_id: string;
    user_id: string;
    role: Exclude<Role, 'citizen'>;
    areas: JSONColumnType<string[] | null, string | null, string | null>;
    granted_by: string;
    created_at: Generated<Date>;
  };
  auth_tokens: {
    token_hash: string;
    purpose: TokenPurpose;
    user_id: string | null;
    data: JSONColumnType<Record<string, unknown>, string, string>;
    expires_at: Timestamp;
    used_at: Date | null;
    created_at: Generated<Date>;
  };
};

export type TokenPurpose =
  | 'invitation'
  | 'password-reset'
  | 'email-verification'
  | 'totp-challenge'
  | 'oidc-login';
export type StaffRole = Exclude<Role, 'citizen'>;

export interface StaffAccount {
  userId: string;
  homeEnteId: string;
  email: string;
  displayName: string;
  passwordHash: string | null;
  totpSecret: string | null;
  totpConfirmed: boolean;
  failedLogins: number;
  lockedUntil: Date | null;
}
