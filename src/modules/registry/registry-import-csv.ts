// CSV files the registry import gives back to operators' spreadsheets (the platform's CSV: BOM, ";",
// CRLF, formula-safe cells): the template and the error report.
import { csvDocument } from '../../platform/http/csv.ts';
import { KNOWN_COLUMNS } from './registry-import-format.ts';

/** Records (column → value) as a CSV file with every column of the format. */
export const recordsCsv = (records: Record<string, string>[]) =>
  csvDocument(
    [...KNOWN_COLUMNS],
    records.map((r) => KNOWN_COLUMNS.map((c) => r[c] ?? '')),
  );

const family = (code: string, street: string, civic: string, since: string, abroad?: [string, string]) => ({
  tipo: 'famiglia',
  codice_famiglia: code,
  indirizzo: street,
  civico: civic,
  ...(abroad ? { localita: abroad[0], stato_estero: abroad[1] } : { cap: '30016', localita: 'Jesolo' }),
  data_costituzione: since,
});
const person = (cells: Record<string, string>) => ({ tipo: 'persona', cittadinanza_1: '100', ...cells });

/** The template: a family of three with the parents' marriage, a cohabiting couple, an AIRE resident. */
export const TEMPLATE_RECORDS: Record<string, string>[] = [
  family('1024', 'Via Bafile', '12', '10/05/2008'),
  family('1025', 'Via Levantina', '45', '01/03/2019'),
  family('2051', 'Hauptstraße', '8', '15/01/1990', ['Berlin', 'Z112']),
  ...[
    ['BRTLCU79C14C388O', 'Bortolato', 'Luca', 'M', '14/03/1979', 'C388', '2', '1024', '1'],
    ['ZNNCHR81S42L736X', 'Zanin', 'Chiara', 'F', '02/11/1981', 'L736', '2', '1024', '2'],
    ['BRTLNE12E60C388Q', 'Bortolato', 'Elena', 'F', '20/05/2012', 'C388', '1', '1024', '3'],
    ['TNNDVD88H17C388F', 'Tonon', 'Davide', 'M', '17/06/1988', 'C388', '1', '1025', '1'],
    ['FVRMRT90A49L407J', 'Favaro', 'Marta', 'F', '09/01/1990', 'L407', '1', '1025', '23'],
  ].map(([cf, surname, name, sex, born, place, status, familyCode, relationship]) =>
    person({
      codice_fiscale: cf!,
      cognome: surname!,
      nome: name!,
      sesso: sex!,
      data_nascita: born!,
      luogo_nascita: place!,
      stato_civile: status!,
      codice_famiglia: familyCode!,
      relazione_parentela: relationship!,
    }),
  ),
  person({
    codice_fiscale: 'PVNSRG50M30Z112M',
    cognome: 'Pavan',
    nome: 'Sergio',
    sesso: 'M',
    data_nascita: '30/08/1950',
    luogo_nascita: 'Z112',
    stato_civile: '4',
    aire: 'si',
    cittadinanza_2: '216',
    cittadinanza_2_dal: '15/01/1990',
    codice_famiglia: '2051',
    relazione_parentela: '1',
  }),
  {
    tipo: 'matrimonio',
    codice_fiscale: 'BRTLCU79C14C388O',
    codice_fiscale_2: 'ZNNCHR81S42L736X',
    data_celebrazione: '10/05/2008',
    luogo_celebrazione: 'C388',
  },
  {
    tipo: 'convivenza',
    codice_fiscale: 'TNNDVD88H17C388F',
    codice_fiscale_2: 'FVRMRT90A49L407J',
    data_stipula: '01/03/2019',
    data_registrazione: '08/03/2019',
  },
];
