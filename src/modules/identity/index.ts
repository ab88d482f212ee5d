// The identity module: staff accounts (password + TOTP), sessions pages; citizens' SPID/CIE login
// arrives here too.
import type { FastifyInstance } from 'fastify';
import type { CitizenLoginDeps } from './citizen-login.ts';
import { citizenLoginPages } from './identity.oidc.tsx';
import { identityPages } from './identity.pages.tsx';

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

export async function identityModule(
  app: FastifyInstance,
  deps: CitizenLoginDeps & {
    publicUrl: string;
    secureCookies: boolean;
    entityConfiguration: () => Promise<string>;
  },
): Promise<void> {
  identityPages(app, deps);
  citizenLoginPages(app, deps);
}

/** The address of the page where an invited person activates the account. */
export const invitationUrl = (publicUrl: string, token: string) => `${publicUrl}/accedi/invito?t=${token}`;
