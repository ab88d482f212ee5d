// The registry import format (docs/registry-import.md): the kinds of record, their columns (the same
// names in a CSV header and in the objects of a JSON document) and the phase each kind is applied in.

export const RECORD_KINDS = ['famiglia', 'persona', 'matrimonio', 'unione_civile', 'convivenza'] as const;
export type RecordKind = (typeof RECORD_KINDS)[number];
export type BondKind = Exclude<RecordKind, 'famiglia' | 'persona'>;

export const isRecordKind = (kind: string): kind is RecordKind => RECORD_KINDS.includes(kind as RecordKind);

/** The arrays of a JSON document and the kind of their records, in the order they are numbered. */
export const JSON_ARRAYS: readonly (readonly [string, RecordKind])[] = [
  ['famiglie', 'famiglia'],
  ['persone', 'persona'],
  ['matrimoni', 'matrimonio'],
  ['unioni_civili', 'unione_civile'],
  ['convivenze', 'convivenza'],
];

/** Families first, then the persons who are their members, then the bonds between persons. */
export const phaseOf = (kind: string): 1 | 2 | 3 =>
  kind === 'persona' ? 2 : kind === 'famiglia' || !isRecordKind(kind) ? 1 : 3;

/** The column of the record kind in a CSV file. */
export const KIND_COLUMN = 'tipo';
/** The cell a CSV row gets when it has cells beyond the header's columns (a separator in unquoted text). */
export const EXTRA_CELLS = '_oltre_le_colonne';
export const CITIZENSHIP_COLUMNS = 3;
export const citizenshipColumn = (n: number) => `cittadinanza_${n}`;
export const citizenshipSinceColumn = (n: number) => `cittadinanza_${n}_dal`;

const BOND_REQUIRED = ['codice_fiscale', 'codice_fiscale_2'] as const;
const UNION = {
  required: [...BOND_REQUIRED, 'data_celebrazione', 'luogo_celebrazione'],
  optional: ['data_fine', 'motivo_fine'],
};

export const COLUMNS: Record<RecordKind, { required: readonly string[]; optional: readonly string[] }> = {
  famiglia: {
    required: ['codice_famiglia', 'indirizzo', 'localita'],
    optional: ['civico', 'cap', 'stato_estero', 'data_costituzione'],
  },
  persona: {
    required: [
      'codice_fiscale',
      'cognome',
      'nome',
      'sesso',
      'data_nascita',
      'luogo_nascita',
      'stato_civile',
      citizenshipColumn(1),
    ],
    optional: [
      'data_morte',
      'aire',
      citizenshipSinceColumn(1),
      ...Array.from({ length: CITIZENSHIP_COLUMNS - 1 }, (_, i) => [
        citizenshipColumn(i + 2),
        citizenshipSinceColumn(i + 2),
      ]).flat(),
      'codice_famiglia',
      'relazione_parentela',
      'ordine',
      'data_decorrenza',
    ],
  },
  matrimonio: UNION,
  unione_civile: UNION,
  convivenza: {
    required: [...BOND_REQUIRED, 'data_stipula', 'data_registrazione'],
    optional: ['data_fine'],
  },
};

export const columnsOf = (kind: RecordKind) => [...COLUMNS[kind].required, ...COLUMNS[kind].optional];

/** Every column of the format, in the order of the template: the kind, then each kind's new columns. */
export const KNOWN_COLUMNS: readonly string[] = [
  ...new Set([KIND_COLUMN, ...RECORD_KINDS.flatMap((kind) => columnsOf(kind))]),
];

/** The values of `motivo_fine` and what the registry stores. */
export const END_REASONS = { decesso: 'death', divorzio: 'divorce', scioglimento: 'dissolution' } as const;
