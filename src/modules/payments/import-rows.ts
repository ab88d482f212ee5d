// From the rows of an import file to debt positions: rows sharing an IUPD are one position (a single
// payment and/or its instalments); amounts in euro with a comma or a dot, dates as 31/12/2026 or
// 2026-12-31. Each problem names the row and the column, in the terms of the file; the checks of the
// position itself are the service's (checkNewPosition), whose fields are mapped back onto rows here.
import { parseDay } from '../../platform/dates.ts';
import { MAX_TRANSFERS, type TransferField, transferColumn } from './import-file.ts';
import { compact, type Rule } from './payments.rules.ts';
import type { NewDebtPosition, NewOption, NewTransfer } from './payments.validation.ts';

export type ImportRule =
  | Rule
  | 'amountFormat'
  | 'dateFormat'
  | 'instalment'
  | 'mismatch'
  | 'columns'
  | 'iupdTaken'
  | 'groupError'
  | 'unexpected';
export interface RowIssue {
  field: string;
  rule: ImportRule;
}
export type RowIssues = Map<number, RowIssue[]>;

export interface RowInput {
  rowNumber: number;
  cells: Record<string, string>;
  extraCells?: boolean;
}

export type PositionInput = Omit<NewDebtPosition, 'enteId' | 'source' | 'actor'> & { iupd: string };

export interface PositionDraft {
  iupd: string;
  /** Row numbers in the order of the position's options. */
  rowNumbers: number[];
  input: PositionInput;
  issues: RowIssues;
}

/** Euro as written in Italy or abroad → cents: 12,50 · 12.50 · 1.234,56 · 1,234.56 · € 16. */
export function parseEuro(text: string): number | null {
  const value = text.replace(/[\s€]/g, '');
  if (!/^\d[\d.,]*$/.test(value)) return null;
  const last = Math.max(value.lastIndexOf(','), value.lastIndexOf('.'));
  let whole = value;
  let decimals = '';
  // A last separator followed by one or two digits is the decimal one; by three, a thousands one.
  if (last >= 0 && value.length - last - 1 <= 2) {
    whole = value.slice(0, last);
    decimals = value.slice(last + 1);
  }
  if (!/^\d{1,3}([.,]\d{3})*$|^\d+$/.test(whole) || (decimals !== '' && !/^\d{1,2}$/.test(decimals))) {
    return null;
  }
  // One thousands separator, and not the decimal one: 12,345,67 is a typo, not 12345.67.
  const grouping = new Set(whole.replace(/\d/g, ''));
  if (grouping.size > 1 || (decimals !== '' && grouping.has(value[last]!))) return null;
  const cents = Number(whole.replace(/[.,]/g, '')) * 100 + Number(decimals.padEnd(2, '0') || 0);
  return Number.isSafeInteger(cents) ? cents : null;
}

/** Groups rows by IUPD, in the order of their first row; a row without IUPD is a group of its own. */
export function groupRows<R extends RowInput>(rows: R[]): R[][] {
  const groups = new Map<string, R[]>();
  for (const row of rows) {
    const key = row.cells.iupd ?? `#${row.rowNumber}`;
    groups.set(key, [...(groups.get(key) ?? []), row]);
  }
  return [...groups.values()];
}

const add = (issues: RowIssues, row: number, field: string, rule: ImportRule) => {
  const list = issues.get(row) ?? [];
  if (!list.some((i) => i.field === field)) list.push({ field, rule });
  issues.set(row, list);
};

function transfersOf(row: RowInput, issues: RowIssues): NewTransfer[] | undefined {
  const transfers: NewTransfer[] = [];
  for (let n = 1; n <= MAX_TRANSFERS; n++) {
    const cell = (field: TransferField) => row.cells[transferColumn(n, field)];
    if (!['importo', 'iban', 'ente', 'tassonomia', 'causale'].some((f) => cell(f as TransferField))) continue;
    const amount = cell('importo');
    const cents = amount ? parseEuro(amount) : null;
    if (cents === null)
      add(issues, row.rowNumber, transferColumn(n, 'importo'), amount ? 'amountFormat' : 'required');
    transfers.push({
      amountCents: cents ?? 0,
      ...(cell('iban') ? { iban: compact(cell('iban')!) } : {}),
      ...(cell('ente') ? { beneficiaryFiscalCode: compact(cell('ente')!) } : {}),
      ...(cell('tassonomia') ? { taxonomy: compact(cell('tassonomia')!) } : {}),
      ...(cell('causale') ? { remittance: cell('causale')! } : {}),
    });
  }
  return transfers.length > 0 ? transfers : undefined;
}

/** The position a group of rows (same IUPD) describes, with the problems found in the rows themselves. */
export function draftPosition(group: RowInput[]): PositionDraft {
  const issues: RowIssues = new Map();
  const first = group[0]!;
  const iupd = first.cells.iupd ?? '';
  const instalmentOf = (row: RowInput) => {
    const text = row.cells.rata ?? '';
    if (text === '' || text === '0') return 0;
    return /^\d{1,3}$/.test(text) && Number(text) <= 100 ? Number(text) : -1;
  };
  const seen = new Map<number, number>();
  for (const row of group) {
    const n = row.rowNumber;
    if (row.extraCells) add(issues, n, 'riga', 'columns');
    if (!row.cells.iupd) add(issues, n, 'iupd', 'required');
    for (const field of ['codice_fiscale', 'nominativo', 'email', 'voce'] as const) {
      if (row !== first && (row.cells[field] ?? '') !== (first.cells[field] ?? '')) {
        add(issues, n, field, 'mismatch');
      }
    }
    const instalment = instalmentOf(row);
    if (instalment < 0) add(issues, n, 'rata', 'instalment');
    else if (seen.has(instalment) && group.length > 1) {
      add(issues, n, 'rata', instalment === 0 ? 'singleOption' : 'instalment');
    }
    seen.set(instalment, n);
  }
  // The single payment first, then the instalments by number, as the payment notice lists them.
  const ordered = [...group].sort((a, b) => instalmentOf(a) - instalmentOf(b) || a.rowNumber - b.rowNumber);
  const options: NewOption[] = ordered.map((row) => {
    const amount = row.cells.importo;
    const cents = amount ? parseEuro(amount) : null;
    if (cents === null) add(issues, row.rowNumber, 'importo', amount ? 'amountFormat' : 'required');
    const due = row.cells.scadenza;
    const dueDate = due ? parseDay(due) : null;
    if (dueDate === null) add(issues, row.rowNumber, 'scadenza', due ? 'dateFormat' : 'required');
    const transfers = transfersOf(row, issues);
    return {
      amountCents: cents ?? 0,
      dueDate: dueDate ?? '',
      ...(row.cells.descrizione ? { description: row.cells.descrizione } : {}),
      ...(group.length > 1 && instalmentOf(row) === 0 ? { single: true } : {}),
      ...(transfers ? { transfers } : {}),
    };
  });
  const input: PositionInput = {
    iupd,
    debtor: {
      fiscalCode: compact(first.cells.codice_fiscale ?? ''),
      fullName: first.cells.nominativo ?? '',
      email: first.cells.email ?? null,
    },
    ...(first.cells.voce ? { itemCode: compact(first.cells.voce) } : {}),
    description: first.cells.descrizione ?? '',
    options,
  };
  return { iupd, rowNumbers: ordered.map((r) => r.rowNumber), input, issues };
}

const POSITION_FIELDS: Record<string, string> = {
  iupd: 'iupd',
  'source.ref': 'iupd',
  'debtor.fiscalCode': 'codice_fiscale',
  'debtor.fullName': 'nominativo',
  'debtor.email': 'email',
  description: 'descrizione',
  itemCode: 'voce',
  options: 'rata',
};
const OPTION_FIELDS: Record<string, string> = {
  amountCents: 'importo',
  dueDate: 'scadenza',
  description: 'descrizione',
  transfers: transferColumn(1, 'importo'),
};
const TRANSFER_FIELDS: Record<string, TransferField> = {
  amountCents: 'importo',
  remittance: 'causale',
  taxonomy: 'tassonomia',
  beneficiaryFiscalCode: 'ente',
  iban: 'iban',
  postalIban: 'iban',
  stamp: 'importo',
};

/**
 * Adds the service's issues (fields like options.1.transfers.0.iban) to the draft's, as row and column;
 * rows of the position left without a problem of their own get "another row of this position is wrong".
 */
export function mergeIssues(draft: PositionDraft, serviceIssues: readonly RowIssue[]): RowIssues {
  const issues: RowIssues = new Map([...draft.issues].map(([row, list]) => [row, [...list]]));
  const firstRow = draft.rowNumbers[0]!;
  for (const { field, rule } of serviceIssues) {
    const option = /^options\.(\d+)(?:\.(\w+)(?:\.(\d+)(?:\.(\w+))?)?)?$/.exec(field);
    const row = option ? draft.rowNumbers[Number(option[1])] : firstRow;
    if (row === undefined) continue;
    if (!option)
      add(issues, row, POSITION_FIELDS[field] ?? 'riga', POSITION_FIELDS[field] ? rule : 'unexpected');
    else if (option[3] === undefined) add(issues, row, OPTION_FIELDS[option[2] ?? ''] ?? 'riga', rule);
    else
      add(
        issues,
        row,
        transferColumn(Number(option[3]) + 1, TRANSFER_FIELDS[option[4] ?? ''] ?? 'iban'),
        rule,
      );
  }
  if (issues.size > 0) {
    for (const row of draft.rowNumbers) if (!issues.has(row)) add(issues, row, 'iupd', 'groupError');
  }
  return issues;
}
