// Demo data of payments, loaded with the demo aggregation (never into a real installation): each comune
// gets pagoPA settings with a test IBAN (structurally valid, of no real account) and the sandbox's
// subscription key, a small catalogue, and the demo citizens (seeds/people) a fee or two to pay in the
// sandbox checkout. Idempotent: what exists is left as it is.
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { todayInRome } from '../../platform/dates.ts';
import type { Db } from '../../platform/db/database.ts';
import { withTenant } from '../../platform/db/tenant.ts';
import { platformSecret } from '../../platform/secrets.repo.ts';
import { listEnti } from '../tenancy/index.ts';
import { createDebtPosition } from './payments.service.ts';
import { findSettings } from './payments.settings.repo.ts';
import { type ItemInput, saveItem, saveSettings } from './payments.settings.ts';

const PEOPLE = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../seeds/people/demo-citizens.json',
);
/** The platform secret the pagoPA sandbox takes as its subscription key (Ocp-Apim-Subscription-Key). */
export const SANDBOX_GPD_KEY_SECRET = 'sandbox-pagopa-subscription';
const SEGREGATION_CODE = '01';

/** Taxonomy codes in pagoPA's format; demo values: a comune takes its own from the pagoPA taxonomy. */
const ITEMS: ItemInput[] = [
  {
    code: 'CIE',
    label: "Diritti per il rilascio della carta d'identità elettronica",
    kind: 'service_fee',
    amount: '22,21',
    taxonomy: '0101107SP',
    active: true,
  },
  {
    code: 'CERT',
    label: 'Diritti di segreteria per certificati anagrafici',
    kind: 'service_fee',
    amount: '0,52',
    taxonomy: '0101107SP',
    active: true,
  },
  {
    code: 'BOLLO',
    label: 'Imposta di bollo',
    kind: 'stamp_duty',
    amount: '16,00',
    taxonomy: '0101101IM',
    active: true,
  },
  {
    code: 'MENSA',
    label: 'Mensa scolastica',
    kind: 'school_canteen',
    amount: '',
    taxonomy: '0102102SP',
    active: true,
  },
  {
    code: 'CDS',
    label: 'Sanzioni al codice della strada',
    kind: 'fine',
    amount: '',
    taxonomy: '0103101SA',
    active: true,
  },
];

/** A test IBAN for a comune: bank code and branch of no bank, the ISTAT code as account, valid check digits. */
export function demoIban(istatCode: string): string {
  const bban = `X9999901000DEMO${istatCode.padStart(8, '0')}`; // CIN, ABI, CAB, account (12)
  const moved = `${bban}IT00`;
  let rest = 0;
  for (const char of moved) {
    const value = char >= 'A' ? String(char.charCodeAt(0) - 55) : char;
    for (const digit of value) rest = (rest * 10 + Number(digit)) % 97;
  }
  return `IT${String(98 - rest).padStart(2, '0')}${bban}`;
}

const inDays = (days: number) =>
  new Date(Date.parse(`${todayInRome()}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

interface Person {
  id: string;
  given_name: string;
  family_name: string;
  fiscal_code: string | null;
  residence_istat: string;
  email: string;
}

export async function seedPaymentsDemo(
  db: Db,
  sadId: string,
): Promise<{ configured: number; positions: number }> {
  const actor = { subject: 'system:seed' };
  const sealKey = await platformSecret(db, 'seal');
  const gpdKey = await platformSecret(db, SANDBOX_GPD_KEY_SECRET);
  const { items: comuni } = await listEnti(db, { sadId, kind: 'comune', limit: 1000, offset: 0 });
  let configured = 0;
  for (const comune of comuni) {
    if (!comune.fiscalCode || !comune.istatCode || (await findSettings(db, comune.id))) continue;
    await saveSettings(db, sealKey, actor, comune.id, {
      creditorFiscalCode: comune.fiscalCode,
      segregationCode: SEGREGATION_CODE,
      iban: demoIban(comune.istatCode),
      postalAccount: '',
      cbill: '',
      gpdKey,
    });
    for (const item of ITEMS) await saveItem(db, actor, comune.id, item, 'create');
    configured++;
  }
  const people = JSON.parse(await fs.readFile(PEOPLE, 'utf8')) as Person[];
  let positions = 0;
  for (const person of people) {
    const comune = comuni.find((c) => c.istatCode === person.residence_istat);
    if (!comune || !person.fiscal_code || !(await findSettings(db, comune.id))) continue;
    const debtor = {
      fiscalCode: person.fiscal_code,
      fullName: `${person.given_name} ${person.family_name}`,
      email: person.email,
    };
    const fees = [
      {
        ref: `demo:${person.id}:cie`,
        itemCode: 'CIE',
        description: "Carta d'identità elettronica: diritti",
        cents: 2221,
        days: 30,
      },
      ...(person.id === 'demo-01'
        ? [
            {
              ref: `demo:${person.id}:mensa`,
              itemCode: 'MENSA',
              description: 'Mensa scolastica: marzo',
              cents: 4560,
              days: 20,
            },
          ]
        : []),
    ];
    for (const fee of fees) {
      const created = await withTenant(db, comune.id, (trx) =>
        createDebtPosition(trx, {
          enteId: comune.id,
          source: { module: 'payments', ref: fee.ref },
          debtor,
          itemCode: fee.itemCode,
          description: fee.description,
          options: [{ amountCents: fee.cents, dueDate: inDays(fee.days) }],
          actor,
        }),
      );
      if (created.created) positions++;
    }
  }
  return { configured, positions };
}
