// Types of the population registry: the tables (migrations/0012_registry.sql), the ANPR code tables the
// certificates need, and the domain shapes a RegistrySource returns.
import type { Lang } from '../../platform/i18n/index.ts';

/** ANPR Tabella 01 – stato civile. */
export const CIVIL_STATUS = {
  1: 'celibe/nubile',
  2: 'coniugato/a',
  3: 'vedovo/a',
  4: 'divorziato/a',
  6: 'unito civilmente',
  7: 'stato libero a seguito di decesso della parte unita civilmente',
  8: "stato libero a seguito di scioglimento dell'unione",
  9: 'non classificabile',
} as const;
export type CivilStatus = keyof typeof CIVIL_STATUS;

/** ANPR Tabella 05 – relazione di parentela (the codes still in use). */
export const RELATIONSHIP = {
  1: 'intestatario scheda',
  2: 'marito/moglie',
  3: 'figlio/figlia',
  4: 'nipote (discendente)',
  5: 'pronipote (discendente)',
  6: 'padre/madre',
  7: 'nonno/nonna',
  8: 'bisnonno/bisnonna',
  9: 'fratello/sorella',
  10: 'nipote (collaterale)',
  11: 'zio/zia (collaterale)',
  12: 'cugino/cugina',
  13: 'altro parente',
  16: 'genero/nuora',
  17: 'suocero/suocera',
  18: 'cognato/cognata',
  20: 'nipote (affine)',
  21: 'zio/zia (affine)',
  22: 'altro affine',
  23: 'convivente (con vincoli di adozione o affettivi)',
  24: 'responsabile della convivenza non affettiva',
  25: 'convivente in convivenza non affettiva',
  26: 'tutore',
  28: 'unito civilmente',
  81: 'nipote',
  99: 'non definito/comunicato',
} as const;
export type Relationship = keyof typeof RELATIONSHIP;

/** The same relationships in English, for the pages (certificates always say them in Italian). */
const RELATIONSHIP_EN: Record<Relationship, string> = {
  1: 'head of the family sheet',
  2: 'husband/wife',
  3: 'son/daughter',
  4: 'grandson/granddaughter',
  5: 'great-grandson/great-granddaughter',
  6: 'father/mother',
  7: 'grandfather/grandmother',
  8: 'great-grandfather/great-grandmother',
  9: 'brother/sister',
  10: 'nephew/niece',
  11: 'uncle/aunt',
  12: 'cousin',
  13: 'other relative',
  16: 'son-in-law/daughter-in-law',
  17: 'father-in-law/mother-in-law',
  18: 'brother-in-law/sister-in-law',
  20: 'nephew/niece (by marriage)',
  21: 'uncle/aunt (by marriage)',
  22: 'other relative by marriage',
  23: 'cohabitant (adoptive or emotional ties)',
  24: 'head of a non-family cohabitation',
  25: 'member of a non-family cohabitation',
  26: 'guardian',
  28: 'civil partner',
  81: 'grandchild or nephew/niece',
  99: 'not defined or not reported',
};

/**
 * The relationship as said of this person: ANPR's "marito/moglie" is "moglie" for a woman, "zio/zia
 * (collaterale)" "zio (collaterale)" for a man; labels without a masculine/feminine pair stay as they are.
 */
export function relationshipLabel(code: Relationship, sex: 'M' | 'F', lang: Lang = 'it'): string {
  const label: string = lang === 'en' ? RELATIONSHIP_EN[code] : RELATIONSHIP[code];
  const pair = /^(\p{L}+)\/(\p{L}+)( .*)?$/u.exec(label);
  if (!pair) return label;
  return `${sex === 'M' ? pair[1] : pair[2]}${pair[3] ?? ''}`;
}
export const HEAD = 1;
export const SPOUSE = 2;
export const CHILD = 3;
export const PARENT = 6;
export const COHABITANT = 23;
export const CIVIL_PARTNER = 28;

// Rows as stored (dates as ISO strings YYYY-MM-DD); the generator produces them, the repo inserts them.
export interface PersonRow {
  ente_id: string;
  id: string;
  fiscal_code: string;
  surname: string;
  given_name: string;
  sex: 'M' | 'F';
  birth_date: string;
  birth_comune_code: string | null;
  birth_comune_name: string | null;
  birth_province: string | null;
  birth_country_code: string | null;
  birth_country_name: string | null;
  civil_status: CivilStatus;
  death_date: string | null;
  aire: boolean;
}

export interface CitizenshipRow {
  ente_id: string;
  person_id: string;
  state_code: string;
  state_name: string;
  since: string | null;
}

export interface FamilyRow {
  ente_id: string;
  id: string;
  family_code: string;
  aire: boolean;
  street: string;
  civic_number: string | null;
  postal_code: string | null;
  locality: string;
  country_code: string | null;
  country_name: string | null;
  established_on: string | null;
}

export interface MemberRow {
  ente_id: string;
  person_id: string;
  family_id: string;
  relationship_code: Relationship;
  member_order: number;
  since: string | null;
}

export interface UnionRow {
  ente_id: string;
  id: string;
  kind: 'marriage' | 'civil_union';
  party1_id: string;
  party2_id: string;
  celebrated_on: string;
  place_code: string;
  place_name: string;
  ended_on: string | null;
  end_reason: 'death' | 'divorce' | 'dissolution' | null;
}

export interface CohabitationRow {
  ente_id: string;
  id: string;
  party1_id: string;
  party2_id: string;
  signed_on: string;
  registered_on: string;
  ended_on: string | null;
}

export type RegistryTables = {
  registry_persons: PersonRow & { created_at?: Date };
  registry_citizenships: CitizenshipRow;
  registry_families: FamilyRow;
  registry_family_members: MemberRow;
  registry_unions: UnionRow;
  registry_cohabitations: CohabitationRow;
};

/** One family as generated: everything inserted together. */
export interface FamilyBundle {
  family: FamilyRow;
  persons: PersonRow[];
  citizenships: CitizenshipRow[];
  members: MemberRow[];
  unions: UnionRow[];
  cohabitations: CohabitationRow[];
}

// Domain shapes.
export type BirthPlace =
  | { kind: 'comune'; code: string; name: string; province: string | null }
  | { kind: 'abroad'; code: string; country: string };

export interface RegistryPerson {
  id: string;
  fiscalCode: string;
  surname: string;
  givenName: string;
  sex: 'M' | 'F';
  birthDate: string;
  birthPlace: BirthPlace;
  citizenships: { stateCode: string; stateName: string }[];
  civilStatus: CivilStatus;
  deathDate: string | null;
  aire: boolean;
}

export interface RegistryFamily {
  id: string;
  familyCode: string;
  aire: boolean;
  address: {
    street: string;
    civicNumber: string | null;
    postalCode: string | null;
    locality: string;
    country: { code: string; name: string } | null;
  };
  establishedOn: string | null;
  /** In the order of the family sheet, the head first. */
  members: { person: RegistryPerson; relationship: Relationship; relationshipLabel: string }[];
}

export interface RegistryUnion {
  id: string;
  kind: 'marriage' | 'civil_union';
  partner: { id: string; fiscalCode: string; surname: string; givenName: string };
  celebratedOn: string;
  place: { code: string; name: string };
  endedOn: string | null;
  endReason: 'death' | 'divorce' | 'dissolution' | null;
}

export interface RegistryCohabitation {
  id: string;
  partner: { id: string; fiscalCode: string; surname: string; givenName: string };
  signedOn: string;
  registeredOn: string;
  endedOn: string | null;
}
