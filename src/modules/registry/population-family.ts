// Builds one family of the synthetic population at a time: its address (in the comune, or abroad for an
// AIRE family), its members with their ANPR relationship to the head, marriages, civil unions,
// cohabitation contracts and children.
import {
  COLLIDING_TWIN_NAMES,
  type Comune,
  FOREIGN_ADDRESSES,
  foreignState,
  STREETS,
} from './population-data.ts';
import {
  addYears,
  maxDate,
  minDate,
  type NewPerson,
  type Origin,
  PeopleFactory,
} from './population-people.ts';
import type { Prng } from './prng.ts';
import { CHILD, type FamilyBundle, HEAD, type PersonRow, type Relationship } from './registry.schema.ts';

/** Civil unions and cohabitation contracts exist since L. 76/2016, in force 5 June 2016. */
export const LAW_76_2016 = '2016-06-05';

export class FamilyBuilder {
  readonly people: PeopleFactory;
  bundle!: FamilyBundle;
  #familySeq = 0;
  #aire = false;
  #forceCollidingTwins = true;

  constructor(
    readonly prng: Prng,
    readonly enteId: string,
    readonly comune: Comune,
    readonly referenceDate: string,
  ) {
    this.people = new PeopleFactory(prng, enteId, comune, referenceDate);
  }

  /** Starts a family at an address in the comune, or abroad (AIRE) when a foreign state is given. */
  begin(address?: { street: string; civic: string | null }, aireState: string | null = null): void {
    const p = this.prng;
    const abroad = aireState ? FOREIGN_ADDRESSES[aireState] : undefined;
    this.#aire = aireState !== null;
    this.bundle = {
      family: {
        ente_id: this.enteId,
        id: p.uuid(),
        family_code: String(++this.#familySeq),
        aire: this.#aire,
        street: address?.street ?? abroad?.street ?? p.pick(STREETS),
        civic_number: address ? address.civic : String(p.int(1, 180)),
        postal_code: aireState ? null : this.comune.postalCode,
        locality: abroad ? p.pick(abroad.cities) : this.comune.name,
        country_code: aireState,
        country_name: aireState ? foreignState(aireState).name : null,
        established_on: null,
      },
      persons: [],
      citizenships: [],
      members: [],
      unions: [],
      cohabitations: [],
    };
  }

  add(person: Omit<NewPerson, 'aire'>, relationship: Relationship, since: string | null): PersonRow {
    const { row, citizenships } = this.people.create({ ...person, aire: this.#aire });
    const b = this.bundle;
    b.persons.push(row);
    b.citizenships.push(...citizenships);
    b.members.push({
      ente_id: this.enteId,
      person_id: row.id,
      family_id: b.family.id,
      relationship_code: relationship,
      member_order: b.members.length + 1,
      since,
    });
    if (relationship === HEAD) b.family.established_on = since;
    return row;
  }

  /** A marriage or civil union of two members, celebrated after both turned 20 (and after `from`). */
  unite(a: PersonRow, b: PersonRow, kind: 'marriage' | 'civil_union', from = '0000-01-01'): string {
    const earliest = maxDate(addYears(maxDate(a.birth_date, b.birth_date), 20), from);
    const on = this.people.dateBetween(earliest, minDate(this.referenceDate, addYears(earliest, 12)));
    const here = this.prng.chance(0.7);
    this.bundle.unions.push({
      ente_id: this.enteId,
      id: this.prng.uuid(),
      kind,
      party1_id: a.id,
      party2_id: b.id,
      celebrated_on: on,
      place_code: here ? this.comune.belfiore : (a.birth_comune_code ?? a.birth_country_code!),
      place_name: here ? this.comune.name : (a.birth_comune_name ?? a.birth_country_name!),
      ended_on: null,
      end_reason: null,
    });
    return on;
  }

  cohabitationContract(a: PersonRow, b: PersonRow): void {
    const earliest = maxDate(LAW_76_2016, addYears(maxDate(a.birth_date, b.birth_date), 20));
    const signed = this.people.dateBetween(earliest, this.referenceDate);
    this.bundle.cohabitations.push({
      ente_id: this.enteId,
      id: this.prng.uuid(),
      party1_id: a.id,
      party2_id: b.id,
      signed_on: signed,
      // The professional sends the contract to the comune within ten days.
      registered_on: this.people.dateBetween(signed, minDate(this.referenceDate, addDays(signed, 10))),
      ended_on: null,
    });
  }

  /** Children of the parents: younger than both, born while the mother was at most 45, now at most 30. */
  children(count: number, parents: PersonRow[], origin: () => Origin, citizenships?: string[]): void {
    const father = parents.find((x) => x.sex === 'M');
    const mother = parents.find((x) => x.sex === 'F') ?? parents[0]!;
    const youngest = parents.reduce((y, x) => maxDate(y, x.birth_date), '0000-01-01');
    const from = maxDate(addYears(youngest, 18), addYears(this.referenceDate, -30));
    const to = minDate(this.referenceDate, addYears(mother.birth_date, 45));
    const surname = (father ?? parents[0]!).surname;
    for (let left = count; left > 0; ) {
      const sex = this.prng.chance(0.51) ? 'M' : 'F';
      const birthDate = this.people.dateBetween(from, to);
      const twins = left >= 2 && (this.#forceCollidingTwins || this.prng.chance(0.02));
      const names = twins ? this.#twinNames(sex) : [this.people.givenName(sex)];
      const place = origin();
      for (const givenName of names) {
        this.add(
          { sex, birthDate, origin: place, surname, givenName, civilStatus: 1, citizenships },
          CHILD,
          birthDate,
        );
      }
      left -= names.length;
    }
  }

  /** Twins named so that their fiscal codes coincide: the first pair of a run, then one in three. */
  #twinNames(sex: 'M' | 'F'): string[] {
    if (this.#forceCollidingTwins || this.prng.chance(0.33)) {
      this.#forceCollidingTwins = false;
      return [...COLLIDING_TWIN_NAMES[sex]];
    }
    return [this.people.givenName(sex), this.people.givenName(sex)];
  }
}

const addDays = (iso: string, days: number) =>
  new Date(Date.parse(`${iso}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
