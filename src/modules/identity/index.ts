// The identity module: staff accounts (password + TOTP), sessions pages; citizens' SPID/CIE login
// arrives here too.
import type { FastifyInstance } from 'fastify';
import { identityPages } from './identity.pages.tsx';
import type { IdentityDeps } from './identity.service.ts';

export type { StaffRole } from './identity.schema.ts';
export type { IdentityDeps } from './identity.service.ts';
export { inviteStaff } from './identity.service.ts';

export async function identityModule(
  app: FastifyInstance,
  deps: IdentityDeps & { secureCookies: boolean },
): Promise<void> {
  identityPages(app, deps);
}

/** The address of the page where an invited person activates the account. */
export const invitationUrl = (publicUrl: string, token: string) => `${publicUrl}/accedi/invito?t=${token}`;
