// Reading import files and their rows: encodings and separators, the header, amounts and dates as people
// write them, rows sharing an IUPD as one position, and the service's field names mapped back to rows.
import { describe, expect, it } from 'vitest';
import { parseDay } from '../../platform/dates.ts';
import { decodeText, detectDelimiter, readImportFile } from './import-file.ts';
import { draftPosition, groupRows, mergeIssues, parseEuro } from './import-rows.ts';

const HEADER = 'iupd;codice_fiscale;nominativo;descrizione;importo;scadenza';

describe('readImportFile', () => {
  it('reads UTF-8 with or without BOM, Windows-1252, ";" or ","', () => {
    const bom = readImportFile(Buffer.from(`\uFEFF${HEADER}\nA;X;Perù;Mensa;1;2030-01-01\n`));
    expect(bom).toEqual({
      rows: [
        {
          rowNumber: 2,
          cells: expect.objectContaining({ iupd: 'A', nominativo: 'Perù' }),
          extraCells: false,
        },
      ],
    });
    const latin = Buffer.concat([
      Buffer.from(`${HEADER}\nA;X;Per`),
      Buffer.from([0xf9]),
      Buffer.from(';M;1;2030-01-01\n'),
    ]);
    expect(decodeText(latin)).toContain('Perù');
    expect(detectDelimiter('iupd,codice_fiscale;x,y\n')).toBe(',');
    const comma = readImportFile(
      Buffer.from(
        'IUPD,Codice fiscale,Nominativo,Descrizione,Importo,Scadenza\r\nA,X,"Rossi, Mario",M,"12,50",2030-01-01\r\n',
      ),
    );
    expect(comma).toMatchObject({
      rows: [{ cells: { iupd: 'A', nominativo: 'Rossi, Mario', importo: '12,50' } }],
    });
  });

  it('numbers rows as the spreadsheet does, skipping blank lines but counting them', () => {
    const read = readImportFile(
      Buffer.from(`${HEADER}\nA;X;N;D;1;2030-01-01\n;;;;;\n\nB;X;N;D;1;2030-01-01\n`),
    );
    expect('rows' in read && read.rows.map((r) => r.rowNumber)).toEqual([2, 5]);
  });

  it('refuses a file with missing, unknown or repeated columns, no rows, or broken quotes', () => {
    expect(readImportFile(Buffer.from('iupd;importo\nA;1\n'))).toEqual({
      problem: {
        kind: 'missingColumns',
        columns: ['codice_fiscale', 'nominativo', 'descrizione', 'scadenza'],
      },
    });
    expect(readImportFile(Buffer.from(`${HEADER};importo_euro\n`))).toEqual({
      problem: { kind: 'unknownColumns', columns: ['importo_euro'] },
    });
    expect(readImportFile(Buffer.from(`${HEADER};iupd\n`))).toEqual({
      problem: { kind: 'duplicateColumns', columns: ['iupd'] },
    });
    expect(readImportFile(Buffer.from(`${HEADER}\n`))).toEqual({ problem: { kind: 'empty' } });
    expect(readImportFile(Buffer.from(''))).toEqual({ problem: { kind: 'empty' } });
    expect(readImportFile(Buffer.from(`${HEADER}\nA;"X;N;D;1;2030-01-01\n`))).toMatchObject({
      problem: { kind: 'malformed' },
    });
  });

  it('marks a row with cells beyond the header (a separator in unquoted text)', () => {
    const read = readImportFile(
      Buffer.from(`${HEADER}\nA;X;N;Mensa; marzo;1;2030-01-01\nB;X;N;D;1;2030-01-01;\n`),
    );
    expect('rows' in read && read.rows.map((r) => r.extraCells)).toEqual([true, false]);
  });
});

describe('amounts and dates', () => {
  it.each([
    ['12,50', 1250],
    ['12.50', 1250],
    ['16', 1600],
    ['€ 16,00', 1600],
    ['1.234,56', 123456],
    ['1,234.56', 123456],
    ['1.234', 123400],
    ['0,5', 50],
    ['1 234,56', 123456],
  ])('%s euro is %i cents', (text, cents) => expect(parseEuro(text)).toBe(cents));

  it.each(['', 'abc', '12,345,67', '-5', '12,5,0', '1.2.3'])('"%s" is not an amount', (text) =>
    expect(parseEuro(text)).toBeNull(),
  );

  it('reads Italian and ISO dates, and only real days', () => {
    expect(parseDay('31/12/2026')).toBe('2026-12-31');
    expect(parseDay('1/2/2027')).toBe('2027-02-01');
    expect(parseDay('2026-12-31')).toBe('2026-12-31');
    expect(parseDay('31/02/2026')).toBeNull();
    expect(parseDay('12/31/2026')).toBeNull();
    expect(parseDay('domani')).toBeNull();
  });
});

const row = (rowNumber: number, cells: Record<string, string>) => ({
  rowNumber,
  cells: {
    iupd: 'P1',
    codice_fiscale: 'zntgli84c52l736w',
    nominativo: 'Giulia',
    descrizione: 'Mensa',
    importo: '10',
    scadenza: '31/12/2030',
    ...cells,
  },
});

describe('rows → positions', () => {
  it('groups rows by IUPD, in file order; a row without IUPD stands alone', () => {
    const rows = [
      row(2, { iupd: 'A' }),
      row(3, { iupd: 'B' }),
      row(4, { iupd: 'A' }),
      { rowNumber: 5, cells: {} },
    ];
    expect(groupRows(rows).map((g) => g.map((r) => r.rowNumber))).toEqual([[2, 4], [3], [5]]);
  });

  it('makes instalments of rows sharing an IUPD, the single payment first', () => {
    const draft = draftPosition([
      row(2, { rata: '2', importo: '5' }),
      row(3, { rata: '', importo: '10' }),
      row(4, { rata: '1', importo: '5' }),
    ]);
    expect(draft.issues.size).toBe(0);
    expect(draft.rowNumbers).toEqual([3, 4, 2]);
    expect(draft.input.options.map((o) => [o.amountCents, o.single ?? false])).toEqual([
      [1000, true],
      [500, false],
      [500, false],
    ]);
    expect(draft.input.debtor.fiscalCode).toBe('ZNTGLI84C52L736W');
    expect(draft.input.options[0]!.dueDate).toBe('2030-12-31');
  });

  it('names the row and column of each problem', () => {
    const draft = draftPosition([
      row(2, { rata: '1', importo: 'dieci' }),
      row(3, { rata: '1', nominativo: 'Altro', scadenza: '2030-13-01' }),
      row(4, { rata: 'x', trasferimento_2_iban: 'IT00' }),
    ]);
    expect(draft.issues.get(2)).toEqual([{ field: 'importo', rule: 'amountFormat' }]);
    expect(draft.issues.get(3)).toEqual([
      { field: 'nominativo', rule: 'mismatch' },
      { field: 'rata', rule: 'instalment' },
      { field: 'scadenza', rule: 'dateFormat' },
    ]);
    expect(draft.issues.get(4)).toEqual([
      { field: 'rata', rule: 'instalment' },
      { field: 'trasferimento_2_importo', rule: 'required' },
    ]);
  });

  it("maps the service's fields back onto rows and columns, and flags the rest of the position", () => {
    const draft = draftPosition([
      row(2, { rata: '1' }),
      row(3, { rata: '2', trasferimento_1_importo: '10' }),
    ]);
    const issues = mergeIssues(draft, [
      { field: 'debtor.email', rule: 'email' },
      { field: 'options.1.dueDate', rule: 'pastDate' },
      { field: 'options.1.transfers.0.iban', rule: 'foreignIban' },
      { field: 'itemCode', rule: 'unknownItem' },
    ]);
    expect(issues.get(2)).toEqual([
      { field: 'email', rule: 'email' },
      { field: 'voce', rule: 'unknownItem' },
    ]);
    expect(issues.get(3)).toEqual([
      { field: 'scadenza', rule: 'pastDate' },
      { field: 'trasferimento_1_iban', rule: 'foreignIban' },
    ]);
    const one = mergeIssues(draftPosition([row(2, { rata: '1' }), row(3, { rata: '2' })]), [
      { field: 'options.0.amountCents', rule: 'amount' },
    ]);
    expect(one.get(3)).toEqual([{ field: 'iupd', rule: 'groupError' }]);
  });
});
