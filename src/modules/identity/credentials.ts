// Staff credentials: argon2id password hashes (hash-wasm: WebAssembly, no native build), TOTP second
// factor (RFC 6238, otpauth), and TOTP secrets sealed at rest with AES-256-GCM.
import { randomBytes } from 'node:crypto';
import { argon2id, argon2Verify } from 'hash-wasm';
import { Secret, TOTP } from 'otpauth';

// OWASP's argon2id baseline: 19 MiB, 2 passes, 1 lane.
const ARGON2 = { memorySize: 19_456, iterations: 2, parallelism: 1, hashLength: 32 };

export async function hashPassword(password: string): Promise<string> {
  return argon2id({ ...ARGON2, password, salt: randomBytes(16), outputType: 'encoded' });
}

export async function verifyPassword(password: string, hash: string): Promise<boolean> {
  try {
    return await argon2Verify({ password, hash });
  } catch {
    return false;
  }
}

/** Passwords: at least 12 characters, not only letters or only digits. */
export function passwordProblem(password: string): 'too-short' | 'too-simple' | null {
  if (password.length < 12) return 'too-short';
  if (/^[a-zA-Z]+$/.test(password) || /^\d+$/.test(password)) return 'too-simple';
  return null;
}

export const newTotpSecret = () => new Secret({ size: 20 }).base32;

function totp(secret: string, label: string) {
  return new TOTP({ issuer: 'Convergenza', label, algorithm: 'SHA1', digits: 6, period: 30, secret });
}

/** The otpauth:// URI an authenticator app reads from the QR code. */
export const totpUri = (secret: string, label: string) => totp(secret, label).toString();

/** The code of the current 30-second step, or of a neighbouring one (for tests). */
export const totpNow = (secret: string, stepOffset = 0) =>
  totp(secret, 'x').generate({ timestamp: Date.now() + stepOffset * 30_000 });

/**
 * The 30-second time step a code belongs to (the current one or a neighbour, for clock drift), or null
 * when the code is wrong. Callers refuse a step already used, so each code works once.
 */
export function totpStep(secret: string, code: string, now = Date.now()): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const delta = totp(secret, 'x').validate({ token: code, window: 1, timestamp: now });
  return delta === null ? null : Math.floor(now / 30_000) + delta;
}

export const verifyTotp = (secret: string, code: string) => totpStep(secret, code) !== null;

// Secrets at rest (TOTP secrets, provider tokens) are sealed with the platform's helper.
export { seal, unseal } from '../../platform/seal.ts';

/** Seconds to wait after n consecutive failures: none for 2, then 30 s doubling, at most one hour. */
export function lockoutSeconds(failures: number): number {
  if (failures < 3) return 0;
  return Math.min(30 * 2 ** (failures - 3), 3600);
}
