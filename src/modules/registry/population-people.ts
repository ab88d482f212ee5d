// The people of the synthetic population: dates, birth places, names and unique fiscal codes. One
// PeopleFactory per run: it remembers every fiscal code given out, so a second person whose data give
// the same code gets the omocodia variant, as the Agenzia delle Entrate does.
import { computeFiscalCode, omocode } from './fiscal-code.ts';
import {
  allComuni,
  type Comune,
  EMIGRATION,
  FEMALE_NAMES,
  FOREIGN_NAMES,
  foreignState,
  foreignStates,
  ITALY,
  MALE_NAMES,
  SURNAMES,
} from './population-data.ts';
import type { Prng } from './prng.ts';
import type { CitizenshipRow, CivilStatus, PersonRow } from './registry.schema.ts';

const DAY = 86_400_000;
export const toDays = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / DAY;
export const fromDays = (days: number) => new Date(Math.round(days) * DAY).toISOString().slice(0, 10);
export const addYears = (iso: string, years: number) =>
  `${String(Number(iso.slice(0, 4)) + years).padStart(4, '0')}${iso.slice(4, 7)}-${iso.slice(8) === '29' && iso.slice(5, 7) === '02' ? '28' : iso.slice(8)}`;
export const maxDate = (a: string, b: string) => (a > b ? a : b);
export const minDate = (a: string, b: string) => (a < b ? a : b);

/** Where a person was born: a comune (Belfiore) or a foreign state (Z-code). */
export type Origin = { comune: Comune } | { zCode: string };

export interface NewPerson {
  sex: 'M' | 'F';
  birthDate: string;
  origin: Origin;
  surname: string;
  givenName: string;
  civilStatus: CivilStatus;
  aire: boolean;
  /** ISTAT state codes (100 = Italy); Italy when omitted. */
  citizenships?: string[];
  /** A code assigned elsewhere (the demo citizens): kept as is. */
  fiscalCode?: string;
}

export class PeopleFactory {
  readonly usedCodes = new Set<string>();
  omocodiaCount = 0;
  readonly #province: Comune[];
  readonly #italy: Comune[];

  constructor(
    readonly prng: Prng,
    readonly enteId: string,
    readonly home: Comune,
    readonly referenceDate: string,
  ) {
    this.#italy = allComuni();
    this.#province = this.#italy.filter((c) => c.province === home.province);
  }

  /** A birth date for someone aged between minAge and maxAge on the reference date. */
  birthDateAged(minAge: number, maxAge: number): string {
    const latest = toDays(addYears(this.referenceDate, -minAge));
    const earliest = toDays(addYears(this.referenceDate, -maxAge - 1)) + 1;
    return fromDays(this.prng.int(earliest, latest));
  }

  dateBetween(from: string, to: string): string {
    return fromDays(this.prng.int(toDays(from), Math.max(toDays(from), toDays(to))));
  }

  /** Italian-born mostly here or in the province; a few anywhere in Italy or abroad (returned emigrants). */
  italianOrigin(abroadShare = 0.03): Origin {
    const p = this.prng;
    if (p.chance(abroadShare)) return { zCode: p.weighted(EMIGRATION) };
    const r = p.next();
    if (r < 0.45) return { comune: this.home };
    return { comune: r < 0.8 ? p.pick(this.#province) : p.pick(this.#italy) };
  }

  givenName(sex: 'M' | 'F', zCode?: string): string {
    const foreign = zCode ? FOREIGN_NAMES[zCode] : undefined;
    return this.prng.pick(foreign ? foreign[sex] : sex === 'M' ? MALE_NAMES : FEMALE_NAMES);
  }

  surname(zCode?: string): string {
    const foreign = zCode ? FOREIGN_NAMES[zCode] : undefined;
    return this.prng.pick(foreign ? foreign.surnames : SURNAMES);
  }

  /** The person's fiscal code: computed, then the first free omocodia variant if it is taken. */
  fiscalCode(person: NewPerson): string {
    const base = computeFiscalCode({
      surname: person.surname,
      name: person.givenName,
      birthDate: person.birthDate,
      sex: person.sex,
      birthPlace: 'zCode' in person.origin ? person.origin.zCode : person.origin.comune.belfiore,
    });
    if (person.fiscalCode) {
      // A given variant implies its base code belongs to somebody else: keep both away from others.
      this.usedCodes.add(base);
      return person.fiscalCode;
    }
    let code = base;
    for (let level = 1; this.usedCodes.has(code); level++) {
      if (level > 7) throw new Error(`no free omocodia variant of ${base}`);
      code = omocode(base, level);
    }
    if (code !== base) this.omocodiaCount++;
    return code;
  }

  create(person: NewPerson): { row: PersonRow; citizenships: CitizenshipRow[] } {
    const fiscalCode = this.fiscalCode(person);
    this.usedCodes.add(fiscalCode);
    const abroad = 'zCode' in person.origin ? foreignState(person.origin.zCode) : null;
    const comune = 'comune' in person.origin ? person.origin.comune : null;
    const row: PersonRow = {
      ente_id: this.enteId,
      id: this.prng.uuid(),
      fiscal_code: fiscalCode,
      surname: person.surname,
      given_name: person.givenName,
      sex: person.sex,
      birth_date: person.birthDate,
      birth_comune_code: comune?.belfiore ?? null,
      birth_comune_name: comune?.name ?? null,
      birth_province: comune?.province ?? null,
      birth_country_code: abroad?.zCode ?? null,
      birth_country_name: abroad?.name ?? null,
      civil_status: person.civilStatus,
      death_date: null,
      aire: person.aire,
    };
    const citizenships = (person.citizenships ?? [ITALY.istatCode]).map((code) => ({
      ente_id: this.enteId,
      person_id: row.id,
      state_code: code,
      state_name: code === ITALY.istatCode ? ITALY.name : stateName(code),
      since: code === ITALY.istatCode ? null : person.birthDate,
    }));
    return { row, citizenships };
  }
}

function stateName(istatCode: string): string {
  const state = foreignStates().find((s) => s.istatCode === istatCode);
  if (!state) throw new Error(`unknown state ${istatCode}`);
  return state.name;
}
