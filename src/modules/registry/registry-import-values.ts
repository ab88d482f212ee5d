// Values of the registry import format: dates as operators write them, fiscal codes and family numbers
// normalised, the places the registry knows (Belfiore codes of comuni, Z-codes and ISTAT codes of foreign
// states: ANPR's lists in seeds/registry, ceased comuni included), and the natural key of each kind of record.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { parseDay as parseCalendarDay } from '../../platform/dates.ts';
import { allComuni, foreignStates, ITALY, titleCase } from './population-data.ts';
import { isRecordKind } from './registry-import-format.ts';

const SEEDS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../seeds/registry');

/** A calendar day as parseDay reads it, from 1800 on (registry dates); null otherwise. */
export function parseDay(text: string): string | null {
  const day = parseCalendarDay(text);
  return day && day >= '1800-01-01' ? day : null;
}

export const normalizeFiscalCode = (text: string) => text.replace(/\s+/g, '').toUpperCase();
/** The comune's number of the family sheet, without the leading zeros some systems pad it with. */
export const normalizeFamilyCode = (text: string) => text.trim().replace(/^0+(?=\d)/, '');
export const normalizeKind = (text: string) =>
  text
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');

interface Places {
  comuni: Map<string, { name: string; province: string }>;
  /** Z-code → ISTAT state code, and ISTAT state code → name. */
  states: Map<string, string>;
  stateNames: Map<string, string>;
}
let places: Places | null = null;

/**
 * The comuni (Belfiore codes, ceased ones included: people were born there) and the foreign states
 * (ANPR Tabella 2) the import knows: seeds/registry, see its README.
 */
export function knownPlaces(): Places {
  if (places) return places;
  const read = (file: string) =>
    parse(fs.readFileSync(path.join(SEEDS, file), 'utf8'), { columns: true, bom: true }) as Record<
      string,
      string
    >[];
  // A code's latest name wins (the file is sorted by code, then by validity).
  const active = new Map(allComuni().map((c) => [c.belfiore, { name: c.name, province: c.province }]));
  const comuni = new Map<string, { name: string; province: string }>();
  for (const row of read('belfiore-storico.csv')) {
    const code = row.codice_catastale!;
    comuni.set(
      code,
      active.get(code) ?? { name: titleCase(row.denominazione!), province: row.sigla_provincia! },
    );
  }
  const states = new Map<string, string>();
  const stateNames = new Map<string, string>([[ITALY.istatCode, ITALY.name]]);
  for (const row of read('anpr-stati-esteri.csv')) {
    if (!/^Z\d{3}$/.test(row.CODAT ?? '') || !row.CODISTAT) continue;
    states.set(row.CODAT!, row.CODISTAT);
    stateNames.set(row.CODISTAT, row.DENOMINAZIONEISTAT!);
  }
  // The generator's names (e.g. "Cina") for the states it uses, so imported and generated people agree.
  for (const s of foreignStates()) stateNames.set(s.istatCode, s.name);
  places = { comuni, states, stateNames };
  return places;
}
export const stateByIstat = (code: string) => knownPlaces().stateNames.get(code);

/** The place a Belfiore code or Z-code names, or null when the registry does not know it. */
export function placeOf(
  code: string,
): { kind: 'comune' | 'state'; name: string; province: string | null } | null {
  const comune = knownPlaces().comuni.get(code);
  if (comune) return { kind: 'comune', name: comune.name, province: comune.province };
  const istat = knownPlaces().states.get(code);
  return istat ? { kind: 'state', name: stateByIstat(istat)!, province: null } : null;
}

/** The natural key of a record: what makes two records of a file the same record. */
export function recordKey(kind: string, cells: Record<string, string>): string {
  const date = (field: string) => parseDay(cells[field] ?? '') ?? cells[field] ?? '';
  if (kind === 'persona') return normalizeFiscalCode(cells.codice_fiscale ?? '');
  if (kind === 'famiglia') return normalizeFamilyCode(cells.codice_famiglia ?? '');
  if (!isRecordKind(kind)) return '';
  const pair = [cells.codice_fiscale ?? '', cells.codice_fiscale_2 ?? ''].map(normalizeFiscalCode).sort();
  const start = kind === 'convivenza' ? date('data_stipula') : date('data_celebrazione');
  return `${kind}:${pair.join('+')}:${start}`;
}
