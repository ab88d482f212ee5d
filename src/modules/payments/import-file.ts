// Reading an import file (docs/payments-import.md): bytes → text (UTF-8, else Windows-1252 as older
// spreadsheets save), the separator (";" as Italian spreadsheets write, or ","), the header checked
// against the known columns, and the data rows numbered as the spreadsheet shows them (header = 1).
// Problems of the whole file are returned, never thrown: the upload form shows them next to the field.
import { parse } from 'csv-parse/sync';

export const MAX_IMPORT_BYTES = 2 * 1024 * 1024;
export const MAX_IMPORT_ROWS = 5000;
export const MAX_TRANSFERS = 5;

export const REQUIRED_COLUMNS = [
  'iupd',
  'codice_fiscale',
  'nominativo',
  'descrizione',
  'importo',
  'scadenza',
] as const;
const TRANSFER_FIELDS = ['importo', 'iban', 'ente', 'tassonomia', 'causale'] as const;
export type TransferField = (typeof TRANSFER_FIELDS)[number];
export const transferColumn = (n: number, field: TransferField) => `trasferimento_${n}_${field}`;
export const KNOWN_COLUMNS: readonly string[] = [
  ...REQUIRED_COLUMNS,
  'email',
  'voce',
  'rata',
  ...Array.from({ length: MAX_TRANSFERS }, (_, i) =>
    TRANSFER_FIELDS.map((f) => transferColumn(i + 1, f)),
  ).flat(),
];

export interface ImportRow {
  /** The spreadsheet's row number: the header is row 1. */
  rowNumber: number;
  cells: Record<string, string>;
  /** Cells beyond the header's columns that are not empty (a separator inside an unquoted text). */
  extraCells: boolean;
}

export type FileProblem =
  | { kind: 'empty' }
  | { kind: 'malformed'; line: number }
  | { kind: 'missingColumns'; columns: string[] }
  | { kind: 'unknownColumns'; columns: string[] }
  | { kind: 'duplicateColumns'; columns: string[] }
  | { kind: 'tooManyRows'; max: number }
  | { kind: 'tooLarge'; maxBytes: number };

/** A header cell as people write it ("Codice fiscale", "CODICE_FISCALE ") → codice_fiscale. */
export const columnName = (header: string) =>
  header
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');

export function decodeText(bytes: Buffer): string {
  const start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  const body = bytes.subarray(start);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    return new TextDecoder('windows-1252').decode(body);
  }
}

/** The separator of the header line: the one of ";" and "," it uses more (";" when tied). */
export function detectDelimiter(text: string): ';' | ',' {
  const firstLine = text.slice(0, text.search(/\r?\n|$/));
  const count = (char: string) => firstLine.split(char).length - 1;
  return count(',') > count(';') ? ',' : ';';
}

export function readImportFile(bytes: Buffer): { rows: ImportRow[] } | { problem: FileProblem } {
  if (bytes.length > MAX_IMPORT_BYTES) return { problem: { kind: 'tooLarge', maxBytes: MAX_IMPORT_BYTES } };
  const text = decodeText(bytes);
  if (text.trim() === '') return { problem: { kind: 'empty' } };
  let records: string[][];
  try {
    records = parse(text, {
      delimiter: detectDelimiter(text),
      relax_column_count: true,
      skip_empty_lines: false,
    }) as string[][];
  } catch (error) {
    return { problem: { kind: 'malformed', line: Number((error as { lines?: number }).lines) || 1 } };
  }
  const header = (records[0] ?? []).map(columnName);
  while (header.length > 0 && header[header.length - 1] === '') header.pop();
  const duplicates = header.filter((name, i) => name !== '' && header.indexOf(name) !== i);
  if (duplicates.length > 0)
    return { problem: { kind: 'duplicateColumns', columns: [...new Set(duplicates)] } };
  const unknown = header.filter((name) => !KNOWN_COLUMNS.includes(name));
  if (unknown.length > 0) return { problem: { kind: 'unknownColumns', columns: unknown } };
  const missing = REQUIRED_COLUMNS.filter((name) => !header.includes(name));
  if (missing.length > 0) return { problem: { kind: 'missingColumns', columns: missing } };

  const rows: ImportRow[] = [];
  records.slice(1).forEach((record, i) => {
    if (record.every((cell) => cell.trim() === '')) return; // blank lines keep their number, nothing else
    const cells: Record<string, string> = {};
    header.forEach((name, j) => {
      const value = (record[j] ?? '').trim();
      if (value !== '') cells[name] = value;
    });
    const extraCells = record.slice(header.length).some((cell) => cell.trim() !== '');
    rows.push({ rowNumber: i + 2, cells, extraCells });
  });
  if (rows.length === 0) return { problem: { kind: 'empty' } };
  if (rows.length > MAX_IMPORT_ROWS) return { problem: { kind: 'tooManyRows', max: MAX_IMPORT_ROWS } };
  return { rows };
}
