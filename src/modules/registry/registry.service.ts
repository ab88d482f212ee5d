// The population registry as the rest of the platform sees it: a RegistrySource answers who a person is,
// their registered family with each member's relationship to the head, their marriages or civil unions and
// cohabitation contracts. The local source reads this installation's tables; an ANPR adapter (the ANPR
// e-services C015/C021/… over PDND) can implement the same interface later.
import type { AnyDb } from '../../platform/db/database.ts';
import { withTenant } from '../../platform/db/tenant.ts';
import * as repo from './registry.repo.ts';
import {
  RELATIONSHIP,
  type RegistryCohabitation,
  type RegistryFamily,
  type RegistryPerson,
  type RegistryUnion,
} from './registry.schema.ts';

export interface RegistrySource {
  findPerson(enteId: string, fiscalCode: string): Promise<RegistryPerson | null>;
  /** The person's registered family (famiglia anagrafica), or null when not registered in one. */
  findFamily(enteId: string, fiscalCode: string): Promise<RegistryFamily | null>;
  /** Marriages and civil unions, the most recent first (ended ones included). */
  findUnions(enteId: string, fiscalCode: string): Promise<RegistryUnion[]>;
  findCohabitations(enteId: string, fiscalCode: string): Promise<RegistryCohabitation[]>;
  /** All of the above at once (one read of the registry), or null when the person is not registered. */
  findSubject(enteId: string, fiscalCode: string): Promise<RegistrySubject | null>;
}

export interface RegistrySubject {
  person: RegistryPerson;
  family: RegistryFamily | null;
  unions: RegistryUnion[];
  cohabitations: RegistryCohabitation[];
}

type PersonColumns = NonNullable<Awaited<ReturnType<typeof repo.findPersonByFiscalCode>>>;

async function toPersons(db: AnyDb, enteId: string, rows: PersonColumns[]): Promise<RegistryPerson[]> {
  const citizenships = await repo.citizenshipsOf(
    db,
    enteId,
    rows.map((r) => r.id),
  );
  return rows.map((r) => ({
    id: r.id,
    fiscalCode: r.fiscal_code,
    surname: r.surname,
    givenName: r.given_name,
    sex: r.sex,
    birthDate: r.birth_date,
    birthPlace: r.birth_comune_code
      ? { kind: 'comune', code: r.birth_comune_code, name: r.birth_comune_name!, province: r.birth_province }
      : { kind: 'abroad', code: r.birth_country_code!, country: r.birth_country_name! },
    citizenships: citizenships
      .filter((c) => c.person_id === r.id)
      .map((c) => ({ stateCode: c.state_code, stateName: c.state_name })),
    civilStatus: r.civil_status,
    deathDate: r.death_date,
    aire: r.aire,
  }));
}

const partnerOf = (personId: string, row: { party1_id: string; party2_id: string }) =>
  row.party1_id === personId ? row.party2_id : row.party1_id;

async function partners(db: AnyDb, enteId: string, ids: string[]) {
  const rows = await repo.findPersonsByIds(db, enteId, ids);
  return new Map(
    rows.map((r) => [
      r.id,
      { id: r.id, fiscalCode: r.fiscal_code, surname: r.surname, givenName: r.given_name },
    ]),
  );
}

type PersonRow = PersonColumns;

async function familyIn(trx: AnyDb, enteId: string, row: PersonRow): Promise<RegistryFamily | null> {
  const found = await repo.findFamilyOf(trx, enteId, row.id);
  if (!found) return null;
  const rows = await repo.findPersonsByIds(
    trx,
    enteId,
    found.members.map((m) => m.person_id),
  );
  const people = new Map((await toPersons(trx, enteId, rows)).map((p) => [p.id, p]));
  const f = found.family;
  return {
    id: f.id,
    familyCode: f.family_code,
    aire: f.aire,
    address: {
      street: f.street,
      civicNumber: f.civic_number,
      postalCode: f.postal_code,
      locality: f.locality,
      country: f.country_code ? { code: f.country_code, name: f.country_name! } : null,
    },
    establishedOn: f.established_on,
    members: found.members.map((m) => ({
      person: people.get(m.person_id)!,
      relationship: m.relationship_code,
      relationshipLabel: RELATIONSHIP[m.relationship_code],
    })),
  };
}

async function unionsIn(trx: AnyDb, enteId: string, row: PersonRow): Promise<RegistryUnion[]> {
  const unions = await repo.unionsOf(trx, enteId, row.id);
  const who = await partners(
    trx,
    enteId,
    unions.map((u) => partnerOf(row.id, u)),
  );
  return unions.map((u) => ({
    id: u.id,
    kind: u.kind,
    partner: who.get(partnerOf(row.id, u))!,
    celebratedOn: u.celebrated_on,
    place: { code: u.place_code, name: u.place_name },
    endedOn: u.ended_on,
    endReason: u.end_reason,
  }));
}

async function cohabitationsIn(trx: AnyDb, enteId: string, row: PersonRow): Promise<RegistryCohabitation[]> {
  const contracts = await repo.cohabitationsOf(trx, enteId, row.id);
  const who = await partners(
    trx,
    enteId,
    contracts.map((c) => partnerOf(row.id, c)),
  );
  return contracts.map((c) => ({
    id: c.id,
    partner: who.get(partnerOf(row.id, c))!,
    signedOn: c.signed_on,
    registeredOn: c.registered_on,
    endedOn: c.ended_on,
  }));
}

/** The registry held by this installation, read under the ente's row-level security. */
export function localRegistry(db: AnyDb): RegistrySource {
  /** Reads what `read` needs about the person in one tenant transaction; `none` when not registered. */
  const about = <T>(
    enteId: string,
    fiscalCode: string,
    none: T,
    read: (trx: AnyDb, row: PersonRow) => Promise<T>,
  ) =>
    withTenant(db, enteId, async (trx) => {
      const row = await repo.findPersonByFiscalCode(trx, enteId, fiscalCode.toUpperCase());
      return row ? read(trx, row) : none;
    });
  return {
    findPerson: (enteId, fiscalCode) =>
      about(enteId, fiscalCode, null, async (trx, row) => (await toPersons(trx, enteId, [row]))[0]!),
    findFamily: (enteId, fiscalCode) =>
      about(enteId, fiscalCode, null, (trx, row) => familyIn(trx, enteId, row)),
    findUnions: (enteId, fiscalCode) =>
      about(enteId, fiscalCode, [], (trx, row) => unionsIn(trx, enteId, row)),
    findCohabitations: (enteId, fiscalCode) =>
      about(enteId, fiscalCode, [], (trx, row) => cohabitationsIn(trx, enteId, row)),
    findSubject: (enteId, fiscalCode) =>
      about(enteId, fiscalCode, null, async (trx, row) => ({
        person: (await toPersons(trx, enteId, [row]))[0]!,
        family: await familyIn(trx, enteId, row),
        unions: await unionsIn(trx, enteId, row),
        cohabitations: await cohabitationsIn(trx, enteId, row),
      })),
  };
}

/**
 * Whether the subject (as the registry holds them, or null) is `requester` or a member of the requester's
 * registered family (certificates): then the requester is in the subject's family too.
 */
export function isSelfOrFamily(subject: RegistrySubject | null, requester: string): boolean {
  const own = requester.toUpperCase();
  if (!subject) return false;
  return (
    subject.person.fiscalCode === own ||
    (subject.family?.members.some((m) => m.person.fiscalCode === own) ?? false)
  );
}
