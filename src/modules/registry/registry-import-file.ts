// Reading a registry import file (docs/registry-import.md): a JSON document (it starts with "{") or a CSV
// file. CSV: UTF-8 (else Windows-1252, as older spreadsheets save), ";" or "," as the header line uses
// more, the header checked against the known columns, rows numbered as the spreadsheet shows them
// (header = 1). JSON: one object of arrays, records numbered in document order and located by JSON
// Pointer. Problems of the whole file are returned, never thrown: the upload form shows them.
import { parse } from 'csv-parse/sync';
import {
  COLUMNS,
  EXTRA_CELLS,
  isRecordKind,
  JSON_ARRAYS,
  KIND_COLUMN,
  KNOWN_COLUMNS,
  phaseOf,
  type RecordKind,
} from './registry-import-format.ts';
import { normalizeKind, recordKey } from './registry-import-values.ts';

export const MAX_IMPORT_BYTES = 64 * 1024 * 1024;
export const MAX_IMPORT_ROWS = 500_000;

export interface ImportRecord {
  rowNumber: number;
  /** JSON: the record's JSON Pointer (/persone/0); CSV: null (the row number is the line). */
  locator: string | null;
  kind: string;
  phase: 1 | 2 | 3;
  key: string;
  /** The earlier record of the file with the same kind and key (its row number or JSON Pointer). */
  repeats: string | null;
  cells: Record<string, string>;
}

export type FileProblem =
  | { kind: 'empty' }
  | { kind: 'notText' }
  | { kind: 'malformed'; line: number }
  | { kind: 'notJson'; detail: string }
  | { kind: 'missingColumns'; columns: string[] }
  | { kind: 'unknownColumns'; columns: string[] }
  | { kind: 'duplicateColumns'; columns: string[] }
  | { kind: 'tooManyRows'; max: number }
  | { kind: 'tooLarge'; maxBytes: number };

export type ReadFile = { format: 'csv' | 'json'; records: ImportRecord[] } | { problem: FileProblem };

/** A header cell as people write it ("Codice fiscale", "CODICE_FISCALE ") → codice_fiscale. */
const columnName = (header: string) =>
  header
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');

function decodeText(bytes: Buffer): string {
  const start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  const body = bytes.subarray(start);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    text = new TextDecoder('windows-1252').decode(body);
  }
  // NUL characters cannot be stored in a text column: never part of a value anyway.
  return text.replaceAll('\u0000', '');
}

/** At most ten names of at most 40 characters: a wrong file must not fill the page with its header. */
const shortList = (names: string[]) =>
  names.slice(0, 10).map((n) => (n.length > 40 ? `${n.slice(0, 39)}…` : n));

function record(rowNumber: number, locator: string | null, kind: string, cells: Record<string, string>) {
  return {
    rowNumber,
    locator,
    kind,
    phase: phaseOf(kind),
    key: recordKey(kind, cells),
    repeats: null,
    cells,
  };
}

/** Marks each record whose key an earlier record of the same phase already has. */
function markRepeats(records: ImportRecord[]): ImportRecord[] {
  const first = new Map<string, string>();
  for (const r of records) {
    if (r.key === '') continue;
    const id = `${r.phase}|${r.key}`;
    const earlier = first.get(id);
    if (earlier) r.repeats = earlier;
    else first.set(id, r.locator ?? String(r.rowNumber));
  }
  return records;
}

/** Columns a kind needs that the file lacks altogether (a row-by-row "required" would repeat it N times). */
function missingColumns(records: ImportRecord[], has: (column: string) => boolean): FileProblem | null {
  const kinds = new Set(records.map((r) => r.kind).filter(isRecordKind));
  const missing = [...kinds].flatMap((k: RecordKind) => COLUMNS[k].required.filter((c) => !has(c)));
  return missing.length > 0 ? { kind: 'missingColumns', columns: [...new Set(missing)] } : null;
}

/** The header's problem, if any: repeated, unknown, or no record kind column. */
function headerProblem(header: string[]): FileProblem | null {
  const duplicates = header.filter((name, i) => name !== '' && header.indexOf(name) !== i);
  if (duplicates.length > 0) return { kind: 'duplicateColumns', columns: [...new Set(duplicates)] };
  const unknown = header.filter((name) => !KNOWN_COLUMNS.includes(name));
  if (unknown.length > 0) return { kind: 'unknownColumns', columns: shortList(unknown) };
  return header.includes(KIND_COLUMN) ? null : { kind: 'missingColumns', columns: [KIND_COLUMN] };
}

function readCsv(text: string): ReadFile {
  const firstLine = text.slice(0, text.search(/\r?\n|$/));
  const count = (char: string) => firstLine.split(char).length - 1;
  // Set by the parser's callback: the header, then a problem that stops reading.
  const state: { header: string[] | null; problem: FileProblem | null } = { header: null, problem: null };
  const records: ImportRecord[] = [];
  let rowNumber = 0;
  // Each row becomes a record as it is parsed: a 100,000-person file never sits in memory twice.
  const onRecord = (row: string[]) => {
    rowNumber++;
    if (state.problem) return null;
    const header = state.header;
    if (!header) {
      const names = row.map(columnName);
      while (names.length > 0 && names[names.length - 1] === '') names.pop();
      state.header = names;
      state.problem = headerProblem(names);
      return null;
    }
    if (row.every((cell) => cell.trim() === '')) return null; // blank lines keep their number, nothing else
    const cells: Record<string, string> = {};
    let kind = '';
    for (const [j, name] of header.entries()) {
      const value = (row[j] ?? '').trim();
      if (name === KIND_COLUMN) kind = normalizeKind(value);
      else if (value !== '') cells[name] = value;
    }
    if (row.slice(header.length).some((c) => c.trim() !== '')) cells[EXTRA_CELLS] = '1';
    records.push(record(rowNumber, null, kind, cells));
    if (records.length > MAX_IMPORT_ROWS) state.problem = { kind: 'tooManyRows', max: MAX_IMPORT_ROWS };
    return null;
  };
  try {
    parse(text, {
      delimiter: count(',') > count(';') ? ',' : ';',
      relax_column_count: true,
      skip_empty_lines: false,
      on_record: onRecord,
    });
  } catch (error) {
    return { problem: { kind: 'malformed', line: Number((error as { lines?: number }).lines) || 1 } };
  }
  if (state.problem) return { problem: state.problem };
  if (records.length === 0) return { problem: { kind: 'empty' } };
  const missing = missingColumns(records, (column) => state.header?.includes(column) ?? false);
  return missing ? { problem: missing } : { format: 'csv', records: markRepeats(records) };
}

const scalar = (value: unknown): string | null =>
  value === null || value === undefined
    ? ''
    : typeof value === 'string'
      ? value.replaceAll('\u0000', '').trim()
      : typeof value === 'number' && Number.isFinite(value)
        ? String(value)
        : typeof value === 'boolean'
          ? value
            ? 'si'
            : 'no'
          : null;

function readJson(text: string): ReadFile {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    return { problem: { kind: 'notJson', detail: (error as Error).message.slice(0, 200) } };
  }
  if (!document || typeof document !== 'object' || Array.isArray(document)) {
    return { problem: { kind: 'notJson', detail: '/' } };
  }
  const arrays = new Map(JSON_ARRAYS);
  const unknownArrays = Object.keys(document).filter((name) => !arrays.has(name));
  if (unknownArrays.length > 0)
    return { problem: { kind: 'unknownColumns', columns: shortList(unknownArrays) } };
  const records: ImportRecord[] = [];
  const unknown = new Set<string>();
  for (const [name, kind] of JSON_ARRAYS) {
    const list = (document as Record<string, unknown>)[name];
    if (list === undefined) continue;
    if (!Array.isArray(list)) return { problem: { kind: 'notJson', detail: `/${name}` } };
    for (const [i, item] of list.entries()) {
      if (!item || typeof item !== 'object' || Array.isArray(item)) {
        return { problem: { kind: 'notJson', detail: `/${name}/${i}` } };
      }
      const cells: Record<string, string> = {};
      for (const [field, value] of Object.entries(item)) {
        const text = scalar(value);
        if (text === null) return { problem: { kind: 'notJson', detail: `/${name}/${i}/${field}` } };
        if (!KNOWN_COLUMNS.includes(field) || field === KIND_COLUMN) unknown.add(field);
        else if (text !== '') cells[field] = text;
      }
      records.push(record(records.length + 1, `/${name}/${i}`, kind, cells));
      if (records.length > MAX_IMPORT_ROWS) return { problem: { kind: 'tooManyRows', max: MAX_IMPORT_ROWS } };
    }
  }
  if (unknown.size > 0) return { problem: { kind: 'unknownColumns', columns: shortList([...unknown]) } };
  if (records.length === 0) return { problem: { kind: 'empty' } };
  // In JSON a field left out is simply empty: each record says "required" where it needs a value.
  return { format: 'json', records: markRepeats(records) };
}

export function readImportFile(bytes: Buffer): ReadFile {
  if (bytes.length > MAX_IMPORT_BYTES) return { problem: { kind: 'tooLarge', maxBytes: MAX_IMPORT_BYTES } };
  // A NUL byte near the start: a spreadsheet, PDF or archive, not text.
  if (bytes.subarray(0, 8192).includes(0)) return { problem: { kind: 'notText' } };
  const text = decodeText(bytes);
  if (text.trim() === '') return { problem: { kind: 'empty' } };
  return text.trimStart().startsWith('{') ? readJson(text) : readCsv(text);
}
