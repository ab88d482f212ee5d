// The population registry as the rest of the platform sees it: a RegistrySource answers who a person is,
// their registered family with each member's relationship to the head, their marriages or civil unions and
// cohabitation contracts. The local source reads this installation's tables; an ANPR adapter (the ANPR
// e-services C015/C021/… over PDND) can implement the same interface later.
import type { AnyDb } from '../../platform/db/database.ts';
import { withTenant } from '../../platform/db/tenant.ts';
import * as repo from './registry.repo.ts';
import {
  type RegistryCohabitation,
  type RegistryFamily,
  type RegistryPerson,
  type RegistryUnion,
  relationshipLabel,
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

type Rows = repo.SubjectRows;
type Partner = RegistryUnion['partner'];

function toPerson(r: Rows['persons'][number], citizenships: Rows['citizenships']): RegistryPerson {
  return {
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
  };
}

function toFamily(rows: Rows, people: Map<string, RegistryPerson>): RegistryFamily | null {
  const f = rows.family;
  if (!f) return null;
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
    members: rows.members.map((m) => {
      const person = people.get(m.person_id)!;
      return {
        person,
        relationship: m.relationship_code,
        relationshipLabel: relationshipLabel(m.relationship_code, person.sex),
      };
    }),
  };
}

/** The registry's rows about a person as the domain shapes, or null when not registered. */
function toSubject(rows: Rows | undefined): RegistrySubject | null {
  if (!rows) return null;
  const people = new Map(rows.persons.map((r) => [r.id, toPerson(r, rows.citizenships)]));
  const id = rows.subjectId;
  const partner = (row: { party1_id: string; party2_id: string }): Partner => {
    const p = people.get(row.party1_id === id ? row.party2_id : row.party1_id)!;
    return { id: p.id, fiscalCode: p.fiscalCode, surname: p.surname, givenName: p.givenName };
  };
  return {
    person: people.get(id)!,
    family: toFamily(rows, people),
    unions: rows.unions.map((u) => ({
      id: u.id,
      kind: u.kind,
      partner: partner(u),
      celebratedOn: u.celebrated_on,
      place: { code: u.place_code, name: u.place_name },
      endedOn: u.ended_on,
      endReason: u.end_reason,
    })),
    cohabitations: rows.cohabitations.map((c) => ({
      id: c.id,
      partner: partner(c),
      signedOn: c.signed_on,
      registeredOn: c.registered_on,
      endedOn: c.ended_on,
    })),
  };
}

/** The registry held by this installation, read under the ente's row-level security. */
export function localRegistry(db: AnyDb): RegistrySource {
  // Each question reads the whole subject: one statement, whatever part of it is asked for.
  const findSubject = (enteId: string, fiscalCode: string) =>
    withTenant(db, enteId, async (trx) =>
      toSubject(await repo.findSubjectRows(trx, enteId, fiscalCode.toUpperCase())),
    );
  return {
    findSubject,
    findPerson: async (enteId, fiscalCode) => (await findSubject(enteId, fiscalCode))?.person ?? null,
    findFamily: async (enteId, fiscalCode) => (await findSubject(enteId, fiscalCode))?.family ?? null,
    findUnions: async (enteId, fiscalCode) => (await findSubject(enteId, fiscalCode))?.unions ?? [],
    findCohabitations: async (enteId, fiscalCode) =>
      (await findSubject(enteId, fiscalCode))?.cohabitations ?? [],
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
