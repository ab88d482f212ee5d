// A test OpenID Provider that behaves like a SPID or CIE provider of the OpenID Connect profile
// (italia/spid-cie-oidc-docs): authorization code with PKCE S256, signed request object required,
// private_key_jwt, SPID acr values, claims only through the `claims` parameter, pairwise subjects,
// userinfo signed then encrypted (JWE with cty JWT), token revocation. Built on oidc-provider.
import { createHash } from 'node:crypto';
import type { JWK } from 'jose';
import Provider, { type ClientMetadata } from 'oidc-provider';
import { type DemoCitizen, findCitizen } from './people.ts';

export const SPID_ACR = [
  'https://www.spid.gov.it/SpidL1',
  'https://www.spid.gov.it/SpidL2',
  'https://www.spid.gov.it/SpidL3',
];
export const FISCAL_NUMBER = 'https://attributes.eid.gov.it/fiscal_number';

const CLAIMS = ['given_name', 'family_name', 'email', 'birthdate', 'gender', FISCAL_NUMBER];

export interface ProviderOptions {
  issuer: string;
  signingKey: JWK;
  cookieKey: string;
  clients: ClientMetadata[];
}

function claimsOf(person: DemoCitizen, sub: string): { sub: string; [claim: string]: unknown } {
  return {
    sub,
    given_name: person.given_name,
    family_name: person.family_name,
    email: person.email,
    birthdate: person.birth_date,
    gender: person.sex === 'F' ? 'female' : 'male',
    ...(person.fiscal_code ? { [FISCAL_NUMBER]: `TINIT-${person.fiscal_code}` } : {}),
  };
}

export function createProvider(options: ProviderOptions): Provider {
  const provider = new Provider(options.issuer, {
    clients: options.clients,
    jwks: { keys: [options.signingKey] },
    cookies: { keys: [options.cookieKey] },
    pkce: { required: () => true },
    acrValues: SPID_ACR,
    subjectTypes: ['pairwise'],
    pairwiseIdentifier: async (_ctx, accountId, client) =>
      createHash('sha256')
        .update(`${client.sectorIdentifier}|${accountId}|convergenza-sandbox`)
        .digest('base64url'),
    // Attributes are released only when asked for by the `claims` parameter (SPID rule).
    claims: { openid: ['sub'], spid: CLAIMS },
    scopes: ['openid', 'offline_access'],
    features: {
      devInteractions: { enabled: false },
      claimsParameter: { enabled: true },
      requestObjects: { enabled: true, requireSignedRequestObject: true },
      encryption: { enabled: true },
      jwtUserinfo: { enabled: true },
      revocation: {
        enabled: true,
        allowedPolicy: async (_ctx, client, token) => token.clientId === client.clientId,
      },
      rpInitiatedLogout: { enabled: false },
    },
    enabledJWA: {
      userinfoEncryptionAlgValues: ['RSA-OAEP', 'RSA-OAEP-256'],
      userinfoEncryptionEncValues: ['A128CBC-HS256', 'A256CBC-HS512'],
      requestObjectSigningAlgValues: ['RS256', 'RS512', 'PS256', 'ES256'],
      clientAuthSigningAlgValues: ['RS256', 'RS512', 'PS256', 'ES256'],
      idTokenSigningAlgValues: ['RS256'],
      userinfoSigningAlgValues: ['RS256'],
    },
    clientAuthMethods: ['private_key_jwt'],
    interactions: {
      url: (_ctx, interaction) => `${new URL(options.issuer).pathname}/interaction/${interaction.uid}`,
    },
    findAccount: async (_ctx, id) => {
      const person = findCitizen(id);
      if (!person) return undefined;
      return { accountId: id, claims: async (_use, _scope, _claims, _rejected) => claimsOf(person, id) };
    },
    renderError: async (ctx, out) => {
      ctx.type = 'text/plain; charset=utf-8';
      ctx.body = `Ambiente di test – errore dell'identity provider: ${out.error}${out.error_description ? ` (${out.error_description})` : ''}`;
    },
    ttl: {
      Interaction: 600,
      Session: 3600,
      Grant: 3600,
      AccessToken: 3600,
      AuthorizationCode: 60,
      IdToken: 3600,
    },
  });
  provider.proxy = true;
  return provider;
}
