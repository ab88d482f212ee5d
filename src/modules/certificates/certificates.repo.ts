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

export async function setPosition(trx: AnyDb, enteId: string, id: string, positionId: string): Promise<void> {
  await q(trx)
    .updateTable('certificates')
    .set({ payment_position_id: positionId })
    .where('ente_id', '=', enteId)
    .where('id', '=', id)
    .execute();
}

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
