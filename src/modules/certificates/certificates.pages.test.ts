// The public verification pages over HTTP: an exempt certificate of a Jesolo citizen issued in-process,
// then its QR link (valido with the holder's name), a wrong code, an unknown number, the form's field
// errors, the upload of the issued PDF (valido), of one changed byte (non valido with the reason), of
// junk (400, never a 500), and a revoked certificate (non valido with the revocation's reason).
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, enteId, type TestDatabase, testApp, testDatabase } from '../../../test/support.ts';
import { multipartBody } from '../payments/payments.pages.test-support.ts';
import { SEAL_KEY } from '../payments/payments.test-support.ts';
import { localRegistry, seedPopulation } from '../registry/index.ts';
import { type CertificatesDeps, findCertificate, requestCertificate } from './certificates.service.ts';

const GIULIA = 'ZNTGLI84C52L736W';
const PUBLIC_URL = 'http://localhost:3000';

let database: TestDatabase;
let built: Awaited<ReturnType<typeof testApp>>;
let jesolo: string;
let deps: CertificatesDeps;
let number: string;
let code: string;
let pdf: Buffer;

const issue = async () => {
  const issued = await requestCertificate(deps, {
    enteId: jesolo,
    requester: { kind: 'citizen', userId: 'spid:giulia', fiscalCode: GIULIA },
    subjectFiscalCode: GIULIA,
    type: 'residenza',
    exemptionCode: 'PENSIONE',
    channel: 'online',
  });
  return (await findCertificate(database.db, jesolo, issued.id))!;
};

beforeAll(async () => {
  database = await testDatabase();
  built = await testApp(database);
  jesolo = await enteId(database, 'jesolo');
  await seedPopulation(database.db, { enteId: jesolo, istatCode: '027019', size: 30 });
  deps = {
    db: database.db,
    sealKey: SEAL_KEY,
    sandbox: true,
    registry: localRegistry(database.db),
    publicUrl: PUBLIC_URL,
  };
  const row = await issue();
  number = row.number;
  code = row.verification_code;
  pdf = row.pdf!;
}, 120_000);
afterAll(async () => {
  await built.app.close();
  await database.close();
});

const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

describe('by number and code (the QR link)', () => {
  it('says valido with the type, the comune and the holder’s name only', async () => {
    const res = await built.app.inject({ url: `/verifica/${number}?c=${code}` });
    expect(res.statusCode).toBe(200);
    const body = text(res.body);
    expect(body).toContain('Certificato valido');
    expect(body).toContain('Giulia Zanetti');
    expect(body).toContain('Jesolo');
    expect(body).toContain(number);
    expect(body).toContain('Certificato di residenza');
    expect(body).not.toContain(GIULIA);
    expect(body).not.toContain('Via Bafile');
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('says non valido for a wrong code', async () => {
    const wrong = code.replace(/^./, (c) => (c === '0' ? '1' : '0'));
    const res = await built.app.inject({ url: `/verifica/${number}?c=${wrong}` });
    const body = text(res.body);
    expect(body).toContain('Certificato non valido');
    expect(body).toContain('Il codice di verifica non corrisponde');
    expect(body).not.toContain('Giulia');
  });

  it('says non valido for an unknown number (404), and for nonsense', async () => {
    const res = await built.app.inject({ url: `/verifica/CERT-1999-999999?c=${code}` });
    expect(res.statusCode).toBe(404);
    expect(text(res.body)).toContain('Nessun certificato rilasciato corrisponde');
    const nonsense = await built.app.inject({ url: `/verifica/${'x'.repeat(60)}?c=%00'` });
    expect(nonsense.statusCode).toBe(404);
    expect(text(nonsense.body)).toContain('Certificato non valido');
  });

  it('the form sends to the QR page, with errors next to the fields', async () => {
    const form = await built.app.inject({ url: '/verifica' });
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('enctype="multipart/form-data"');
    expect(form.body).toContain('name="_csrf"');
    const ok = await built.app.inject({ url: `/verifica?numero=${number.toLowerCase()}&codice=${code}` });
    expect(ok.statusCode).toBe(303);
    expect(ok.headers.location).toBe(`/verifica/${number}?c=${code}`);
    // As printed on the certificate: in groups of four, upper case.
    const printed = encodeURIComponent(code.toUpperCase().match(/.{4}/g)!.join(' '));
    const typed = await built.app.inject({ url: `/verifica?numero=${number}&codice=${printed}` });
    expect(typed.headers.location).toBe(`/verifica/${number}?c=${code}`);
    // A number without its code: the form, with the number filled in, asks for the code.
    const half = await built.app.inject({ url: `/verifica/${number}` });
    expect(half.statusCode).toBe(200);
    expect(half.body).toContain(`value="${number}"`);
    expect(text(half.body)).not.toContain('non valido');
    const bad = await built.app.inject({ url: '/verifica?numero=123&codice=' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('id="numero-error"');
    expect(bad.body).toContain('id="codice-error"');
    expect(bad.body).toContain('aria-invalid="true"');
  });

  it('in English too', async () => {
    const res = await built.app.inject({ url: `/verifica/${number}?c=${code}&lang=en` });
    expect(text(res.body)).toContain('Valid certificate');
    expect(text(res.body)).toContain('Residence certificate');
  });
});

describe('by uploading the PDF', () => {
  const upload = async (content: Buffer | null, withToken = true) => {
    const browser = new Browser(built.app);
    await browser.get('/verifica');
    const body = multipartBody(
      withToken ? { _csrf: browser.csrf! } : {},
      content && { field: 'file', name: 'certificato.pdf', content, type: 'application/pdf' },
    );
    return built.app.inject({
      method: 'POST',
      url: '/verifica',
      cookies: browser.cookies,
      headers: { 'content-type': body.contentType },
      payload: body.payload,
    });
  };

  it('says valido for the PDF as issued', async () => {
    const res = await upload(pdf);
    expect(res.statusCode).toBe(200);
    const body = text(res.body);
    expect(body).toContain('Certificato valido');
    expect(body).toContain('Giulia Zanetti');
    expect(body).toContain(number);
  }, 60_000);

  it('says non valido with the reason for one changed byte', async () => {
    const altered = Buffer.from(pdf);
    altered[400] = altered[400]! ^ 0x01;
    const res = await upload(altered);
    expect(res.statusCode).toBe(200);
    const body = text(res.body);
    expect(body).toContain('Certificato non valido');
    expect(body).toContain('Il documento è stato modificato');
    expect(body).not.toContain('Giulia');
  }, 60_000);

  it('says non valido for a certificate cut short', async () => {
    const res = await upload(pdf.subarray(0, pdf.length - 200));
    expect(res.statusCode).toBe(200);
    expect(text(res.body)).toContain('Certificato non valido');
    expect(text(res.body)).toContain('troncato');
  }, 60_000);

  it('refuses a file that is no PDF or is empty next to the field, never a 500', async () => {
    for (const junk of [Buffer.from('not a pdf at all'), randomBytes(4096)]) {
      const res = await upload(junk);
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain('id="file-error"');
      expect(text(res.body)).toContain('Il file scelto non è un PDF');
    }
    const empty = await upload(Buffer.alloc(0));
    expect(empty.statusCode).toBe(400);
    expect(text(empty.body)).toContain('Il file scelto è vuoto');
  }, 60_000);

  it('says non valido with 400 for a PDF without a readable seal, never a 500', async () => {
    // Broken signatures in something that looks like a PDF: still an answer, never a 500. The first
    // 2000 bytes of a certificate hold its signature dictionary, not the bytes it covers.
    for (const odd of [
      pdf.subarray(0, 2000).toString('latin1'),
      '%PDF-1.7\n/ByteRange [0 10 20 30] /Contents <zz>',
      '%PDF-1.7\n/ByteRange [0 99999999999 5 5]',
      `%PDF-1.7\n/ByteRange [0 20 30 ${'x'.length}]<${'0'.repeat(8)}>x`,
    ]) {
      const res = await upload(Buffer.from(odd, 'latin1'));
      expect([200, 400]).toContain(res.statusCode);
      expect(text(res.body)).toContain('Certificato non valido');
    }
  }, 60_000);

  it('asks for a file when none is sent, and refuses a post without the token', async () => {
    const none = await upload(null);
    expect(none.statusCode).toBe(400);
    expect(none.body).toContain('id="file-error"');
    const forged = await upload(pdf, false);
    expect(forged.statusCode).toBe(403);
  }, 60_000);
});

describe('a revoked certificate', () => {
  it('is non valido with the revocation’s reason, by code and by PDF', async () => {
    const row = await issue();
    await sql`update certificates set status = 'revoked', revoked_at = now(),
      revoked_reason = 'Rilasciato per errore' where ente_id = ${jesolo} and id = ${row.id}`.execute(
      database.db,
    );
    const byCode = await built.app.inject({ url: `/verifica/${row.number}?c=${row.verification_code}` });
    expect(text(byCode.body)).toContain('Il certificato è stato revocato. Motivo: Rilasciato per errore');
    const browser = new Browser(built.app);
    await browser.get('/verifica');
    const body = multipartBody(
      { _csrf: browser.csrf! },
      { field: 'file', name: 'c.pdf', content: row.pdf!, type: 'application/pdf' },
    );
    const byPdf = await built.app.inject({
      method: 'POST',
      url: '/verifica',
      cookies: browser.cookies,
      headers: { 'content-type': body.contentType },
      payload: body.payload,
    });
    expect(text(byPdf.body)).toContain('Certificato non valido');
    expect(text(byPdf.body)).toContain('Rilasciato per errore');
  }, 60_000);
});
