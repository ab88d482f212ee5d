// Long-lived key pairs of the installation (OpenID Connect signing and encryption keys…), created once
// and kept as private JWKs in platform_secrets, so every process and every restart uses the same ones.
import { exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import type { Db } from './db/database.ts';
import { platformSecretWith } from './secrets.repo.ts';

export interface KeyPair {
  kid: string;
  alg: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
  privateJwk: JWK;
}

export async function platformKeyPair(db: Db, name: string, alg: 'RS256' | 'RSA-OAEP-256'): Promise<KeyPair> {
  const stored = await platformSecretWith(db, `jwk:${name}`, async () => {
    const { privateKey } = await generateKeyPair(alg, { extractable: true, modulusLength: 2048 });
    const jwk = await exportJWK(privateKey);
    return JSON.stringify({
      ...jwk,
      kid: `${name}-${Date.now().toString(36)}`,
      alg,
      use: alg === 'RS256' ? 'sig' : 'enc',
    });
  });
  const privateJwk = JSON.parse(stored) as JWK;
  const { kty, n, e, kid, use } = privateJwk;
  const publicJwk: JWK = { kty, n, e, kid, alg, use };
  return {
    kid: privateJwk.kid!,
    alg,
    privateKey: (await importJWK(privateJwk, alg)) as CryptoKey,
    publicJwk,
    privateJwk,
  };
}
