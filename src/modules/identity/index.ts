// The identity module: staff accounts (password + TOTP), sessions pages; citizens' SPID/CIE login
// arrives here too.
import type { FastifyInstance } from 'fastify';
import { TtlCache } from '../../platform/cache.ts';
import type { AnyDb } from '../../platform/db/database.ts';
import type { EnteDirectory } from '../tenancy/index.ts';
import type { CitizenLoginDeps } from './citizen-login.ts';
import { EnterpriseClients } from './enterprise-login.ts';
import { enterprisePages } from './identity.enterprise.tsx';
import { citizenLoginPages } from './identity.oidc.tsx';
import { identityPages } from './identity.pages.tsx';
import { passwordResetPages } from './identity.password-reset.tsx';
import { profilePages } from './identity.profile.tsx';
import { samlLoginPages } from './identity.saml.tsx';
import { staffAdminPages } from './identity.staff-admin.tsx';
import { findProfile } from './profile.repo.ts';
import type { SpidServiceProvider } from './saml/service-provider.ts';

export { enterpriseRedirectUri } from './enterprise-login.ts';
export { invitationUrl } from './identity.mails.ts';
export type { StaffRole } from './identity.schema.ts';
export type { IdentityDeps } from './identity.service.ts';
export { inviteStaff } from './identity.service.ts';
export {
  entityConfiguration,
  type OidcProviderConfig,
  RelyingParty,
  type RpOptions,
  rpMetadata,
} from './oidc-rp.ts';
export { type IdentityProvider, parseIdpMetadata } from './saml/idp-metadata.ts';
export { DEFAULT_ATTRIBUTES, SpidServiceProvider } from './saml/service-provider.ts';
export { createServiceProvider } from './saml/setup.ts';
export { createSpCertificate } from './saml/sp-certificate.ts';

/** A user's fiscal code never changes (it is the identity SPID and CIE assert): kept a while per process. */
const fiscalCodes = new TtlCache<{ code: string | null }>(10 * 60_000, 10_000);

/** The fiscal code SPID or CIE gave for a citizen; null for staff, or when the provider gave none. */
export async function citizenFiscalCode(db: AnyDb, userId: string | undefined): Promise<string | null> {
  if (!userId) return null;
  const { code } = await fiscalCodes.through(userId, async () => {
    const profile = await findProfile(db, userId);
    return { code: profile?.kind === 'citizen' ? profile.fiscalNumber : null };
  });
  return code;
}

export async function identityModule(
  app: FastifyInstance,
  deps: CitizenLoginDeps & {
    publicUrl: string;
    secureCookies: boolean;
    entityConfiguration: () => Promise<string>;
    sp?: SpidServiceProvider;
    directory: EnteDirectory;
    /** Plain-http enterprise identity providers (the sandbox's); never in production. */
    allowHttpIssuers: boolean;
  },
): Promise<void> {
  identityPages(app, deps);
  citizenLoginPages(app, deps);
  staffAdminPages(app, deps);
  enterprisePages(app, { ...deps, clients: new EnterpriseClients(deps) });
  profilePages(app, deps);
  passwordResetPages(app, deps);
  if (deps.sp) samlLoginPages(app, { ...deps, sp: deps.sp });
}
