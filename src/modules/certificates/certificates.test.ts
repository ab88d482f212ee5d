// The certificates core end to end without HTTP: a demo citizen of Jesolo (registry seeded with the demo
// families), exempt and paid certificates, the sealed PDF checked by poppler, zbar and verifySealedPdf,
// the family rule with its audit, unavailable types, exemption validation, tenant isolation.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestDatabase, testDatabase } from '../../../test/support.ts';
import { withTenant } from '../../platform/db/tenant.ts';
import type { AppError } from '../../platform/errors.ts';
import { JobWorker } from '../../platform/jobs/jobs.ts';
import { type PaidEvent, paidQueue, recordReceipt } from '../payments/index.ts';
import { type PayingEnte, payingEnte, receiptFor, SEAL_KEY } from '../payments/payments.test-support.ts';
import { decodePage, pdfText } from '../payments/pdf-tools.test-support.ts';
import { localRegistry, seedPopulation } from '../registry/index.ts';
import { testCaPem } from './certificate-seal.ts';
import {
  type CertificatesDeps,
  findCertificate,
  issuePaidCertificate,
  type Requester,
  requestCertificate,
} from './certificates.service.ts';
import { registerCertificateJobs } from './index.ts';
import { pdfsig } from './seal/pdfsig.test-support.ts';
import { verifySealedPdf } from './seal/verify.ts';

const GIULIA = 'ZNTGLI84C52L736W';
const SOFIA = 'ZNTSFO12H65L736X'; // Giulia's daughter
const PUBLIC_URL = 'http://localhost:3000';
const giulia: Requester = { kind: 'citizen', userId: 'spid:giulia', fiscalCode: GIULIA };

let database: TestDatabase;
let jesolo: PayingEnte;
let caorle: PayingEnte;
let deps: CertificatesDeps;
let stranger: string;

const errorOf = async (promise: Promise<unknown>) => {
  try {
    await promise;
  } catch (error) {
    return error as AppError;
  }
  throw new Error('expected an error');
};
const certificateCount = async (enteId: string) =>
  Number(
    (
      await sql<{ n: string }>`select count(*) as n from certificates where ente_id = ${enteId}`.execute(
        database.db,
      )
    ).rows[0]!.n,
  );

beforeAll(async () => {
  database = await testDatabase();
  jesolo = await payingEnte(database, 'jesolo');
  caorle = await payingEnte(database, 'caorle', '02');
  await seedPopulation(database.db, { enteId: jesolo.id, istatCode: '027019', size: 30 });
  await seedPopulation(database.db, { enteId: caorle.id, istatCode: '027005', size: 10 });
  const other = await sql<{ fiscal_code: string }>`
    select fiscal_code from registry_persons where ente_id = ${jesolo.id} and surname <> 'Zanetti' limit 1`.execute(
    database.db,
  );
  stranger = other.rows[0]!.fiscal_code;
  deps = {
    db: database.db,
    sealKey: SEAL_KEY,
    sandbox: true,
    registry: localRegistry(database.db),
    publicUrl: PUBLIC_URL,
  };
}, 120_000);
afterAll(() => database.close());

describe('an exempt residence certificate', () => {
  let pdf: Buffer;
  let number: string;
  let code: string;
  beforeAll(async () => {
    const issued = await requestCertificate(deps, {
      enteId: jesolo.id,
      requester: giulia,
      subjectFiscalCode: GIULIA,
      type: 'residenza',
      exemptionCode: 'PENSIONE',
      channel: 'online',
    });
    expect(issued).toMatchObject({ status: 'issued', stampDutyCents: 0, payment: null });
    expect(issued.number).toMatch(/^CERT-\d{4}-\d{6}$/);
    number = issued.number;
    const row = await findCertificate(database.db, jesolo.id, issued.id);
    pdf = row!.pdf!;
    code = row!.verification_code;
    expect(row!.pdf_sha256).toMatch(/^[0-9a-f]{64}$/);
  }, 60_000);

  it("holds the person's data, the address, the number, the exemption line and the verification code", async () => {
    const text = (await pdfText(pdf)).replace(/\s+/g, ' ');
    for (const expected of ['Zanetti', 'Giulia', GIULIA, 'Via Bafile 12', 'Jesolo', number]) {
      expect(text).toContain(expected);
    }
    expect(text).toContain('CERTIFICATO DI RESIDENZA');
    expect(text).toContain("Esente da imposta di bollo ai sensi dell'art. 9 della Tabella B del D.P.R.");
    expect(text).toContain(', per pensione e assicurazioni sociali obbligatorie (anche pensione estera).');
    // Printed in groups of four, as a person reads it out or types it into the verification page.
    const grouped = code.toUpperCase().match(/.{4}/g)!.join(' ');
    expect(text).toContain(`Codice di verifica ${grouped}`);
    expect(text).toContain('TEST');
  });

  it('carries a seal pdfsig and verifySealedPdf accept; one changed byte breaks it', async () => {
    const ca = await testCaPem(database.db);
    const report = await pdfsig(pdf, ca);
    expect(report).toContain('Signature Validation: Signature is Valid.');
    expect(verifySealedPdf(pdf, ca)).toMatchObject({ valid: true });
    const altered = Buffer.from(pdf);
    altered[400] = altered[400]! ^ 0x01;
    expect(verifySealedPdf(altered, ca).valid).toBe(false);
  }, 60_000);

  it('carries a QR code with the verification URL', async () => {
    const { qr } = await decodePage(pdf, 1, 0, 300);
    expect(qr).toHaveLength(1);
    expect(qr[0]).toMatch(new RegExp(`^${PUBLIC_URL}/verifica/${number}\\?c=[0-9a-f]{12}$`));
  }, 60_000);
});

describe('who may ask and what', () => {
  it("issues a family member's certificate (stato civile types are exempt by nature)", async () => {
    const issued = await requestCertificate(deps, {
      enteId: jesolo.id,
      requester: giulia,
      subjectFiscalCode: SOFIA,
      type: 'nascita',
      channel: 'online',
    });
    expect(issued.status).toBe('issued');
    const row = await findCertificate(database.db, jesolo.id, issued.id);
    expect((await pdfText(row!.pdf!)).replace(/\s+/g, ' ')).toContain(
      "Esente da imposta di bollo ai sensi dell'art. 7",
    );
  }, 60_000);

  it("refuses a stranger's certificate with 403 and an audit event", async () => {
    const before = await certificateCount(jesolo.id);
    const error = await errorOf(
      requestCertificate(deps, {
        enteId: jesolo.id,
        requester: giulia,
        subjectFiscalCode: stranger,
        type: 'residenza',
        channel: 'online',
      }),
    );
    expect(error.status).toBe(403);
    expect(await certificateCount(jesolo.id)).toBe(before);
    const events = await sql<{ actor: string }>`
      select actor from audit_events where ente_id = ${jesolo.id} and action = 'certificate.request.forbidden'`.execute(
      database.db,
    );
    expect(events.rows.map((r) => r.actor)).toContain('spid:giulia');
  });

  it('explains an unavailable type and issues nothing', async () => {
    const before = await certificateCount(jesolo.id);
    const error = await errorOf(
      requestCertificate(deps, {
        enteId: jesolo.id,
        requester: giulia,
        subjectFiscalCode: GIULIA,
        type: 'stato_libero',
        channel: 'online',
      }),
    );
    expect(error).toMatchObject({ code: 'CERTIFICATE_UNAVAILABLE', status: 422 });
    expect(error.message).toContain('coniugata');
    const aire = await errorOf(
      requestCertificate(deps, {
        enteId: jesolo.id,
        requester: giulia,
        subjectFiscalCode: GIULIA,
        type: 'residenza_aire',
        channel: 'online',
      }),
    );
    expect(aire.message).toContain('AIRE');
    expect(await certificateCount(jesolo.id)).toBe(before);
  });

  it('rejects an unknown exemption on the field exemptionCode', async () => {
    const error = await errorOf(
      requestCertificate(deps, {
        enteId: jesolo.id,
        requester: giulia,
        subjectFiscalCode: GIULIA,
        type: 'residenza',
        exemptionCode: 'NESSUNA',
        channel: 'online',
      }),
    );
    expect(error.status).toBe(400);
    expect(error.fields.map((f) => f.field)).toEqual(['exemptionCode']);
  });

  it('takes someone else as payer only at the counter: online the citizen who asks pays', async () => {
    const before = await certificateCount(jesolo.id);
    const error = await errorOf(
      requestCertificate(deps, {
        enteId: jesolo.id,
        requester: giulia,
        subjectFiscalCode: GIULIA,
        type: 'residenza',
        payer: { fiscalCode: 'ZNRRLL58P54L407V', fullName: 'Ornella Zanardo' },
        channel: 'online',
      }),
    );
    expect(error.status).toBe(400);
    expect(error.fields.map((f) => f.field)).toEqual(['payerFiscalCode']);
    expect(await certificateCount(jesolo.id)).toBe(before);
  });
});

describe('a certificate with stamp duty', () => {
  it('awaits a €16 BOLLO position, then the payment issues it exactly once', async () => {
    const requested = await requestCertificate(deps, {
      enteId: jesolo.id,
      requester: giulia,
      subjectFiscalCode: GIULIA,
      type: 'stato_famiglia',
      channel: 'online',
    });
    expect(requested).toMatchObject({ status: 'awaiting_payment', stampDutyCents: 1600 });
    const position = await sql<{ item_code: string; source_module: string; source_ref: string }>`
      select item_code, source_module, source_ref from payment_positions
      where ente_id = ${jesolo.id} and id = ${requested.payment!.positionId}`.execute(database.db);
    expect(position.rows[0]).toEqual({
      item_code: 'BOLLO',
      source_module: 'certificates',
      source_ref: requested.id,
    });
    expect((await findCertificate(database.db, jesolo.id, requested.id))!.pdf).toBeNull();

    const worker = new JobWorker(database.db, { pollMs: 10, concurrency: 2 });
    registerCertificateJobs(
      {
        onPaid: (module, handler) =>
          worker.register(paidQueue(module), (job) => handler(job.payload as unknown as PaidEvent)),
      },
      deps,
    );
    const option = {
      iuv: requested.payment!.iuv,
      noticeNumber: requested.payment!.noticeNumber,
      amountCents: 1600,
    };
    await recordReceipt(database.db, receiptFor(jesolo, option), 'notification');
    expect(await worker.runOnce()).toBe(1);

    const issued = await findCertificate(database.db, jesolo.id, requested.id);
    expect(issued).toMatchObject({ status: 'issued' });
    const text = (await pdfText(issued!.pdf!)).replace(/\s+/g, ' ');
    expect(text).toContain('Imposta di bollo di € 16,00 assolta in modo virtuale tramite pagoPA');
    expect(text).toContain('Sofia');
    expect(verifySealedPdf(issued!.pdf!, await testCaPem(database.db)).valid).toBe(true);

    // The same event again (a re-run job) changes nothing.
    const event: PaidEvent = {
      enteId: jesolo.id,
      positionId: requested.payment!.positionId,
      iupd: 'x',
      source: { module: 'certificates', ref: requested.id },
      receipt: {
        receiptId: 'r',
        iuv: option.iuv,
        noticeNumber: option.noticeNumber,
        amountCents: 1600,
        paymentDateTime: '',
        pspCompanyName: '',
      },
    };
    expect(await issuePaidCertificate(deps, event)).toBe(false);
    const again = await findCertificate(database.db, jesolo.id, requested.id);
    expect(again!.pdf_sha256).toBe(issued!.pdf_sha256);
    const audits = await sql<{ n: string }>`
      select count(*) as n from audit_events where ente_id = ${jesolo.id} and action = 'certificate.issue'
      and target_id = ${requested.id}`.execute(database.db);
    expect(Number(audits.rows[0]!.n)).toBe(1);
  }, 60_000);
});

describe('tenant isolation', () => {
  it.each(['certificates', 'certificate_counters', 'certificate_seals'])(
    '%s: another ente sees none of its rows',
    async (table) => {
      const owner = await sql<{
        n: string;
      }>`select count(*) as n from ${sql.table(table)} where ente_id = ${jesolo.id}`.execute(database.db);
      expect(Number(owner.rows[0]!.n)).toBeGreaterThan(0);
      const seen = await withTenant(database.db, caorle.id, (trx) =>
        sql<{
          n: string;
        }>`select count(*) as n from ${sql.table(table)} where ente_id = ${jesolo.id}`.execute(trx),
      );
      expect(Number(seen.rows[0]!.n)).toBe(0);
      await expect(
        withTenant(database.db, caorle.id, (trx) =>
          sql`update ${sql.table(table)} set ente_id = ente_id where ente_id = ${jesolo.id}`.execute(trx),
        ).then((r) => Number(r.numAffectedRows ?? 0)),
      ).resolves.toBe(0);
    },
  );
});
