// From the cells of one import record to what the registry stores, with every problem of the record itself
// named by its column: required values, fiscal codes (check character, omocodia), dates (31/12/1980 or
// 1980-12-31), sex, places (Belfiore code of a comune or Z-code of a foreign state), citizenships, ANPR codes
// (civil status, relationship to the head). References to other records are checked when applied.
import { todayInRome } from '../../platform/dates.ts';
import { isValidFiscalCode } from './fiscal-code.ts';
import {
  CIVIL_STATUS,
  type CivilStatus,
  type CohabitationRow,
  type FamilyRow,
  HEAD,
  type PersonRow,
  RELATIONSHIP,
  type Relationship,
  type UnionRow,
} from './registry.schema.ts';
import {
  CITIZENSHIP_COLUMNS,
  COLUMNS,
  citizenshipColumn,
  citizenshipSinceColumn,
  columnsOf,
  END_REASONS,
  EXTRA_CELLS,
  isRecordKind,
  KIND_COLUMN,
  type RecordKind,
} from './registry-import-format.ts';
import {
  knownPlaces,
  normalizeFamilyCode,
  normalizeFiscalCode,
  parseDay,
  placeOf,
  stateByIstat,
} from './registry-import-values.ts';

export type ImportRule =
  | 'required'
  | 'tooLong'
  | 'kind'
  | 'notForKind'
  | 'columns'
  | 'fiscalCode'
  | 'date'
  | 'futureDate'
  | 'dateOrder'
  | 'sex'
  | 'place'
  | 'country'
  | 'citizenship'
  | 'citizenshipTwice'
  | 'civilStatus'
  | 'relationship'
  | 'familyCode'
  | 'yesNo'
  | 'order'
  | 'endReason'
  | 'sameParty'
  | 'duplicate'
  | 'familyUnknown'
  | 'personUnknown'
  | 'headTaken'
  | 'orderTaken'
  | 'aireMismatch'
  | 'unexpected';

export interface RowIssue {
  field: string;
  rule: ImportRule;
  /** dateOrder: the column the date may not precede; duplicate: the row it repeats. */
  other?: string;
}

export interface RecordInput {
  rowNumber: number;
  kind: string;
  cells: Record<string, string>;
}

type Stored<T> = Omit<T, 'ente_id' | 'id'>;
export type FamilyDraft = { kind: 'famiglia'; family: Stored<FamilyRow> };
export interface PersonDraft {
  kind: 'persona';
  person: Omit<Stored<PersonRow>, 'aire'>;
  /** As written; null when the column is empty (then the family's). */
  aire: boolean | null;
  citizenships: { state_code: string; state_name: string; since: string | null }[];
  membership: {
    familyCode: string;
    relationship: Relationship;
    order: number | null;
    since: string | null;
  } | null;
}
export type UnionDraft = {
  kind: 'matrimonio' | 'unione_civile';
  parties: [string, string];
  union: Omit<Stored<UnionRow>, 'party1_id' | 'party2_id'>;
};
export type CohabitationDraft = {
  kind: 'convivenza';
  parties: [string, string];
  cohabitation: Omit<Stored<CohabitationRow>, 'party1_id' | 'party2_id'>;
};
export type Draft = FamilyDraft | PersonDraft | UnionDraft | CohabitationDraft;

/** Reads the cells of one record, collecting its problems (one per column). */
function cellReader(row: RecordInput, kind: RecordKind) {
  const issues: RowIssue[] = [];
  const add = (field: string, rule: ImportRule, other?: string) => {
    if (!issues.some((i) => i.field === field)) issues.push({ field, rule, ...(other ? { other } : {}) });
  };
  const today = todayInRome();
  const r = {
    issues,
    add,
    text(field: string, max = 200): string | null {
      const value = row.cells[field] ?? '';
      if (value.length > max) add(field, 'tooLong');
      return value === '' ? null : value;
    },
    day(field: string, after?: { field: string; day: string | null }): string | null {
      const text = row.cells[field];
      if (!text) return null;
      const day = parseDay(text);
      if (!day) add(field, 'date');
      else if (day > today) add(field, 'futureDate');
      else if (after?.day && day < after.day) add(field, 'dateOrder', after.field);
      return day;
    },
    fiscalCode(field: string): string {
      const code = normalizeFiscalCode(row.cells[field] ?? '');
      if (code && !isValidFiscalCode(code)) add(field, 'fiscalCode');
      return code;
    },
    place(field: string) {
      const code = (row.cells[field] ?? '').trim().toUpperCase();
      const place = code ? placeOf(code) : null;
      if (code && !place) add(field, 'place');
      return { code, place };
    },
    code<T extends number>(field: string, table: Record<T, string>, rule: ImportRule): T | null {
      const text = (row.cells[field] ?? '').trim();
      if (!text) return null;
      const n = Number(text);
      if (!/^\d{1,2}$/.test(text) || !(n in table)) add(field, rule);
      return n as T;
    },
  };
  for (const field of COLUMNS[kind].required) if (!row.cells[field]) add(field, 'required');
  const allowed = new Set([KIND_COLUMN, EXTRA_CELLS, ...columnsOf(kind)]);
  for (const field of Object.keys(row.cells)) if (!allowed.has(field)) add(field, 'notForKind');
  if (row.cells[EXTRA_CELLS]) add('riga', 'columns');
  return r;
}
type Reader = ReturnType<typeof cellReader>;

function family(r: Reader, cells: Record<string, string>): FamilyDraft {
  const code = normalizeFamilyCode(cells.codice_famiglia ?? '');
  if (code && !/^\d{1,12}$/.test(code)) r.add('codice_famiglia', 'familyCode');
  const country = (cells.stato_estero ?? '').trim().toUpperCase();
  const state = country ? placeOf(country) : null;
  if (country && state?.kind !== 'state') r.add('stato_estero', 'country');
  return {
    kind: 'famiglia',
    family: {
      family_code: code,
      aire: country !== '',
      street: r.text('indirizzo') ?? '',
      civic_number: r.text('civico', 20),
      postal_code: r.text('cap', 12),
      locality: r.text('localita', 120) ?? '',
      country_code: country || null,
      country_name: state?.name ?? null,
      established_on: r.day('data_costituzione'),
    },
  };
}

const YES = new Set(['si', 'sì', 's', 'true', '1', 'yes', 'y']);
const NO = new Set(['no', 'n', 'false', '0']);

function citizenships(r: Reader, cells: Record<string, string>, birthDate: string | null) {
  const list: PersonDraft['citizenships'] = [];
  for (let n = 1; n <= CITIZENSHIP_COLUMNS; n++) {
    const column = citizenshipColumn(n);
    const raw = (cells[column] ?? '').trim().toUpperCase();
    const since = r.day(citizenshipSinceColumn(n), { field: 'data_nascita', day: birthDate });
    if (!raw) {
      if (since) r.add(column, 'required');
      continue;
    }
    // The ISTAT code of the state (Italia = 100), or its Z-code.
    const istat = /^Z\d{3}$/.test(raw) ? knownPlaces().states.get(raw) : raw;
    const name = istat ? stateByIstat(istat) : undefined;
    if (!istat || !name) r.add(column, 'citizenship');
    else if (list.some((c) => c.state_code === istat)) r.add(column, 'citizenshipTwice');
    else list.push({ state_code: istat, state_name: name, since });
  }
  return list;
}

function person(r: Reader, cells: Record<string, string>): PersonDraft {
  const sex = (cells.sesso ?? '').trim().toUpperCase();
  if (sex && sex !== 'M' && sex !== 'F') r.add('sesso', 'sex');
  const birthDate = r.day('data_nascita');
  const birth = r.place('luogo_nascita');
  const abroad = birth.place?.kind === 'state';
  const aireText = (cells.aire ?? '').trim().toLowerCase();
  if (aireText && !YES.has(aireText) && !NO.has(aireText)) r.add('aire', 'yesNo');
  const familyCode = normalizeFamilyCode(cells.codice_famiglia ?? '');
  if (familyCode && !/^\d{1,12}$/.test(familyCode)) r.add('codice_famiglia', 'familyCode');
  const relationship = r.code<Relationship>('relazione_parentela', RELATIONSHIP, 'relationship');
  if (familyCode && relationship === null) r.add('relazione_parentela', 'required');
  const orderText = (cells.ordine ?? '').trim();
  const order = orderText === '' ? null : Number(orderText);
  if (order !== null && !(Number.isInteger(order) && order >= 1 && order <= 99)) r.add('ordine', 'order');
  for (const field of ['relazione_parentela', 'ordine', 'data_decorrenza']) {
    if (!familyCode && cells[field]) r.add('codice_famiglia', 'required');
  }
  return {
    kind: 'persona',
    person: {
      fiscal_code: r.fiscalCode('codice_fiscale'),
      surname: r.text('cognome', 120) ?? '',
      given_name: r.text('nome', 120) ?? '',
      sex: sex as 'M' | 'F',
      birth_date: birthDate ?? '',
      birth_comune_code: abroad ? null : birth.code,
      birth_comune_name: abroad ? null : (birth.place?.name ?? null),
      birth_province: abroad ? null : (birth.place?.province ?? null),
      birth_country_code: abroad ? birth.code : null,
      birth_country_name: abroad ? birth.place!.name : null,
      civil_status: r.code<CivilStatus>('stato_civile', CIVIL_STATUS, 'civilStatus') ?? 9,
      death_date: r.day('data_morte', { field: 'data_nascita', day: birthDate }),
    },
    aire: aireText ? YES.has(aireText) : null,
    citizenships: citizenships(r, cells, birthDate),
    membership: familyCode
      ? {
          familyCode,
          relationship: relationship ?? HEAD,
          order,
          since: r.day('data_decorrenza', { field: 'data_nascita', day: birthDate }),
        }
      : null,
  };
}

function bond(
  r: Reader,
  kind: 'matrimonio' | 'unione_civile' | 'convivenza',
): UnionDraft | CohabitationDraft {
  const parties: [string, string] = [r.fiscalCode('codice_fiscale'), r.fiscalCode('codice_fiscale_2')];
  if (parties[0] && parties[0] === parties[1]) r.add('codice_fiscale_2', 'sameParty');
  if (kind === 'convivenza') {
    const signed = r.day('data_stipula');
    return {
      kind,
      parties,
      cohabitation: {
        signed_on: signed ?? '',
        registered_on: r.day('data_registrazione', { field: 'data_stipula', day: signed }) ?? '',
        ended_on: r.day('data_fine', { field: 'data_stipula', day: signed }),
      },
    };
  }
  const celebrated = r.day('data_celebrazione');
  const place = r.place('luogo_celebrazione');
  const ended = r.day('data_fine', { field: 'data_celebrazione', day: celebrated });
  const reasonText = (r.text('motivo_fine') ?? '').toLowerCase();
  const reason = END_REASONS[reasonText as keyof typeof END_REASONS] ?? null;
  if (reasonText && !reason) r.add('motivo_fine', 'endReason');
  if (ended && !reasonText) r.add('motivo_fine', 'required');
  if (reasonText && !ended) r.add('data_fine', 'required');
  return {
    kind,
    parties,
    union: {
      kind: kind === 'matrimonio' ? 'marriage' : 'civil_union',
      celebrated_on: celebrated ?? '',
      place_code: place.code,
      place_name: place.place?.name ?? '',
      ended_on: ended,
      end_reason: reason,
    },
  };
}

/** The record as the registry would store it, and the problems found in its cells. */
export function draftRecord(row: RecordInput): { draft: Draft | null; issues: RowIssue[] } {
  if (!isRecordKind(row.kind)) return { draft: null, issues: [{ field: KIND_COLUMN, rule: 'kind' }] };
  const r = cellReader(row, row.kind);
  const draft =
    row.kind === 'famiglia'
      ? family(r, row.cells)
      : row.kind === 'persona'
        ? person(r, row.cells)
        : bond(r, row.kind);
  return { draft, issues: r.issues };
}
