// All SQL of the certificates. Every query filters by ente_id (first wall); callers run it in the ente's
// tenant transaction (second wall, row-level security).
import { type Kysely, sql } from 'kysely';
import type { AnyDb, Db } from '../../platform/db/database.ts';
import type { CertificateType } from './certificate-types.ts';

export type CertificateStatus = 'awaiting_payment' | 'issued' | 'revoked';
export type Channel = 'online' | 'counter';

export interface CertificateRow {
  ente_id: string;
  id: string;
  number: string;
  verification_code: string;
  type: CertificateType;
  subject_fiscal_code: string;
  channel: Channel;
  requester_user_id: string | null;
  requester_fiscal_code: string | null;
  operator_id: string | null;
  exemption_code: string | null;
  stamp_duty_cents: number;
  /** Counter only: the identification number of the marca da bollo the citizen paid with. */
  stamp_duty_mark: string | null;
  status: CertificateStatus;
  payment_position_id: string | null;
  requested_at: Date;
  issued_at: Date | null;
  pdf_sha256: string | null;
  pdf: Buffer | null;
  revoked_at: Date | null;
  revoked_reason: string | null;
}

export interface SealRow {
  ente_id: string;
  kind: 'test' | 'configured';
  p12_sealed: string;
  passphrase_sealed: string;
  cert_pem: string;
  created_at?: Date;
}

export type CertificatesTables = {
  certificates: Omit<CertificateRow, 'requested_at'> & { requested_at?: Date };
  certificate_counters: { ente_id: string; year: number; last_number: number };
  certificate_seals: SealRow;
};

const q = (db: AnyDb) => (db as Db).withTables<CertificatesTables>() as unknown as Kysely<CertificatesTables>;

/** The next number of the year for the ente; the counter row stays locked until the transaction ends. */
export async function nextNumber(trx: AnyDb, enteId: string, year: number): Promise<number> {
  const row = await q(trx)
    .insertInto('certificate_counters')
    .values({ ente_id: enteId, year, last_number: 1 })
    .onConflict((oc) =>
      oc.columns(['ente_id', 'year']).doUpdateSet({ last_number: sql`certificate_counters.last_number + 1` }),
    )
    .returning('last_number')
    .executeTakeFirstOrThrow();
  return row.last_number;
}

export async function insertCertificate(trx: AnyDb, row: CertificatesTables['certificates']): Promise<void> {
  await q(trx).insertInto('certificates').values(row).execute();
}

/** Whether the ente already recorded this marca da bollo on a certificate. */
export async function markUsed(db: AnyDb, enteId: string, mark: string): Promise<boolean> {
  const row = await q(db)
    .selectFrom('certificates')
    .select('id')
    .where('ente_id', '=', enteId)
    .where('stamp_duty_mark', '=', mark)
    .executeTakeFirst();
  return Boolean(row);
}

export const isUniqueViolation = (error: unknown) => (error as { code?: string })?.code === '23505';

/** Issues a certificate awaiting payment; false when it was not awaiting payment any more (idempotency). */
export async function markIssued(
  trx: AnyDb,
  enteId: string,
  id: string,
  issued: { issuedAt: Date; pdf: Buffer; sha256: string },
): Promise<boolean> {
  const result = await q(trx)
    .updateTable('certificates')
    .set({ status: 'issued', issued_at: issued.issuedAt, pdf: issued.pdf, pdf_sha256: issued.sha256 })
    .where('ente_id', '=', enteId)
    .where('id', '=', id)
    .where('status', '=', 'awaiting_payment')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

const toRow = (r: CertificateRow | undefined): CertificateRow | undefined =>
  r && { ...r, pdf: r.pdf ? Buffer.from(r.pdf) : null };

export async function findById(db: AnyDb, enteId: string, id: string): Promise<CertificateRow | undefined> {
  const row = await q(db)
    .selectFrom('certificates')
    .selectAll()
    .where('ente_id', '=', enteId)
    .where('id', '=', id)
    .executeTakeFirst();
  return toRow(row as CertificateRow | undefined);
}

export async function findByNumber(
  db: AnyDb,
  enteId: string,
  number: string,
): Promise<CertificateRow | undefined> {
  const row = await q(db)
    .selectFrom('certificates')
    .selectAll()
    .where('ente_id', '=', enteId)
    .where('number', '=', number)
    .executeTakeFirst();
  return toRow(row as CertificateRow | undefined);
}

export async function findSeal(db: AnyDb, enteId: string): Promise<SealRow | undefined> {
  return q(db).selectFrom('certificate_seals').selectAll().where('ente_id', '=', enteId).executeTakeFirst();
}

/** Stores a seal unless the ente has one already (a concurrent first use): the stored one wins. */
export async function insertSealIfMissing(db: AnyDb, row: SealRow): Promise<void> {
  await q(db)
    .insertInto('certificate_seals')
    .values(row)
    .onConflict((oc) => oc.column('ente_id').doNothing())
    .execute();
}

/** The enti holding a certificate with this number or PDF hash: ids only, read outside any tenant. */
export async function entiHolding(db: Db, column: 'number' | 'pdf_sha256', value: string) {
  return q(db)
    .selectFrom('certificates')
    .select(['ente_id', 'number'])
    .where(column, '=', value)
    .limit(50)
    .execute();
}

/** A certificate without its document (lists). */
export type CertificateSummary = Omit<CertificateRow, 'pdf'>;
const SUMMARY_COLUMNS = [
  'ente_id',
  'id',
  'number',
  'verification_code',
  'type',
  'subject_fiscal_code',
  'channel',
  'requester_user_id',
  'requester_fiscal_code',
  'operator_id',
  'exemption_code',
  'stamp_duty_cents',
  'stamp_duty_mark',
  'status',
  'payment_position_id',
  'requested_at',
  'issued_at',
  'pdf_sha256',
  'revoked_at',
  'revoked_reason',
] as const;

/** The certificates a citizen requested online, and those issued about them at the counter. */
export async function listForCitizen(
  db: AnyDb,
  enteId: string,
  fiscalCode: string,
  limit = 100,
): Promise<CertificateSummary[]> {
  return (await q(db)
    .selectFrom('certificates')
    .select(SUMMARY_COLUMNS)
    .where('ente_id', '=', enteId)
    .where((eb) =>
      eb.or([
        eb('requester_fiscal_code', '=', fiscalCode),
        eb.and([eb('channel', '=', 'counter'), eb('subject_fiscal_code', '=', fiscalCode)]),
      ]),
    )
    .orderBy('requested_at', 'desc')
    .limit(limit)
    .execute()) as CertificateSummary[];
}

export interface OfficeFilter {
  number?: string | undefined;
  fiscalCode?: string | undefined;
  type?: CertificateType | undefined;
  status?: CertificateStatus | undefined;
  channel?: Channel | undefined;
}

/** The ente's certificates for the back office, newest first, with the total for paging. */
export async function listForOffice(
  db: AnyDb,
  enteId: string,
  filter: OfficeFilter,
  page: { limit: number; offset: number },
): Promise<{ items: CertificateSummary[]; total: number }> {
  let query = q(db).selectFrom('certificates').where('ente_id', '=', enteId);
  if (filter.number) query = query.where('number', '=', filter.number);
  if (filter.fiscalCode)
    query = query.where((eb) =>
      eb.or([
        eb('subject_fiscal_code', '=', filter.fiscalCode!),
        eb('requester_fiscal_code', '=', filter.fiscalCode!),
      ]),
    );
  if (filter.type) query = query.where('type', '=', filter.type);
  if (filter.status) query = query.where('status', '=', filter.status);
  if (filter.channel) query = query.where('channel', '=', filter.channel);
  const [items, count] = await Promise.all([
    query
      .select(SUMMARY_COLUMNS)
      .orderBy('requested_at', 'desc')
      .limit(page.limit)
      .offset(page.offset)
      .execute(),
    query.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items: items as CertificateSummary[], total: Number(count.n) };
}

/** Revokes an issued certificate; false when it was not issued (already revoked, or awaiting payment). */
export async function revoke(
  trx: AnyDb,
  enteId: string,
  id: string,
  reason: string,
  at: Date,
): Promise<boolean> {
  const result = await q(trx)
    .updateTable('certificates')
    .set({ status: 'revoked', revoked_at: at, revoked_reason: reason })
    .where('ente_id', '=', enteId)
    .where('id', '=', id)
    .where('status', '=', 'issued')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export interface FigureRow {
  month: string;
  type: CertificateType;
  channel: Channel;
  issued: number;
  exempt: number;
}

/** Certificates issued by the ente per month (Europe/Rome), type and channel, from..to (months, inclusive). */
export async function issuedFigures(
  db: AnyDb,
  enteId: string,
  from: string,
  to: string,
): Promise<FigureRow[]> {
  const month = sql<string>`to_char(issued_at at time zone 'Europe/Rome', 'YYYY-MM')`;
  const rows = await q(db)
    .selectFrom('certificates')
    .select((eb) => [
      month.as('month'),
      'type',
      'channel',
      eb.fn.countAll<string>().as('issued'),
      sql<string>`count(*) filter (where stamp_duty_cents = 0)`.as('exempt'),
    ])
    .where('ente_id', '=', enteId)
    // Bounds as instants, so the figures index serves the range.
    .where('issued_at', '>=', sql<Date>`(${`${from}-01`})::timestamp at time zone 'Europe/Rome'`)
    .where(
      'issued_at',
      '<',
      sql<Date>`((${`${to}-01`})::date + interval '1 month')::timestamp at time zone 'Europe/Rome'`,
    )
    .groupBy([month, 'type', 'channel'])
    .orderBy(month)
    .orderBy('type')
    .execute();
  return rows.map((r) => ({ ...r, issued: Number(r.issued), exempt: Number(r.exempt) }));
}
