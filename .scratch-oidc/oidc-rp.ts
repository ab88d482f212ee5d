// The platform as relying party of SPID and CIE OpenID Providers (italia/spid-cie-oidc-docs):
// signed request object, PKCE S256, private_key_jwt, acr_values, claims request, nonce and state,
// signed and encrypted userinfo, token revocation at logout. Built on openid-client.
import * as oidc from 'openid-client';
import type { KeyPair } from '../../platform/keys.ts';

export const FISCAL_NUMBER = 'https://attributes.eid.gov.it/fiscal_number';
export const SPID_LEVELS = [
  'https://www.spid.gov.it/SpidL1',
  'https://www.spid.gov.it/SpidL2',
  'https://www.spid.gov.it/SpidL3',
];

export interface OidcProviderConfig {
  /** Short name used in URLs and as the identity provider key: 'spid', 'cie'. */
  id: 'spid' | 'cie';
  label: string;
  issuer: string;
}

export interface RpOptions {
  publicUrl: string;
  signing: KeyPair;
  encryption: KeyPair;
}

export const rpClientId = (publicUrl: string) => `${publicUrl}/oidc/rp`;
export const rpRedirectUri = (publicUrl: string) => `${publicUrl}/accedi/oidc/callback`;

/** The RP's registration as the providers see it (in the federation: its entity configuration). */
export function rpMetadata(options: RpOptions) {
  return {
    client_id: rpClientId(options.publicUrl),
    redirect_uris: [rpRedirectUri(options.publicUrl)],
    response_types: ['code'],
    grant_types: ['authorization_code'],
    token_endpoint_auth_method: 'private_key_jwt',
    token_endpoint_auth_signing_alg: 'RS256',
    id_token_signed_response_alg: 'RS256',
    userinfo_signed_response_alg: 'RS256',
    userinfo_encrypted_response_alg: 'RSA-OAEP-256',
    userinfo_encrypted_response_enc: 'A256CBC-HS512',
    request_object_signing_alg: 'RS256',
    require_signed_request_object: true,
    subject_type: 'pairwise',
    jwks: { keys: [options.signing.publicJwk, options.encryption.publicJwk] },
  };
}

export interface PendingLogin {
  provider: OidcProviderConfig['id'];
  state: string;
  nonce: string;
  codeVerifier: string;
  acr: string;
  next: string;
}

export interface VerifiedLogin {
  subject: string;
  acr: string;
  accessToken: string;
  claims: {
    givenName: string | null;
    familyName: string | null;
    email: string | null;
    fiscalNumber: string | null;
  };
}

export class RelyingParty {
  #configs = new Map<string, Promise<oidc.Configuration>>();

  constructor(
    private readonly options: RpOptions,
    readonly providers: OidcProviderConfig[],
  ) {}

  provider(id: string): OidcProviderConfig | undefined {
    return this.providers.find((p) => p.id === id);
  }

  /** The provider's configuration, discovered once per process. */
  #config(provider: OidcProviderConfig): Promise<oidc.Configuration> {
    let config = this.#configs.get(provider.id);
    if (!config) {
      const { signing, encryption } = this.options;
      const insecure = provider.issuer.startsWith('http://');
      config = oidc
        .discovery(
          new URL(provider.issuer),
          rpClientId(this.options.publicUrl),
          rpMetadata(this.options),
          oidc.PrivateKeyJwt({ key: signing.privateKey, kid: signing.kid }),
          insecure ? { execute: [oidc.allowInsecureRequests] } : {},
        )
        .then((c) => {
          oidc.enableNonRepudiationChecks(c);
          const userinfoEndpoint = c.serverMetadata().userinfo_endpoint;
          c[oidc.customFetch] = async (url, options) => {
            const response = await fetch(url, options);
            if (url === userinfoEndpoint && response.ok) {
              const body = await response.clone().text();
              if (body.split('.').length !== 5) throw new Error('userinfo is not encrypted for the relying party (JWE expected)');
            }
            return response;
          };
          oidc.enableDecryptingResponses(c, ['A256CBC-HS512', 'A128CBC-HS256'], {
            key: encryption.privateKey,
            kid: encryption.kid,
            alg: 'RSA-OAEP-256',
          });
          return c;
        });
      config.catch(() => this.#configs.delete(provider.id));
      this.#configs.set(provider.id, config);
    }
    return config;
  }

  /** Where to send the browser, and what to remember until it comes back. */
  async start(
    providerId: OidcProviderConfig['id'],
    next: string,
    level = 2,
  ): Promise<{ url: string; pending: PendingLogin }> {
    const provider = this.provider(providerId)!;
    const config = await this.#config(provider);
    const codeVerifier = oidc.randomPKCECodeVerifier();
    const codeChallenge = await oidc.calculatePKCECodeChallenge(codeVerifier);
    // SPID wants state and nonce of at least 32 random characters.
    const state = oidc.randomState() + oidc.randomState();
    const nonce = oidc.randomNonce() + oidc.randomNonce();
    const acr = SPID_LEVELS[level - 1]!;
    const params = {
      redirect_uri: rpRedirectUri(this.options.publicUrl),
      response_type: 'code',
      scope: 'openid',
      code_challenge: codeChallenge,
      code_challenge_method: 'S256',
      state,
      nonce,
      prompt: 'consent login',
      acr_values: acr,
      claims: JSON.stringify({
        userinfo: { given_name: null, family_name: null, email: null, [FISCAL_NUMBER]: { essential: true } },
      }),
      ui_locales: 'it',
    };
    const url = await oidc.buildAuthorizationUrlWithJAR(config, params, {
      key: this.options.signing.privateKey,
      kid: this.options.signing.kid,
    });
    // The SPID profile also wants these outside the request object, with the same values.
    for (const name of ['response_type', 'scope', 'code_challenge', 'code_challenge_method'] as const) {
      url.searchParams.set(name, params[name]);
    }
    return { url: url.href, pending: { provider: providerId, state, nonce, codeVerifier, acr, next } };
  }

  /** Checks the provider's answer and reads who logged in. Throws on anything that does not verify. */
  async finish(pending: PendingLogin, callbackUrl: URL): Promise<VerifiedLogin> {
    const provider = this.provider(pending.provider)!;
    const config = await this.#config(provider);
    const tokens = await oidc.authorizationCodeGrant(config, callbackUrl, {
      pkceCodeVerifier: pending.codeVerifier,
      expectedNonce: pending.nonce,
      expectedState: pending.state,
      idTokenExpected: true,
    });
    const idToken = tokens.claims()!;
    const acr = String(idToken.acr ?? '');
    if (SPID_LEVELS.indexOf(acr) < SPID_LEVELS.indexOf(pending.acr)) {
      throw new Error(`authentication level ${acr || 'none'} is below the one requested`);
    }
    const info = await oidc.fetchUserInfo(config, tokens.access_token, idToken.sub);
    const text = (name: string) => (typeof info[name] === 'string' ? (info[name] as string) : null);
    const fiscal = text(FISCAL_NUMBER) ?? text('https://attributes.spid.gov.it/fiscal_number');
    return {
      subject: idToken.sub,
      acr,
      accessToken: tokens.access_token,
      claims: {
        givenName: text('given_name'),
        familyName: text('family_name'),
        email: text('email'),
        fiscalNumber: fiscal ? fiscal.replace(/^TINIT-/, '') : null,
      },
    };
  }

  /** Revokes the access token at the provider (SPID: this also ends the provider's session). */
  async revoke(providerId: string, accessToken: string): Promise<void> {
    const provider = this.provider(providerId);
    if (!provider) return;
    await oidc.tokenRevocation(await this.#config(provider), accessToken);
  }

  issuerOf(providerId: string): string {
    return this.provider(providerId)!.issuer;
  }
}
