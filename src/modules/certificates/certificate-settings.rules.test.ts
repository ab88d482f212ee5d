// The rules of the certificate settings without a database: which seal keys may seal, the stamp-duty
// authorisation's fields, and which images make a coat of arms (a PNG is decoded in full: a broken one
// must be refused at upload, never reach pdfkit while issuing).
import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { KeyUsageFlags } from '@peculiar/asn1-x509';
import { describe, expect, it } from 'vitest';
import { emblemPng } from '../payments/pdf-tools.test-support.ts';
import { inspectEmblem } from './certificate-settings.emblem.ts';
import {
  certificateProblem,
  checkStampAuthorisation,
  inspectSealFile,
} from './certificate-settings.rules.ts';
import { reissued } from './certificate-settings.test-support.ts';
import { createTestCa, issueTestSeal } from './seal/test-ca.ts';

const PASS = 'passphrase-di-prova';

/** An 8-bit RGB PNG of `width` × `height` whose image data (filter bytes included) is `raw`. */
function png(width: number, height: number, raw: Buffer): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const frame = Buffer.alloc(8);
    frame.writeUInt32BE(data.length, 0);
    frame.writeUInt32BE(zlib.crc32(body), 4);
    return Buffer.concat([frame.subarray(0, 4), body, frame.subarray(4)]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from('89504e470d0a1a0a', 'hex'),
    chunk('IHDR', header),
    chunk('IDAT', zlib.deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

describe('seal keys', () => {
  const qtsp = createTestCa('Prova QTSP');
  const configured = issueTestSeal(qtsp, { enteName: 'Comune di Jesolo', vatNumber: '00608720272' }, PASS);

  it('accepts RSA ≥ 2048 and EC P-256/P-384 keys that may sign, nothing else', () => {
    const problem = (change: Parameters<typeof reissued>[3]) =>
      certificateProblem(new X509Certificate(reissued(qtsp, configured, PASS, change).certPem), new Date());
    expect(problem({})).toBeNull();
    expect(problem({ ecCurve: 'prime256v1' })).toBeNull();
    expect(problem({ ecCurve: 'secp384r1' })).toBeNull();
    expect(problem({ ecCurve: 'secp521r1' })).toBe('keyType');
    expect(problem({ rsaBits: 1024 })).toBe('keyType');
    expect(problem({ keyUsage: KeyUsageFlags.nonRepudiation })).toBeNull();
    expect(problem({ keyUsage: KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign })).toBe('keyUsage');
  });
});

describe('stamp-duty authorisation', () => {
  it('checks the authorisation’s fields', () => {
    const today = '2026-06-01';
    expect(
      checkStampAuthorisation(
        { office: 'Ufficio di  Venezia ', number: 'n. 2019/1234', date: '15/03/2019' },
        today,
      ),
    ).toEqual({ value: { office: 'Venezia', number: '2019/1234', date: '2019-03-15' }, issues: [] });
    const bad = checkStampAuthorisation({ office: '<b>', number: '#1', date: '31/02/2020' }, today).issues;
    expect(bad.map((i) => [i.field, i.problem])).toEqual([
      ['office', 'office'],
      ['number', 'authorisationNumber'],
      ['date', 'date'],
    ]);
    const later = checkStampAuthorisation({ office: '', number: '', date: '2026-06-02' }, today).issues;
    expect(later.map((i) => i.problem)).toEqual(['required', 'required', 'futureDate']);
  });
});

describe('coat of arms', () => {
  it('takes a PNG or a JPEG of sane size, nothing else', () => {
    const png = emblemPng(40, 48);
    expect(inspectEmblem(png)).toEqual({ type: 'image/png', width: 40, height: 48 });
    const jpeg = Buffer.from(
      'ffd8ffe000104a46494600010100000100010000ffc0001108004000300301220002110103110100',
      'hex',
    );
    expect(inspectEmblem(jpeg)).toEqual({ type: 'image/jpeg', width: 48, height: 64 });
    const problem = (bytes: Buffer | null) => {
      const found = inspectEmblem(bytes);
      return 'issues' in found ? found.issues[0]!.problem : null;
    };
    const corrupt = Buffer.from(png);
    corrupt[png.length - 20] = corrupt[png.length - 20]! ^ 0xff;
    expect(problem(corrupt)).toBe('imageFormat');
    expect(problem(Buffer.from('GIF89a……'))).toBe('imageFormat');
    expect(problem(emblemPng(8, 8))).toBe('imageSize');
    expect(problem(emblemPng(200, 20))).toBe('imageSize');
    expect(problem(Buffer.concat([png, Buffer.alloc(600 * 1024)]))).toBe('tooLarge');
    expect(problem(null)).toBe('noFile');
  });

  it('refuses a PNG whose image data would not decode, even with valid checksums', () => {
    const row = (filter: number) => Buffer.concat([Buffer.from([filter]), Buffer.alloc(32 * 3, 0x80)]);
    const rows = (filter: number) => Buffer.concat(Array.from({ length: 32 }, () => row(filter)));
    const problem = (bytes: Buffer) => ('issues' in inspectEmblem(bytes) ? 'refused' : 'accepted');
    expect(problem(png(32, 32, rows(1)))).toBe('accepted');
    expect(problem(png(32, 32, rows(7)))).toBe('refused');
    expect(problem(png(32, 32, rows(0).subarray(0, 500)))).toBe('refused');
    expect(problem(png(32, 32, Buffer.concat([rows(0), Buffer.alloc(10)])))).toBe('refused');
  });
});

describe('opening a seal file', () => {
  const ca = createTestCa('Prova iterazioni');
  const seal = issueTestSeal(ca, { enteName: 'Comune di Jesolo', vatNumber: '00608720272' }, PASS);

  /** The same key and certificate as a PKCS#12 written by openssl with `iterations`. */
  async function opensslPkcs12(iterations: number): Promise<Buffer> {
    const { key, certPem } = reissued(ca, seal, PASS, {});
    const dir = await mkdtemp(path.join(os.tmpdir(), 'convergenza-p12-'));
    try {
      await writeFile(path.join(dir, 'key.pem'), key.export({ type: 'pkcs8', format: 'pem' }) as string);
      await writeFile(path.join(dir, 'cert.pem'), certPem);
      const out = path.join(dir, 's.p12');
      await promisify(execFile)('openssl', [
        'pkcs12',
        '-export',
        '-inkey',
        path.join(dir, 'key.pem'),
        '-in',
        path.join(dir, 'cert.pem'),
        '-iter',
        String(iterations),
        '-maciter',
        '-passout',
        `pass:${PASS}`,
        '-out',
        out,
      ]);
      return await readFile(out);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  it('opens the usual files and refuses one asking for a key derivation that would hold the process', async () => {
    expect(inspectSealFile(await opensslPkcs12(2048), PASS, new Date())).toHaveProperty('facts');
    // Refused before any key is derived (the passphrase is right: only the count is wrong).
    expect(inspectSealFile(await opensslPkcs12(500_000), PASS, new Date())).toEqual({
      issues: [{ field: 'p12', problem: 'tooManyIterations' }],
    });
  });
});
