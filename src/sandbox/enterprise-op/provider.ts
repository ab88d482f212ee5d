// A test enterprise identity provider, like the one an ente runs for its staff (Microsoft Entra ID,
// Keycloak…): plain OpenID Connect, authorization code with PKCE, client_secret_basic or
// client_secret_post, e-mail and profile claims. Built on oidc-provider. It offers synthetic staff only.
import type { JWK } from 'jose';
import Provider, { type ClientMetadata } from 'oidc-provider';

export interface SandboxStaff {
  id: string;
  givenName: string;
  familyName: string;
  email: string;
  emailVerified: boolean;
}

/** Synthetic staff of the demo comuni: e-mail addresses that the demo's invitations can use. */
export const SANDBOX_STAFF: readonly SandboxStaff[] = [
  {
    id: 'rita',
    givenName: 'Rita',
    familyName: 'Operatrice',
    email: 'rita.operatrice@comune.jesolo.example.it',
    emailVerified: true,
  },
  {
    id: 'marco',
    givenName: 'Marco',
    familyName: 'Amministratore',
    email: 'marco.amministratore@comune.jesolo.example.it',
    emailVerified: true,
  },
  {
    id: 'luisa',
    givenName: 'Luisa',
    familyName: 'Sportello',
    email: 'luisa.sportello@comune.jesolo.example.it',
    emailVerified: true,
  },
  {
    id: 'paolo',
    givenName: 'Paolo',
    familyName: 'Nonverificato',
    email: 'paolo.nonverificato@comune.jesolo.example.it',
    emailVerified: false,
  },
  {
    id: 'sara',
    givenName: 'Sara',
    familyName: 'Consulente',
    email: 'sara.consulente@studio-esterno.example.org',
    emailVerified: true,
  },
];

export const findStaff = (id: string) => SANDBOX_STAFF.find((p) => p.id === id);

export interface EnterpriseProviderOptions {
  issuer: string;
  signingKey: JWK;
  cookieKey: string;
  clients: ClientMetadata[];
}

export function createEnterpriseProvider(options: EnterpriseProviderOptions): Provider {
  const provider = new Provider(options.issuer, {
    clients: options.clients,
    jwks: { keys: [options.signingKey] },
    // Its own cookie names: the test SPID/CIE providers on the same host use the default ones.
    cookies: {
      keys: [options.cookieKey],
      names: { session: '_ente_session', interaction: '_ente_interaction', resume: '_ente_resume' },
    },
    pkce: { required: () => true },
    // How the person authenticated (amr: 'pwd', or with 'mfa') travels in the ID token.
    claims: {
      openid: ['sub', 'auth_time', 'amr'],
      email: ['email', 'email_verified'],
      profile: ['name', 'given_name', 'family_name'],
    },
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: { enabled: false },
    },
    clientAuthMethods: ['client_secret_basic', 'client_secret_post'],
    interactions: {
      url: (_ctx, interaction) => `${new URL(options.issuer).pathname}/interaction/${interaction.uid}`,
    },
    findAccount: async (_ctx, id) => {
      const person = findStaff(id);
      if (!person) return undefined;
      return {
        accountId: id,
        claims: async () => ({
          sub: id,
          email: person.email,
          email_verified: person.emailVerified,
          name: `${person.givenName} ${person.familyName}`,
          given_name: person.givenName,
          family_name: person.familyName,
        }),
      };
    },
    renderError: async (ctx, out) => {
      ctx.type = 'text/plain; charset=utf-8';
      ctx.body = `Ambiente di test – errore del sistema di accesso dell'ente: ${out.error}${out.error_description ? ` (${out.error_description})` : ''}`;
    },
    ttl: {
      Interaction: 600,
      Session: 3600,
      Grant: 3600,
      AccessToken: 600,
      AuthorizationCode: 60,
      IdToken: 600,
    },
  });
  provider.proxy = true;
  return provider;
}
