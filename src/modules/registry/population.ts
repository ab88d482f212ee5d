// The synthetic population of one comune, deterministic from a seed: the comune's demo citizens with their
// families first, then families of realistic sizes (singles, couples married, in civil union or
// cohabiting, children, three generations), some of foreign origin, some registered in AIRE (abroad).
// Yields one family at a time, so that a million people never sit in memory at once.

import { type Comune, EMIGRATION, foreignState, IMMIGRATION, ITALY } from './population-data.ts';
import { buildDemoFamily, type DemoCitizen, demoFamiliesOf } from './population-demo.ts';
import { FamilyBuilder, LAW_76_2016 } from './population-family.ts';
import { addYears, maxDate, type Origin } from './population-people.ts';
import { Prng } from './prng.ts';
import {
  CIVIL_PARTNER,
  type CivilStatus,
  COHABITANT,
  type FamilyBundle,
  HEAD,
  PARENT,
  type PersonRow,
  SPOUSE,
} from './registry.schema.ts';

export interface PopulationOptions {
  enteId: string;
  comune: Comune;
  /** People in total, the demo families included (never fewer than those). */
  size: number;
  seed: string;
  /** The day ages refer to: fixed, so that the output does not depend on today. */
  referenceDate?: string;
  demoCitizens?: DemoCitizen[];
}

export const REFERENCE_DATE = '2025-01-01';

type Kind = 'single' | 'couple' | 'parents' | 'single-parent' | 'three-generations';
const KINDS: readonly (readonly [Kind, number])[] = [
  ['single', 33],
  ['couple', 20],
  ['parents', 33],
  ['single-parent', 9],
  ['three-generations', 5],
];
const CHILDREN: readonly (readonly [number, number])[] = [
  [1, 50],
  [2, 38],
  [3, 12],
];

export interface PopulationStats {
  persons: number;
  families: number;
  omocodia: number;
}

/** Yields the families; `stats` fills in as it goes. */
export function* generatePopulation(
  options: PopulationOptions,
  stats?: PopulationStats,
): Generator<FamilyBundle> {
  const ref = options.referenceDate ?? REFERENCE_DATE;
  // The comune is part of the seed: two comuni seeded alike still get different people.
  const prng = new Prng(`${options.seed}:${options.comune.istatCode}`);
  const builder = new FamilyBuilder(prng, options.enteId, options.comune, ref);
  let persons = 0;
  let families = 0;
  const emit = () => {
    persons += builder.bundle.persons.length;
    families++;
    if (stats) Object.assign(stats, { persons, families, omocodia: builder.people.omocodiaCount });
    return builder.bundle;
  };
  for (const members of demoFamiliesOf(options.demoCitizens ?? [], options.comune.istatCode)) {
    buildDemoFamily(builder, members);
    yield emit();
  }
  while (persons < options.size) {
    const left = options.size - persons;
    const kind = prng.weighted(KINDS);
    const children = kind === 'parents' || kind === 'three-generations' ? prng.weighted(CHILDREN) : 1;
    const size =
      kind === 'single'
        ? 1
        : kind === 'single-parent'
          ? 2
          : kind === 'couple'
            ? 2
            : 2 + children + (kind === 'three-generations' ? 1 : 0);
    const aire = prng.chance(0.04) ? prng.weighted(EMIGRATION) : null;
    builder.begin(undefined, aire);
    if (size > left) single(builder);
    else if (kind === 'single') single(builder);
    else if (kind === 'single-parent') singleParent(builder);
    else family(builder, kind, kind === 'couple' ? 0 : children);
    yield emit();
  }
}

/** Foreign-born families (about one in eleven outside AIRE): state of birth and citizenships. */
function foreignOrigin(b: FamilyBuilder): string | null {
  return !b.bundle.family.aire && b.prng.chance(0.09) ? b.prng.weighted(IMMIGRATION) : null;
}

function citizenshipsOf(zCode: string | null, p: Prng): string[] | undefined {
  if (!zCode) return undefined;
  const own = foreignState(zCode).istatCode;
  return p.chance(0.25) ? [ITALY.istatCode, own] : [own];
}

function adult(
  b: FamilyBuilder,
  minAge: number,
  maxAge: number,
  zCode: string | null,
  civilStatus: CivilStatus,
  sex?: 'M' | 'F',
) {
  const s = sex ?? (b.prng.chance(0.5) ? 'M' : 'F');
  return {
    sex: s,
    birthDate: b.people.birthDateAged(minAge, maxAge),
    origin: zCode ? { zCode } : b.people.italianOrigin(),
    surname: b.people.surname(zCode ?? undefined),
    givenName: b.people.givenName(s, zCode ?? undefined),
    civilStatus,
    citizenships: citizenshipsOf(zCode, b.prng),
  };
}

/** Where the children of a family are born: abroad for AIRE families, mostly here otherwise. */
function childOrigin(b: FamilyBuilder): () => Origin {
  const abroad = b.bundle.family.country_code;
  return () => (abroad && b.prng.chance(0.7) ? { zCode: abroad } : b.people.italianOrigin(0));
}

function single(b: FamilyBuilder): void {
  const p = b.prng;
  const band = p.weighted([
    ['young', 30],
    ['middle', 35],
    ['old', 35],
  ] as const);
  const [min, max] = band === 'young' ? [20, 39] : band === 'middle' ? [40, 64] : [65, 98];
  const status: CivilStatus =
    band === 'young'
      ? p.chance(0.9)
        ? 1
        : 4
      : band === 'middle'
        ? p.weighted([
            [1, 50],
            [4, 35],
            [3, 15],
          ] as const)
        : p.weighted([
            [3, 60],
            [1, 20],
            [4, 20],
          ] as const);
  const zCode = foreignOrigin(b);
  const person = adult(b, min, max, zCode, status);
  b.add(person, HEAD, b.people.dateBetween(addYears(person.birthDate, 20), b.referenceDate));
}

function singleParent(b: FamilyBuilder): void {
  const zCode = foreignOrigin(b);
  const status = b.prng.weighted([
    [4, 60],
    [1, 30],
    [3, 10],
  ] as const);
  const head = b.add(adult(b, 30, 60, zCode, status), HEAD, null);
  b.bundle.members[0]!.since = b.people.dateBetween(addYears(head.birth_date, 20), b.referenceDate);
  b.bundle.family.established_on = b.bundle.members[0]!.since;
  b.children(1, [head], childOrigin(b), citizenshipsOf(zCode, b.prng));
}

/** A couple (married, civil union or cohabiting), their children, maybe a widowed parent of the head. */
function family(b: FamilyBuilder, kind: Kind, children: number): void {
  const p = b.prng;
  const zCode = foreignOrigin(b);
  const bond =
    children > 0
      ? p.weighted([
          ['marriage', 72],
          ['cohabiting', 28],
        ] as const)
      : p.weighted([
          ['marriage', 66],
          ['civil_union', 6],
          ['cohabiting', 28],
        ] as const);
  const [min, max] = kind === 'couple' ? [25, 85] : kind === 'parents' ? [28, 58] : [38, 58];
  const status: CivilStatus = bond === 'marriage' ? 2 : bond === 'civil_union' ? 6 : 1;
  const first = adult(b, min, max, zCode, status);
  const head = b.add(first, HEAD, null);
  const partnerSex = bond === 'civil_union' ? head.sex : head.sex === 'M' ? 'F' : 'M';
  const partnerAge = Math.max(20, ageOf(head, b.referenceDate) + p.int(-6, 6));
  const relationship = bond === 'marriage' ? SPOUSE : bond === 'civil_union' ? CIVIL_PARTNER : COHABITANT;
  const partner = b.add(adult(b, partnerAge, partnerAge, zCode, status, partnerSex), relationship, null);
  const since =
    bond === 'cohabiting'
      ? b.people.dateBetween(addYears(maxDate(head.birth_date, partner.birth_date), 20), b.referenceDate)
      : b.unite(head, partner, bond, bond === 'civil_union' ? LAW_76_2016 : undefined);
  if (bond === 'cohabiting' && p.chance(0.35) && since >= LAW_76_2016) b.cohabitationContract(head, partner);
  b.bundle.family.established_on = since;
  for (const m of b.bundle.members) m.since = since;
  if (children > 0) b.children(children, [head, partner], childOrigin(b), citizenshipsOf(zCode, p));
  if (kind === 'three-generations') {
    const age = ageOf(head, b.referenceDate) + p.int(22, 38);
    const parent = adult(b, age, age, zCode, 3);
    // A widowed father shares the head's surname; a mother keeps her own.
    if (parent.sex === 'M') parent.surname = head.surname;
    b.add(parent, PARENT, b.people.dateBetween(since, b.referenceDate));
  }
}

const ageOf = (person: PersonRow, ref: string) => {
  const years = Number(ref.slice(0, 4)) - Number(person.birth_date.slice(0, 4));
  return ref.slice(5) < person.birth_date.slice(5) ? years - 1 : years;
};
