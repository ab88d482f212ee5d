// The relying party against a fake OpenID Provider made here, on loopback: each test serves the genuine
// SPID answer with one thing wrong, and the login must be refused. The genuine answer must pass.
import { createHash, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CompactEncrypt, type CryptoKey, exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KeyPair } from '../../platform/keys.ts';
import { FISCAL_NUMBER, type PendingLogin, RelyingParty, rpClientId, SPID_LEVELS } from './oidc-rp.ts';

const PUBLIC_URL = 'https://rp.example';
const CLIENT_ID = rpClientId(PUBLIC_URL);
const ACCESS_TOKEN = 'access-token-for-the-test';
const SUBJECT = 'pairwise-subject-1';

async function keyPair(kid: string, alg: 'RS256' | 'RSA-OAEP-256'): Promise<KeyPair> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true, modulusLength: 2048 });
  const use = alg === 'RS256' ? 'sig' : 'enc';
  return {
    kid,
    alg,
    privateKey,
    publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use },
    privateJwk: { ...(await exportJWK(privateKey)), kid, alg, use },
  };
}

type Claims = Record<string, unknown>;

/** What the fake provider answers: the genuine answer, with the test's changes. */
interface Answer {
  idClaims?: Claims;
  /** Signs the ID token (default: the provider's key). */
  signIdToken?: (claims: Claims) => Promise<string>;
  userinfoClaims?: Claims;
  /** Makes the userinfo body from its claims (default: JWS by the provider in a JWE for the RP). */
  userinfo?: (claims: Claims) => Promise<string>;
  /** Content type of the userinfo (default application/jwt, as the reference provider sends). */
  userinfoType?: string;
}

let server: Server;
let issuer: string;
let opKey: KeyPair;
let strangerKey: KeyPair;
let rpSigning: KeyPair;
let rpEncryption: KeyPair;
let current: { nonce: string; answer: Answer };

const sign = (claims: Claims, key: KeyPair, typ = 'JWT') =>
  new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: key.kid, typ }).sign(key.privateKey);

/** `alg: none`: header and payload, no signature. */
const unsigned = (claims: Claims) =>
  `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.`;

const encryptForRp = async (jws: string, key = rpEncryption.publicJwk) =>
  new CompactEncrypt(new TextEncoder().encode(jws))
    .setProtectedHeader({ alg: 'RSA-OAEP-256', enc: 'A256CBC-HS512', cty: 'JWT', kid: key.kid })
    .encrypt(key as JWK & CryptoKey);

async function idToken(): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const atHash = createHash('sha256').update(ACCESS_TOKEN).digest().subarray(0, 16).toString('base64url');
  const claims = {
    iss: issuer,
    sub: SUBJECT,
    aud: CLIENT_ID,
    acr: SPID_LEVELS[1],
    at_hash: atHash,
    iat: now,
    nbf: now,
    exp: now + 300,
    jti: randomUUID(),
    nonce: current.nonce,
    ...current.answer.idClaims,
  };
  return (current.answer.signIdToken ?? ((c) => sign(c, opKey)))(claims);
}

async function userinfo(): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const claims = {
    iss: issuer,
    aud: CLIENT_ID,
    sub: SUBJECT,
    iat: now,
    exp: now + 300,
    given_name: 'Giulia',
    family_name: 'Zanetti',
    email: 'giulia.zanetti@example.it',
    [FISCAL_NUMBER]: 'TINIT-ZNTGLI84C52L736W',
    ...current.answer.userinfoClaims,
  };
  return (current.answer.userinfo ?? (async (c) => encryptForRp(await sign(c, opKey))))(claims);
}

function startProvider(): Server {
  return createServer(async (req, res) => {
    const send = (type: string, body: string) => res.writeHead(200, { 'content-type': type }).end(body);
    const json = (body: unknown) => send('application/json', JSON.stringify(body));
    switch (new URL(req.url!, issuer).pathname) {
      case '/.well-known/openid-configuration':
        return json({
          issuer,
          authorization_endpoint: `${issuer}/auth`,
          token_endpoint: `${issuer}/token`,
          userinfo_endpoint: `${issuer}/userinfo`,
          revocation_endpoint: `${issuer}/revoke`,
          jwks_uri: `${issuer}/jwks`,
          response_types_supported: ['code'],
          subject_types_supported: ['pairwise'],
          id_token_signing_alg_values_supported: ['RS256'],
          userinfo_signing_alg_values_supported: ['RS256'],
          userinfo_encryption_alg_values_supported: ['RSA-OAEP-256'],
          userinfo_encryption_enc_values_supported: ['A256CBC-HS512'],
          code_challenge_methods_supported: ['S256'],
          token_endpoint_auth_methods_supported: ['private_key_jwt'],
          acr_values_supported: SPID_LEVELS,
          authorization_response_iss_parameter_supported: true,
        });
      case '/jwks':
        return json({ keys: [opKey.publicJwk] });
      case '/token':
        req.resume();
        return json({
          access_token: ACCESS_TOKEN,
          token_type: 'Bearer',
          expires_in: 300,
          id_token: await idToken(),
        });
      case '/userinfo':
        return send(current.answer.userinfoType ?? 'application/jwt', await userinfo());
      default:
        res.writeHead(404).end();
    }
  });
}

beforeAll(async () => {
  [opKey, strangerKey, rpSigning, rpEncryption] = await Promise.all([
    keyPair('op-sig-1', 'RS256'),
    keyPair('op-sig-2', 'RS256'),
    keyPair('rp-sig', 'RS256'),
    keyPair('rp-enc', 'RSA-OAEP-256'),
  ]);
  server = startProvider();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.close();
});

/** One login: start, the provider answers `answer`, the browser comes back to `callback`. */
async function login(answer: Answer = {}, callback?: (pending: PendingLogin) => string) {
  const rp = new RelyingParty({ publicUrl: PUBLIC_URL, signing: rpSigning, encryption: rpEncryption }, [
    { id: 'spid', label: 'SPID', issuer },
  ]);
  const { pending } = await rp.start('spid', '/jesolo/area-personale', 2);
  current = { nonce: pending.nonce, answer };
  const query = callback?.(pending) ?? `code=x&state=${pending.state}&iss=${encodeURIComponent(issuer)}`;
  return rp.finish(pending, new URL(`${PUBLIC_URL}/accedi/oidc/callback?${query}`));
}

/** Why the login was refused: openid-client's message and its causes ('accepted' if it was not). */
async function refusal(answer: Answer, callback?: (pending: PendingLogin) => string): Promise<string> {
  const reasons = (error: unknown): string =>
    error instanceof Error ? `${error.message} | ${reasons(error.cause)}` : '';
  return login(answer, callback).then(
    () => 'accepted',
    (error) => reasons(error),
  );
}

describe('OpenID Connect relying party (SPID/CIE profile)', () => {
  it('accepts the genuine answer and reads the fiscal number without TINIT-', async () => {
    const verified = await login();
    expect(verified).toEqual({
      subject: SUBJECT,
      acr: SPID_LEVELS[1],
      accessToken: ACCESS_TOKEN,
      claims: {
        givenName: 'Giulia',
        familyName: 'Zanetti',
        email: 'giulia.zanetti@example.it',
        fiscalNumber: 'ZNTGLI84C52L736W',
      },
    });
  });

  it('also accepts the userinfo served as application/jose (the profile example), and an unknown type never', async () => {
    expect((await login({ userinfoType: 'application/jose' })).claims.fiscalNumber).toBe('ZNTGLI84C52L736W');
    expect(await refusal({ userinfoType: 'text/html' })).toMatch(/userinfo answered 200 text\/html/);
  });

  it('refuses a callback whose state is not the one sent', async () => {
    const wrongState = (p: PendingLogin) =>
      `code=x&state=${p.state.slice(1)}x&iss=${encodeURIComponent(issuer)}`;
    expect(await refusal({}, wrongState)).toMatch(/unexpected "state" response parameter/);
  });

  it('refuses a callback whose iss parameter names another provider (mix-up)', async () => {
    const otherIss = (p: PendingLogin) => `code=x&state=${p.state}&iss=https%3A%2F%2Fidp.evil.example`;
    expect(await refusal({}, otherIss)).toMatch(/"iss" \(issuer\) response parameter/);
  });

  const expired = { iat: 1_700_000_000, nbf: 1_700_000_000, exp: 1_700_000_600 };
  const idTokenCases: [string, Answer, RegExp][] = [
    ["an at_hash that is not the access token's", { idClaims: { at_hash: 'A'.repeat(22) } }, /at_hash/],
    ['a nonce that is not the one sent', { idClaims: { nonce: 'n'.repeat(64) } }, /ID Token "nonce" claim/],
    [
      'an issuer that is not the provider',
      { idClaims: { iss: 'https://idp.evil.example' } },
      /"iss" \(issuer\) claim/,
    ],
    [
      'an audience that is not this RP',
      { idClaims: { aud: 'https://rp2.example/oidc/rp' } },
      /"aud" \(audience\) claim/,
    ],
    ['an expiry in the past', { idClaims: expired }, /"exp" \(expiration time\) claim/],
    ['no signature (alg: none)', { signIdToken: async (c) => unsigned(c) }, /JWT "alg" header/],
    [
      'a signature by a key not in the provider JWKS',
      { signIdToken: (c) => sign(c, strangerKey) },
      /key|signature/i,
    ],
    ['a level below the one requested', { idClaims: { acr: SPID_LEVELS[0] } }, /below the one requested/],
  ];
  it.each(idTokenCases)('refuses an ID token with %s', async (_name, answer, reason) => {
    expect(await refusal(answer)).toMatch(reason);
  });

  const userinfoCases: [string, Answer, RegExp][] = [
    ['about another subject than the ID token', { userinfoClaims: { sub: 'someone-else' } }, /"sub" differs/],
    ['signed but not encrypted for the RP', { userinfo: (c) => sign(c, opKey) }, /encrypt|JWE/i],
    [
      'encrypted for the RP but signed by a key not in the provider JWKS',
      { userinfo: async (c) => encryptForRp(await sign(c, strangerKey)) },
      /key|signature/i,
    ],
    ['encrypted for the RP but unsigned', { userinfo: async (c) => encryptForRp(unsigned(c)) }, /"alg"/],
  ];
  it.each(userinfoCases)('refuses a userinfo %s', async (_name, answer, reason) => {
    expect(await refusal(answer)).toMatch(reason);
  });
});
