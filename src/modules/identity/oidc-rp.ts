// The platform as relying party of SPID and CIE OpenID Providers (italia/spid-cie-oidc-docs):
// signed request object, PKCE S256, private_key_jwt, acr_values, claims request, nonce and state,
// signed and encrypted userinfo, token revocation at logout. Built on openid-client.
import { createHash } from 'node:crypto';
import { compactDecrypt, createRemoteJWKSet, decodeJwt, type JSONWebKeySet, jwtVerify } from 'jose';
import * as oidc from 'openid-client';
import type { KeyPair } from '../../platform/keys.ts';
import { sameEntity, signEntityConfiguration, validTrustMarks, verifyTrustChain } from './federation.ts';

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
  /**
   * The federation's trust anchor: providers are then trusted through their trust chain (as SPID and
   * CIE require) instead of plain OpenID discovery.
   */
  trustAnchor?: { id: string; jwks: JSONWebKeySet } | null;
}

export interface FederationOptions {
  /** The federation key: different from the OpenID Connect keys, as the profile recommends. */
  key: KeyPair;
  organizationName: string;
  contacts: string[];
  authorityHints: string[];
  trustMarks: { id: string; trust_mark: string }[];
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

/** The RP's signed entity configuration, served at <client_id>/.well-known/openid-federation. */
export function entityConfiguration(options: RpOptions, federation: FederationOptions): Promise<string> {
  const { publicUrl } = options;
  const { require_signed_request_object: _, subject_type: __, ...oidcMetadata } = rpMetadata(options);
  return signEntityConfiguration(rpClientId(publicUrl), federation.key, {
    metadata: {
      federation_entity: {
        organization_name: federation.organizationName,
        homepage_uri: publicUrl,
        policy_uri: `${publicUrl}/privacy`,
        logo_uri: `${publicUrl}/favicon.svg`,
        contacts: federation.contacts,
      },
      openid_relying_party: {
        ...oidcMetadata,
        client_registration_types: ['automatic'],
        client_name: federation.organizationName,
      },
    },
    authority_hints: federation.authorityHints,
    trust_marks: federation.trustMarks,
  });
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

/** The ID token's at_hash for an access token (RS256/PS256/ES256: left half of its SHA-256). */
export function atHash(accessToken: string): string {
  const digest = createHash('sha256').update(accessToken).digest();
  return digest.subarray(0, digest.length / 2).toString('base64url');
}

export class RelyingParty {
  #configs = new Map<string, { config: Promise<oidc.Configuration>; until: number }>();
  #providerKeys = new Map<string, ReturnType<typeof createRemoteJWKSet>>();

  constructor(
    private readonly options: RpOptions,
    readonly providers: OidcProviderConfig[],
  ) {}

  provider(id: string): OidcProviderConfig | undefined {
    return this.providers.find((p) => p.id === id);
  }

  /** The provider's configuration: through its trust chain when a trust anchor is set, else discovery. */
  #config(provider: OidcProviderConfig): Promise<oidc.Configuration> {
    const cached = this.#configs.get(provider.id);
    if (cached && cached.until > Date.now()) return cached.config;
    const config = (this.options.trustAnchor ? this.#federated(provider) : this.#discovered(provider)).then(
      ({ config, until }) => {
        this.#configs.set(provider.id, { config: Promise.resolve(config), until });
        return config;
      },
    );
    config.catch(() => this.#configs.delete(provider.id));
    this.#configs.set(provider.id, { config, until: Number.POSITIVE_INFINITY });
    return config;
  }

  #clientAuth() {
    return oidc.PrivateKeyJwt({ key: this.options.signing.privateKey, kid: this.options.signing.kid });
  }

  async #discovered(provider: OidcProviderConfig) {
    const insecure = provider.issuer.startsWith('http://');
    const config = await oidc.discovery(
      new URL(provider.issuer),
      rpClientId(this.options.publicUrl),
      rpMetadata(this.options),
      this.#clientAuth(),
      insecure ? { execute: [oidc.allowInsecureRequests] } : {},
    );
    return { config: this.#harden(config), until: Number.POSITIVE_INFINITY };
  }

  /**
   * OpenID Federation: the provider's entity configuration, the trust anchor's statement about it and
   * the trust anchor's own configuration form the chain; the provider metadata is the chain's result.
   */
  async #federated(provider: OidcProviderConfig) {
    const anchor = this.options.trustAnchor!;
    const get = async (url: string) => {
      const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
      if (!response.ok) throw new Error(`${url} answered ${response.status}`);
      return (await response.text()).trim();
    };
    const [leaf, anchorConfiguration] = await Promise.all([
      get(`${provider.issuer}/.well-known/openid-federation`),
      get(`${anchor.id}/.well-known/openid-federation`),
    ]);
    const fetchEndpoint = (
      decodeJwt(anchorConfiguration) as {
        metadata?: { federation_entity?: { federation_fetch_endpoint?: string } };
      }
    ).metadata?.federation_entity?.federation_fetch_endpoint;
    if (!fetchEndpoint) throw new Error('the trust anchor has no fetch endpoint');
    const statement = await get(`${fetchEndpoint}?sub=${encodeURIComponent(provider.issuer)}`);
    const now = new Date();
    const chain = await verifyTrustChain([leaf, statement, anchorConfiguration], anchor, now);
    // A provider takes part in SPID/CIE only with a trust mark of the federation (in its configuration
    // or in its superior's statement about it).
    const marks = [
      ...(await validTrustMarks(chain.leaf, anchor, now)),
      ...(await validTrustMarks(chain.statements[0]!, anchor, now)),
    ];
    if (marks.length === 0) throw new Error(`${provider.issuer} has no valid trust mark of the federation`);
    const server = chain.metadata.openid_provider as unknown as oidc.ServerMetadata | undefined;
    if (!server || !sameEntity(server.issuer, provider.issuer)) {
      throw new Error(`the trust chain of ${provider.issuer} carries no matching openid_provider metadata`);
    }
    const config = new oidc.Configuration(
      server,
      rpClientId(this.options.publicUrl),
      rpMetadata(this.options),
      this.#clientAuth(),
    );
    if (provider.issuer.startsWith('http://')) oidc.allowInsecureRequests(config);
    return { config: this.#harden(config), until: chain.exp * 1000 };
  }

  /** Verify the provider's signature on every JWT (ID token), not only its claims. */
  #harden(config: oidc.Configuration) {
    oidc.enableNonRepudiationChecks(config);
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
    if (idToken.at_hash !== undefined && idToken.at_hash !== atHash(tokens.access_token)) {
      throw new Error('the ID token "at_hash" does not match the access token');
    }
    const info = await this.#userinfo(config, tokens.access_token, idToken.sub);
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

  /**
   * The userinfo as the SPID/CIE profile requires it: a JWE for the RP (RSA-OAEP-256 or RSA-OAEP,
   * A256CBC-HS512 or A128CBC-HS256, cty JWT) wrapping a JWS signed by the provider for this client and
   * this subject. Served as application/jwt (reference OP) or application/jose (the docs' example).
   */
  async #userinfo(config: oidc.Configuration, accessToken: string, subject: string) {
    const metadata = config.serverMetadata();
    const response = await oidc.fetchProtectedResource(
      config,
      accessToken,
      new URL(metadata.userinfo_endpoint!),
      'GET',
    );
    const type = (response.headers.get('content-type') ?? '').split(';')[0]!.trim();
    if (!response.ok || !['application/jwt', 'application/jose'].includes(type)) {
      throw new Error(`userinfo answered ${response.status} ${type || 'without a content type'}`);
    }
    const body = (await response.text()).trim();
    if (body.split('.').length !== 5)
      throw new Error('the userinfo is not encrypted for the relying party (JWE expected)');
    const { plaintext, protectedHeader } = await compactDecrypt(body, this.options.encryption.privateKey, {
      keyManagementAlgorithms: ['RSA-OAEP-256', 'RSA-OAEP'],
      contentEncryptionAlgorithms: ['A256CBC-HS512', 'A128CBC-HS256'],
    });
    if (String(protectedHeader.cty).toUpperCase() !== 'JWT')
      throw new Error('the userinfo JWE does not carry a JWT');
    let keys = this.#providerKeys.get(metadata.issuer);
    if (!keys) {
      keys = createRemoteJWKSet(new URL(metadata.jwks_uri!));
      this.#providerKeys.set(metadata.issuer, keys);
    }
    const { payload } = await jwtVerify(new TextDecoder().decode(plaintext), keys, {
      issuer: metadata.issuer,
      audience: rpClientId(this.options.publicUrl),
      algorithms: ['RS256', 'RS512', 'PS256', 'PS512', 'ES256', 'ES512'],
    });
    if (payload.sub !== subject) throw new Error('the userinfo "sub" differs from the ID token\'s');
    return payload as Record<string, unknown>;
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
