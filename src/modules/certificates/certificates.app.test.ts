// The certificates module as the application wires it: a certificate waiting for its stamp duty is
// issued by the application's own job worker once pagoPA's receipt is reconciled.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type TestDatabase, testApp, testDatabase } from '../../../test/support.ts';
import { platformSecret } from '../../platform/secrets.repo.ts';
import { recordReceipt } from '../payments/index.ts';
import { type PayingEnte, payingEnte, receiptFor } from '../payments/payments.test-support.ts';
import { localRegistry, seedPopulation } from '../registry/index.ts';
import { findCertificate, requestCertificate } from './certificates.service.ts';

const GIULIA = 'ZNTGLI84C52L736W';

let database: TestDatabase;
let built: Awaited<ReturnType<typeof testApp>>;
let jesolo: PayingEnte;

beforeAll(async () => {
  database = await testDatabase();
  built = await testApp(database, { SANDBOX: 'true' });
  jesolo = await payingEnte(database, 'jesolo');
  await seedPopulation(database.db, { enteId: jesolo.id, istatCode: '027019', size: 10 });
}, 120_000);
afterAll(async () => {
  await built.app.close();
  await database.close();
});

it('issues a paid certificate through the application’s job worker', async () => {
  const requested = await requestCertificate(
    {
      db: database.db,
      sealKey: await platformSecret(database.db, 'seal'),
      sandbox: true,
      registry: localRegistry(database.db),
      publicUrl: 'http://localhost:3000',
    },
    {
      enteId: jesolo.id,
      requester: { kind: 'citizen', userId: 'spid:giulia', fiscalCode: GIULIA },
      subjectFiscalCode: GIULIA,
      type: 'residenza',
      channel: 'online',
    },
  );
  expect(requested.status).toBe('awaiting_payment');
  const option = {
    iuv: requested.payment!.iuv,
    noticeNumber: requested.payment!.noticeNumber,
    amountCents: 1600,
  };
  await recordReceipt(database.db, receiptFor(jesolo, option), 'notification');
  // The paid event is the only job due that the certificates handler takes.
  for (
    let i = 0;
    i < 5 && (await findCertificate(database.db, jesolo.id, requested.id))!.status !== 'issued';
    i++
  ) {
    await built.worker.runOnce();
  }
  const issued = await findCertificate(database.db, jesolo.id, requested.id);
  expect(issued).toMatchObject({ status: 'issued' });
  expect(issued!.pdf!.subarray(0, 5).toString()).toBe('%PDF-');
});
