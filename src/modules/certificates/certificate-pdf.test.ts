// A certificate rendered and sealed on a worker thread (startCertificateRendering) is the same document
// as one made in the caller's thread: same text, the emblem, a seal pdfsig accepts. No database: the
// subject is a demo citizen as the registry returns her, the seal comes from a test CA.
import { execFileSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  emblemPng,
  figureAltTexts,
  pdfInfo,
  pdfStructure,
  pdfText,
  qpdfCheck,
} from '../payments/pdf-tools.test-support.ts';
import type { RegistryPerson } from '../registry/index.ts';
import {
  type CertificateDocument,
  renderCertificatePdf,
  type SealFile,
  sealedCertificatePdf,
  startCertificateRendering,
} from './certificate-pdf.ts';
import { sealPdf } from './seal/pades.ts';
import { pdfsig } from './seal/pdfsig.test-support.ts';
import { createTestCa, issueTestSeal } from './seal/test-ca.ts';
import { verifySealedPdf } from './seal/verify.ts';

const GIULIA: RegistryPerson = {
  id: '42fd0011-431d-4e06-a25b-fba0e71f3d22',
  fiscalCode: 'ZNTGLI84C52L736W',
  surname: 'Zanetti',
  givenName: 'Giulia',
  sex: 'F',
  birthDate: '1984-03-12',
  birthPlace: { kind: 'comune', code: 'L736', name: 'Venezia', province: 'VE' },
  citizenships: [{ stateCode: '100', stateName: 'Italia' }],
  civilStatus: 2,
  deathDate: null,
  aire: false,
};

const DOCUMENT: CertificateDocument = {
  type: 'residenza',
  number: 'CERT-2026-000042',
  // Now: a seal is valid from when the test CA issues it (a fixed moment was a time bomb).
  issuedAt: new Date(),
  subject: {
    person: GIULIA,
    family: {
      id: '8f4c769e-4311-47d1-b147-922d5358207a',
      familyCode: '1',
      aire: false,
      address: {
        street: 'Via Bafile',
        civicNumber: '12',
        postalCode: '30016',
        locality: 'Jesolo',
        country: null,
      },
      establishedOn: '2014-08-02',
      members: [{ person: GIULIA, relationship: 1, relationshipLabel: 'intestatario scheda' }],
    },
    unions: [],
    cohabitations: [],
  },
  ente: { name: 'Comune di Jesolo', emblemPng: emblemPng() },
  stampDutyLine:
    "Esente da imposta di bollo ai sensi dell'art. 9 della Tabella B del D.P.R. 642/1972, per pensione.",
  verificationUrl: 'http://localhost:3000/verifica/CERT-2026-000042?c=0123456789ab',
  verificationCode: '0123456789ab',
  test: true,
};

describe('a certificate rendered and sealed on a worker thread', () => {
  const ca = createTestCa();
  const seal: SealFile = {
    p12: issueTestSeal(ca, { enteName: 'Comune di Jesolo', vatNumber: '00608720272' }, 'prova').p12,
    passphrase: 'prova',
  };
  let onThread: Buffer;
  let inThread: Buffer;
  beforeAll(async () => {
    const stop = startCertificateRendering(1);
    try {
      onThread = await sealedCertificatePdf(DOCUMENT, seal);
    } finally {
      await stop();
    }
    inThread = await sealedCertificatePdf(DOCUMENT, seal);
  }, 60_000);

  it('says what the one made in this thread says, emblem included', async () => {
    expect(Buffer.isBuffer(onThread)).toBe(true);
    const text = await pdfText(onThread);
    for (const expected of ['Zanetti', 'Giulia', 'ZNTGLI84C52L736W', 'Via Bafile 12', 'CERT-2026-000042']) {
      expect(text).toContain(expected);
    }
    expect(text).toBe(await pdfText(inThread));
    expect(figureAltTexts(onThread)).toContain('Stemma del Comune di Jesolo');
  }, 30_000);

  it('carries a seal that pdfsig and verifySealedPdf accept', async () => {
    const report = await pdfsig(onThread, ca.certPem);
    expect(report).toContain('Signature Validation: Signature is Valid.');
    expect(report).toContain('Total document signed');
    expect(verifySealedPdf(onThread, ca.certPem)).toMatchObject({ valid: true });
  }, 30_000);

  it('is one revision: the signature field was written with the document, not appended', () => {
    const latin1 = onThread.toString('latin1');
    expect(latin1.match(/%%EOF/g)).toHaveLength(1);
    expect(latin1.match(/\/Type \/Sig\b/g)).toHaveLength(1);
    expect(latin1).toMatch(/\/SigFlags 3/);
    expect(latin1).not.toContain('/NeedAppearances');
  });

  it('says it is PDF/A-2a and PDF/UA-1, with the sRGB output intent and its seal tagged as a form', async () => {
    // The XMP metadata is stored uncompressed.
    const latin1 = onThread.toString('latin1');
    expect(latin1).toContain('<pdfaid:part>2</pdfaid:part>');
    expect(latin1).toContain('<pdfaid:conformance>A</pdfaid:conformance>');
    expect(latin1).toContain('<pdfuaid:part>1</pdfuaid:part>');
    expect(latin1).toMatch(/\/S \/GTS_PDFA1/);
    expect(latin1).toMatch(/\/Tabs \/S/);
    // The invisible widget: zero-size, printable, with an (empty) appearance and a description.
    expect(latin1).toMatch(/\/Subtype \/Widget/);
    expect(latin1).toMatch(/\/TU \(Sigillo elettronico: Comune di Jesolo\)/);
    expect(latin1).toMatch(/\/AP <<\s*\/N \d+ 0 R/);
    const structure = await pdfStructure(onThread);
    expect(structure).toMatch(/^\s*Form\b/m);
    expect((await pdfInfo(onThread)).get('Tagged')).toBe('yes');
    expect(await qpdfCheck(onThread)).toContain('No syntax or stream encoding errors');
  }, 30_000);

  it('fails with the seal error of the thread (a wrong passphrase)', async () => {
    const stop = startCertificateRendering(1);
    try {
      await expect(sealedCertificatePdf(DOCUMENT, { ...seal, passphrase: 'sbagliata' })).rejects.toThrow(
        /password/i,
      );
    } finally {
      await stop();
    }
  }, 30_000);

  it('can be sealed again with an incremental update, both seals valid', async () => {
    const again = await sealPdf(onThread, seal, {
      reason: 'Seconda firma',
      location: 'Jesolo',
      name: 'Comune di Jesolo',
    });
    const report = await pdfsig(again, ca.certPem);
    expect(report.match(/Signature is Valid\./g)).toHaveLength(2);
    // The form keeps the first field and gains the second.
    expect(again.toString('latin1')).toMatch(/\/Fields \[\d+ 0 R \d+ 0 R\]/);
  }, 30_000);
});

describe('the metadata of a certificate', () => {
  it('stays well-formed XML when a name holds & or <', async () => {
    const odd = { ...GIULIA, surname: "D'Amico & <Figli>" };
    const pdf = await renderCertificatePdf({
      ...DOCUMENT,
      subject: { ...DOCUMENT.subject, person: odd },
    });
    const latin1 = pdf.toString('latin1');
    const xmp = latin1.slice(latin1.indexOf('<?xpacket begin'), latin1.indexOf('<?xpacket end="w"?>') + 19);
    expect(xmp).toContain('<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>');
    // xmllint (libxml2-utils, installed by .ci/run) exits non-zero on malformed XML.
    execFileSync('xmllint', ['--noout', '-'], { input: Buffer.from(xmp, 'latin1') });
    expect((await pdfInfo(pdf)).get('Subject')).toContain("D'Amico ＆ ‹Figli›");
    expect(await pdfText(pdf)).toContain("D'Amico & <Figli>");
  }, 30_000);
});
