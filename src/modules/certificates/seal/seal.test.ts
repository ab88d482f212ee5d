import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { AsnConvert } from '@peculiar/asn1-schema';
import { Certificate, id_ce_keyUsage, KeyUsage } from '@peculiar/asn1-x509';
import { beforeAll, describe, expect, it } from 'vitest';
import { TaggedPdf } from '../../../platform/pdf/pdf-document.ts';
import { reissued } from '../certificate-settings.test-support.ts';
import { sealPdf } from './pades.ts';
import { pdfsig } from './pdfsig.test-support.ts';
import { readPkcs12 } from './pkcs12.ts';
import { createTestCa, issueTestSeal } from './test-ca.ts';
import { verifySealedPdf } from './verify.ts';

const PASSPHRASE = 'prova-sigillo';
const INFO = { reason: 'Sigillo elettronico del Comune', location: 'Jesolo', name: 'Comune di Jesolo' };

async function certificatePdf(): Promise<Buffer> {
  const pdf = new TaggedPdf({ lang: 'it', title: 'Certificato di residenza' });
  pdf.heading(1, 'Certificato di residenza', 40, 60, 500);
  pdf.paragraph('Si certifica che Mario Rossi risiede nel Comune di Jesolo.', 40, 100, 500);
  return pdf.finish();
}

async function pdfinfo(pdf: Buffer): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'convergenza-pdfinfo-'));
  try {
    await writeFile(path.join(dir, 'd.pdf'), pdf);
    return (await promisify(execFile)('pdfinfo', [path.join(dir, 'd.pdf')])).stdout;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Flips one byte at offset 400: inside the first signed range (the original document's objects). */
function alterSignedByte(pdf: Buffer): Buffer {
  const altered = Buffer.from(pdf);
  altered[400] = altered[400]! ^ 0x01;
  return altered;
}

describe('electronic seal (PAdES B-B) with a test CA', () => {
  const ca = createTestCa();
  const seal = issueTestSeal(ca, { enteName: 'Comune di Jesolo', vatNumber: '00608720272' }, PASSPHRASE);
  let unsigned: Buffer;
  let sealed: Buffer;
  beforeAll(async () => {
    unsigned = await certificatePdf();
    sealed = await sealPdf(unsigned, { p12: seal.p12, passphrase: PASSPHRASE }, INFO);
  });

  it('issues a seal certificate marked TEST, with the ente and its organizationIdentifier', () => {
    const cert = new X509Certificate(seal.certPem);
    expect(cert.subject).toContain('O=Comune di Jesolo (TEST)');
    expect(cert.subject).toContain('organizationIdentifier=VATIT-00608720272');
    expect(cert.subject).toMatch(/CN=TEST sigillo elettronico Comune di Jesolo/);
    expect(cert.ca).toBe(false);
    expect(cert.verify(new X509Certificate(ca.certPem).publicKey)).toBe(true);
    const extension = AsnConvert.parse(cert.raw, Certificate).tbsCertificate.extensions?.find(
      (e) => e.extnID === id_ce_keyUsage,
    );
    expect(extension?.critical).toBe(true);
    const usage = AsnConvert.parse(extension!.extnValue.buffer, KeyUsage).toJSON();
    expect(usage.sort()).toEqual(['digitalSignature', 'nonRepudiation']);
  });

  it('delivers the seal as a PKCS#12 opened only with its passphrase', () => {
    const credentials = readPkcs12(seal.p12, PASSPHRASE);
    expect(credentials.chain[0]!.raw.equals(new X509Certificate(seal.certPem).raw)).toBe(true);
    expect(credentials.chain[1]!.raw.equals(new X509Certificate(ca.certPem).raw)).toBe(true);
    expect(() => readPkcs12(seal.p12, 'wrong')).toThrow(/password/i);
  });

  it('appends the seal as an incremental update and keeps the PDF tagged', async () => {
    expect(sealed.subarray(0, unsigned.length).equals(unsigned)).toBe(true);
    const info = await pdfinfo(sealed);
    expect(info).toMatch(/Tagged:\s+yes/);
    expect(info).toMatch(/Title:\s+Certificato di residenza/);
  });

  it('pdfsig reports a valid ETSI.CAdES.detached signature, trusted with the test CA', async () => {
    const report = await pdfsig(sealed, ca.certPem);
    expect(report).toContain('Signature Type: ETSI.CAdES.detached');
    expect(report).toContain('Signer Certificate Common Name: TEST sigillo elettronico Comune di Jesolo');
    expect(report).toContain('Total document signed');
    expect(report).toContain('Signature Validation: Signature is Valid.');
    expect(report).toContain('Certificate Validation: Certificate is Trusted.');
  });

  it('reads its test seal as openssl does: an EC P-256 key, the seal and the CA certificate', async () => {
    expect(readPkcs12(seal.p12, PASSPHRASE).key.asymmetricKeyType).toBe('ec');
    const dir = await mkdtemp(path.join(os.tmpdir(), 'convergenza-p12-'));
    try {
      await writeFile(path.join(dir, 's.p12'), seal.p12);
      const { stdout } = await promisify(execFile)('openssl', [
        'pkcs12',
        '-in',
        path.join(dir, 's.p12'),
        '-passin',
        `pass:${PASSPHRASE}`,
        '-nodes',
      ]);
      expect(stdout.match(/BEGIN CERTIFICATE/g)).toHaveLength(2);
      expect(stdout).toContain('-----BEGIN PRIVATE KEY-----');
      expect(stdout).toContain('friendlyName: TEST Comune di Jesolo');
      // A wrong passphrase fails openssl's integrity check.
      await expect(
        promisify(execFile)('openssl', [
          'pkcs12',
          '-in',
          path.join(dir, 's.p12'),
          '-passin',
          'pass:x',
          '-nodes',
        ]),
      ).rejects.toThrow(/mac verify failure|invalid password/i);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('seals with an RSA 3072 key too, from a PKCS#12 written by openssl', async () => {
    const { key, certPem } = reissued(ca, seal, PASSPHRASE, { rsaBits: 3072 });
    const dir = await mkdtemp(path.join(os.tmpdir(), 'convergenza-rsa-seal-'));
    try {
      await writeFile(path.join(dir, 'key.pem'), key.export({ type: 'pkcs8', format: 'pem' }) as string);
      await writeFile(path.join(dir, 'cert.pem'), certPem);
      await writeFile(path.join(dir, 'ca.pem'), ca.certPem);
      await promisify(execFile)('openssl', [
        'pkcs12',
        '-export',
        '-inkey',
        path.join(dir, 'key.pem'),
        '-in',
        path.join(dir, 'cert.pem'),
        '-certfile',
        path.join(dir, 'ca.pem'),
        '-passout',
        `pass:${PASSPHRASE}`,
        '-out',
        path.join(dir, 's.p12'),
      ]);
      const p12 = await readFile(path.join(dir, 's.p12'));
      expect(readPkcs12(p12, PASSPHRASE).key.asymmetricKeyType).toBe('rsa');
      const rsaSealed = await sealPdf(unsigned, { p12, passphrase: PASSPHRASE }, INFO);
      expect(verifySealedPdf(rsaSealed, ca.certPem)).toMatchObject({ valid: true });
      const report = await pdfsig(rsaSealed, ca.certPem);
      expect(report).toContain('Signature Validation: Signature is Valid.');
      expect(report).toContain('Certificate Validation: Certificate is Trusted.');
      expect(verifySealedPdf(alterSignedByte(rsaSealed), ca.certPem)).toMatchObject({ valid: false });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('pdfsig does not trust the seal without the test CA', async () => {
    const report = await pdfsig(sealed);
    expect(report).toContain('Signature Validation: Signature is Valid.');
    expect(report).not.toContain('Certificate is Trusted.');
  });

  it('pdfsig reports one changed byte in the signed range as invalid', async () => {
    const report = await pdfsig(alterSignedByte(sealed), ca.certPem);
    expect(report).toMatch(/Signature Validation: Signature is Invalid|Digest Mismatch/);
    expect(report).not.toContain('Signature is Valid.');
  });

  describe('verifySealedPdf', () => {
    it('accepts the sealed PDF, with signer and signing time', () => {
      const result = verifySealedPdf(sealed, ca.certPem);
      expect(result).toMatchObject({ valid: true, signer: 'TEST sigillo elettronico Comune di Jesolo' });
      expect(Math.abs(result.signedAt!.getTime() - Date.now())).toBeLessThan(5 * 60_000);
    });

    it('says why a PDF is not valid, and never throws', () => {
      expect(verifySealedPdf(alterSignedByte(sealed), ca.certPem)).toMatchObject({
        valid: false,
        reason: 'digest',
      });
      expect(verifySealedPdf(unsigned, ca.certPem)).toEqual({ valid: false, reason: 'unsigned' });
      const appended = Buffer.concat([sealed, Buffer.from('\n1 0 obj\n(x)\nendobj\n')]);
      expect(verifySealedPdf(appended, ca.certPem)).toMatchObject({ valid: false, reason: 'byte-range' });
      const otherCa = createTestCa('Altra');
      expect(verifySealedPdf(sealed, otherCa.certPem)).toMatchObject({ valid: false, reason: 'untrusted' });
      for (const junk of [
        Buffer.alloc(0),
        Buffer.from('%PDF-1.7 /ByteRange [0 5 9 1] <zz>'),
        sealed.subarray(0, 9000),
      ]) {
        expect(verifySealedPdf(junk, ca.certPem).valid).toBe(false);
      }
    });

    it('rejects a PDF whose embedded CMS was altered', () => {
      const text = sealed.toString('latin1');
      const contents = text.indexOf('/Contents <') + '/Contents <'.length;
      const tampered = Buffer.from(sealed);
      // One hex digit inside the CMS (in the embedded certificates), still a hex digit.
      const at = contents + 1500;
      tampered[at] = tampered[at] === 0x30 ? 0x31 : 0x30;
      expect(verifySealedPdf(tampered, ca.certPem).valid).toBe(false);
    });
  });
});
