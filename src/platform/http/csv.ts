// CSV files for operators' spreadsheets (exports, error reports, templates): UTF-8 with a byte
// order mark (so Excel reads the accents), ";" between cells as Italian spreadsheets expect, CRLF line
// ends, and quoting as RFC 4180 (cells holding ; " or a line end are quoted, quotes doubled). Text that a
// spreadsheet would run as a formula (= + - @ at its start) gets a leading apostrophe.
import type { FastifyReply } from 'fastify';

export type Cell = string | number | null | undefined;

export function csvCell(value: Cell): string {
  let text = value === null || value === undefined ? '' : String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[";\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export const csvLine = (cells: Cell[]) => `${cells.map(csvCell).join(';')}\r\n`;

export const csvDocument = (header: string[], rows: Cell[][]) =>
  `\uFEFF${csvLine(header)}${rows.map(csvLine).join('')}`;

/** Cents as a spreadsheet number in Italian: 1250 → "12,50". */
export const csvAmount = (cents: number) =>
  `${Math.trunc(cents / 100)},${String(cents % 100).padStart(2, '0')}`;

export const sendCsv = (reply: FastifyReply, body: string, fileName: string) =>
  reply
    .type('text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${fileName}"`)
    .header('cache-control', 'no-store')
    .send(body);
