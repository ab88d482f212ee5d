import { describe, expect, it } from 'vitest';
import {
  hashPassword,
  lockoutSeconds,
  newTotpSecret,
  passwordProblem,
  seal,
  totpNow,
  unseal,
  verifyPassword,
  verifyTotp,
} from './credentials.ts';

describe('staff credentials', () => {
  it('hashes passwords with argon2id and verifies only the right one', async () => {
    const hash = await hashPassword('correct horse battery 9');
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await verifyPassword('correct horse battery 9', hash)).toBe(true);
    expect(await verifyPassword('correct horse battery 8', hash)).toBe(false);
    expect(await verifyPassword('anything', 'not-a-hash')).toBe(false);
    expect(await hashPassword('correct horse battery 9')).not.toBe(hash); // salted
  });

  it('refuses short or trivial passwords', () => {
    expect(passwordProblem('short1')).toBe('too-short');
    expect(passwordProblem('onlylettersherethen')).toBe('too-simple');
    expect(passwordProblem('123456789012345')).toBe('too-simple');
    expect(passwordProblem('lettere e 12 cifre')).toBeNull();
  });

  it('checks TOTP codes of the current step only (with one step of drift)', () => {
    const secret = newTotpSecret();
    expect(verifyTotp(secret, totpNow(secret))).toBe(true);
    expect(verifyTotp(newTotpSecret(), totpNow(secret))).toBe(false);
    expect(verifyTotp(secret, '12345')).toBe(false);
    expect(verifyTotp(secret, 'abcdef')).toBe(false);
  });

  it('seals secrets so that only the same key opens them, and detects tampering', () => {
    const sealed = seal('JBSWY3DPEHPK3PXP', 'key-one');
    expect(sealed).not.toContain('JBSWY3DPEHPK3PXP');
    expect(unseal(sealed, 'key-one')).toBe('JBSWY3DPEHPK3PXP');
    expect(() => unseal(sealed, 'key-two')).toThrow();
    const parts = sealed.split('.');
    const first = parts[3]![0] === 'A' ? 'B' : 'A';
    parts[3] = `${first}${parts[3]!.slice(1)}`;
    expect(() => unseal(parts.join('.'), 'key-one')).toThrow();
  });

  it('backs off after repeated failures, up to an hour', () => {
    expect([1, 2, 3, 4, 5, 20].map(lockoutSeconds)).toEqual([0, 0, 30, 60, 120, 3600]);
  });
});
