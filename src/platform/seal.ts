// Secrets kept at rest sealed with AES-256-GCM under a key derived from the installation's seal secret
// (platformSecret 'seal'): "v1.<iv>.<tag>.<ciphertext>", base64url. The same format and derivation as
// identity's credentials, so any module can read what another sealed with the same key material.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

const keyOf = (keyMaterial: string) =>
  createHash('sha256').update(`convergenza-seal:${keyMaterial}`).digest();

export function seal(plain: string, keyMaterial: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyOf(keyMaterial), iv);
  const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return ['v1', iv, cipher.getAuthTag(), data]
    .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
    .join('.');
}

/** The plain text; throws when the format is unknown or the text was sealed with another key. */
export function unseal(sealed: string, keyMaterial: string): string {
  const [version, iv, tag, data] = sealed.split('.');
  if (version !== 'v1' || !iv || !tag || !data) throw new Error('unknown sealed format');
  const decipher = createDecipheriv('aes-256-gcm', keyOf(keyMaterial), Buffer.from(iv, 'base64url'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
}
