// The registry import file and its records, without a database: what a whole file is refused for, and the
// problem (column and rule) each kind of bad value in a record gives; a generated population passes clean.
import { describe, expect, it } from 'vitest';
import { omocode } from './fiscal-code.ts';
import { bundleRecords, csvFile, jsonFile, population } from './registry-import.test-support.ts';
import { type ImportRecord, readImportFile } from './registry-import-file.ts';
import { draftRecord, type PersonDraft } from './registry-import-rows.ts';

const read = (text: string | Buffer) => readImportFile(Buffer.isBuffer(text) ? text : Buffer.from(text));
const records = (text: string) => {
  const file = read(text);
  if ('problem' in file) throw new Error(JSON.stringify(file.problem));
  return file.records;
};
const issuesOf = (record: ImportRecord) => draftRecord(record).issues.map((i) => `${i.field}:${i.rule}`);

const PERSON_HEADER =
  'tipo;codice_fiscale;cognome;nome;sesso;data_nascita;luogo_nascita;stato_civile;cittadinanza_1;cittadinanza_1_dal;cittadinanza_2;data_morte;aire;codice_famiglia;relazione_parentela;ordine';
const GOOD = 'persona;BRTLCU79C14C388O;Bortolato;Luca;M;14/03/1979;C388;2;100;;;;;1024;1;1';

describe('reading a file', () => {
  it('reads a CSV with ";" or ",", numbering rows as the spreadsheet does and skipping blank lines', () => {
    const semicolon = records(`\uFEFF${PERSON_HEADER}\r\n\r\n${GOOD}\r\n`);
    expect(semicolon).toHaveLength(1);
    expect(semicolon[0]).toMatchObject({ rowNumber: 3, kind: 'persona', phase: 2, key: 'BRTLCU79C14C388O' });
    expect(semicolon[0]!.cells).toMatchObject({ cognome: 'Bortolato', data_nascita: '14/03/1979' });
    const comma = records(`${PERSON_HEADER.replaceAll(';', ',')}\n${GOOD.replaceAll(';', ',')}\n`);
    expect(comma[0]!.cells.luogo_nascita).toBe('C388');
    expect(issuesOf(comma[0]!)).toEqual([]);
  });

  it('marks a record whose key an earlier record of the file has, by that record', () => {
    const file = records(
      `${PERSON_HEADER}\n${GOOD}\n${GOOD.replace('Luca', 'Luca Maria')}\n${GOOD.replace('BRTLCU79C14C388O', 'brtlcu79c14c388o')}\n`,
    );
    expect(file.map((r) => r.repeats)).toEqual([null, '2', '2']);
    const json = read(JSON.stringify({ famiglie: [{ codice_famiglia: '7' }, { codice_famiglia: '007' }] }));
    expect('records' in json && json.records.map((r) => r.repeats)).toEqual([null, '/famiglie/0']);
  });

  it('reads a Windows-1252 file (older spreadsheets)', () => {
    const latin1 = Buffer.from(`${PERSON_HEADER}\n${GOOD.replace('Luca', 'Nicolò')}\n`, 'latin1');
    expect(records(latin1.toString('latin1'))[0]!.cells.nome).toBe('Nicolò');
    const file = read(latin1);
    expect('records' in file && file.records[0]!.cells.nome).toBe('Nicolò');
  });

  it('refuses a whole file it cannot use, saying why', () => {
    expect(read('')).toEqual({ problem: { kind: 'empty' } });
    expect(read(`${PERSON_HEADER}\n`)).toEqual({ problem: { kind: 'empty' } });
    expect(read(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00, 0x08]))).toEqual({
      problem: { kind: 'notText' },
    });
    expect(read('tipo;codice_fiscale;cognomen\npersona;X;Y\n')).toEqual({
      problem: { kind: 'unknownColumns', columns: ['cognomen'] },
    });
    expect(read('codice_fiscale;cognome\nX;Y\n')).toEqual({
      problem: { kind: 'missingColumns', columns: ['tipo'] },
    });
    expect(read('tipo;cognome;Cognome\npersona;X;Y\n')).toEqual({
      problem: { kind: 'duplicateColumns', columns: ['cognome'] },
    });
    const missing = read('tipo;codice_fiscale;cognome\npersona;BRTLCU79C14C388O;Bortolato\n');
    expect(missing).toMatchObject({ problem: { kind: 'missingColumns' } });
    expect((missing as { problem: { columns: string[] } }).problem.columns).toContain('data_nascita');
    expect(read('tipo;cognome\npersona;"Bortolato\n')).toMatchObject({ problem: { kind: 'malformed' } });
  });

  it('reads a JSON document of arrays, locating each record by JSON Pointer', () => {
    const file = read(
      JSON.stringify({
        persone: [{ codice_fiscale: 'BRTLCU79C14C388O', cognome: 'Bortolato', stato_civile: 2, aire: false }],
        famiglie: [{ codice_famiglia: '0001024', indirizzo: 'Via Bafile', localita: 'Jesolo' }],
      }),
    );
    if (!('records' in file)) throw new Error('not read');
    expect(file.format).toBe('json');
    expect(file.records.map((r) => [r.rowNumber, r.locator, r.kind, r.key])).toEqual([
      [1, '/famiglie/0', 'famiglia', '1024'],
      [2, '/persone/0', 'persona', 'BRTLCU79C14C388O'],
    ]);
    expect(file.records[1]!.cells).toMatchObject({ stato_civile: '2', aire: 'no' });
    expect(read('{"persone": {}}')).toEqual({ problem: { kind: 'notJson', detail: '/persone' } });
    expect(read('{"persone": [{"nome": {"a": 1}}]}')).toEqual({
      problem: { kind: 'notJson', detail: '/persone/0/nome' },
    });
    expect(read('{"people": []}')).toEqual({ problem: { kind: 'unknownColumns', columns: ['people'] } });
    expect(read('{"persone": [{"tipo": "persona"}]}')).toEqual({
      problem: { kind: 'unknownColumns', columns: ['tipo'] },
    });
    expect(read('{"persone": [')).toMatchObject({ problem: { kind: 'notJson' } });
  });
});

describe('checking a record', () => {
  const person = (changes: Record<string, string>) =>
    records(`${PERSON_HEADER}\n${GOOD}\n`).map((r) => ({ ...r, cells: { ...r.cells, ...changes } }))[0]!;
  const withoutCell = (record: ImportRecord, field: string) => {
    const { [field]: _, ...cells } = record.cells;
    return { ...record, cells };
  };

  it('names the column and the rule of each bad value', () => {
    const cases: [Record<string, string>, string][] = [
      [{ codice_fiscale: 'BRTLCU79C14C388X' }, 'codice_fiscale:fiscalCode'],
      [{ data_nascita: '31/02/1979' }, 'data_nascita:date'],
      [{ data_nascita: '2999-01-01' }, 'data_nascita:futureDate'],
      [{ data_morte: '01/01/1970' }, 'data_morte:dateOrder'],
      [{ sesso: 'X' }, 'sesso:sex'],
      [{ luogo_nascita: 'Q999' }, 'luogo_nascita:place'],
      [{ luogo_nascita: 'Z999' }, 'luogo_nascita:place'],
      [{ stato_civile: '5' }, 'stato_civile:civilStatus'],
      [{ cittadinanza_1: '999' }, 'cittadinanza_1:citizenship'],
      [{ cittadinanza_2: 'Z100', cittadinanza_1: '201' }, 'cittadinanza_2:citizenshipTwice'],
      [{ relazione_parentela: '14' }, 'relazione_parentela:relationship'],
      [{ codice_famiglia: 'A12' }, 'codice_famiglia:familyCode'],
      [{ ordine: '100' }, 'ordine:order'],
      [{ aire: 'forse' }, 'aire:yesNo'],
      [{ cognome: 'x'.repeat(121) }, 'cognome:tooLong'],
      [{ data_celebrazione: '10/05/2008' }, 'data_celebrazione:notForKind'],
    ];
    for (const [changes, expected] of cases) expect(issuesOf(person(changes)), expected).toEqual([expected]);
    expect(issuesOf(withoutCell(person({}), 'cognome'))).toEqual(['cognome:required']);
    expect(issuesOf({ ...person({}), kind: 'persone' })).toEqual(['tipo:kind']);
  });

  it('knows ceased comuni and every foreign state of ANPR, not only those the generator uses', () => {
    const draft = draftRecord(person({ luogo_nascita: 'E717', cittadinanza_2: 'Z200' })).draft as PersonDraft;
    expect(issuesOf(person({ luogo_nascita: 'E717', cittadinanza_2: 'Z200' }))).toEqual([]);
    expect(draft.person).toMatchObject({ birth_comune_code: 'E717', birth_comune_name: 'Lucernate' });
    expect(draft.citizenships.map((c) => [c.state_code, c.state_name])).toContainEqual([
      '301',
      'Afghanistan',
    ]);
  });

  it('accepts omocodia variants, Z-codes of citizenship and lower-case codes', () => {
    const variant = omocode('BRTLCU79C14C388O', 2);
    expect(variant).toMatch(/^BRTLCU79C14C3UU[A-Z]$/);
    expect(issuesOf(person({ codice_fiscale: variant }))).toEqual([]);
    const draft = draftRecord(person({ codice_fiscale: 'brtlcu79c14c388o', cittadinanza_2: 'z112' }))
      .draft as PersonDraft;
    expect(draft.person.fiscal_code).toBe('BRTLCU79C14C388O');
    expect(draft.citizenships.map((c) => [c.state_code, c.state_name])).toEqual([
      ['100', 'Italia'],
      ['216', 'Germania'],
    ]);
    expect(draft.person).toMatchObject({
      birth_comune_code: 'C388',
      birth_comune_name: 'Jesolo',
      birth_province: 'VE',
      birth_country_code: null,
    });
  });

  it('checks bonds: parties, dates in order, end with its reason', () => {
    const bond = (kind: string, cells: Record<string, string>) =>
      issuesOf({ rowNumber: 2, locator: null, kind, phase: 3, key: '', repeats: null, cells });
    const parties = { codice_fiscale: 'BRTLCU79C14C388O', codice_fiscale_2: 'ZNNCHR81S42L736X' };
    const wedding = { ...parties, data_celebrazione: '2008-05-10', luogo_celebrazione: 'Z112' };
    expect(bond('matrimonio', wedding)).toEqual([]);
    expect(bond('matrimonio', { ...wedding, data_fine: '2010-01-01' })).toEqual(['motivo_fine:required']);
    expect(bond('unione_civile', { ...wedding, data_fine: '2007-01-01', motivo_fine: 'decesso' })).toEqual([
      'data_fine:dateOrder',
    ]);
    expect(bond('matrimonio', { ...wedding, data_fine: '2010-01-01', motivo_fine: 'noia' })).toEqual([
      'motivo_fine:endReason',
    ]);
    expect(bond('matrimonio', { ...wedding, codice_fiscale_2: parties.codice_fiscale })).toEqual([
      'codice_fiscale_2:sameParty',
    ]);
    const contract = { ...parties, data_stipula: '2019-03-08', data_registrazione: '2019-03-01' };
    expect(bond('convivenza', contract)).toEqual(['data_registrazione:dateOrder']);
  });

  it('finds nothing wrong in a generated population, as CSV or as JSON', () => {
    const all = bundleRecords(population('027019', 300));
    for (const file of [csvFile(all), jsonFile(all)]) {
      const read = readImportFile(file);
      if (!('records' in read)) throw new Error(JSON.stringify(read.problem));
      expect(read.records).toHaveLength(all.length);
      expect(read.records.flatMap((r) => issuesOf(r))).toEqual([]);
    }
  });
});
