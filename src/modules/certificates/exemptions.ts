// Stamp-duty exemptions a citizen may claim for a certificate (imposta di bollo, DPR 642/1972 and
// Tabella B, and special laws), as comuni list them in the request mask (Rivoli, San Colombano, Melegnano:
// ../shared/reference/anchors-services.md §5). `uncertain` marks references not confirmed from a stored
// source: check them against the text of the law before production.

export interface Exemption {
  code: string;
  label: string;
  /** The legal reference printed on the certificate, from its article: "… ai sensi dell'art. …". */
  reference: string;
  uncertain?: true;
}

export const EXEMPTIONS: readonly Exemption[] = [
  {
    code: 'ADOZIONE',
    label: 'Adozione, affidamento e tutela dei minori',
    reference: 'art. 82 della legge 4 maggio 1983, n. 184 e art. 13 della Tabella B del D.P.R. 642/1972',
    // art. 82 L. 184/1983 is the usual citation; art. 13 Tab. B (tutela di minori e interdetti) uncertain.
    uncertain: true,
  },
  {
    code: 'SEPARAZIONE_DIVORZIO',
    label: 'Separazione personale dei coniugi, scioglimento o cessazione degli effetti civili del matrimonio',
    reference: 'art. 19 della legge 6 marzo 1987, n. 74',
  },
  {
    code: 'PROCESSUALE',
    label: 'Uso processuale / giudiziario (procedimento soggetto a contributo unificato)',
    reference: 'art. 18 del D.P.R. 30 maggio 2002, n. 115',
  },
  {
    code: 'LAVORO_PREVIDENZA',
    label: 'Controversie individuali di lavoro o in materia di previdenza e assistenza obbligatorie',
    reference: 'art. 10 della legge 11 agosto 1973, n. 533',
  },
  {
    code: 'PENSIONE',
    label: 'Pensione e assicurazioni sociali obbligatorie (anche pensione estera)',
    reference: 'art. 9 della Tabella B del D.P.R. 26 ottobre 1972, n. 642',
  },
  {
    code: 'ASSEGNI_FAMILIARI',
    label: 'Assegni familiari',
    reference: 'art. 9 della Tabella B del D.P.R. 26 ottobre 1972, n. 642',
  },
  {
    code: 'SCUOLA',
    label: "Iscrizione e frequenza scolastica (scuola dell'obbligo e asili nido), borse di studio",
    reference: 'art. 11 della Tabella B del D.P.R. 26 ottobre 1972, n. 642',
  },
  {
    code: 'ELETTORALE',
    label: 'Materia elettorale',
    reference: 'art. 1 della Tabella B del D.P.R. 26 ottobre 1972, n. 642',
  },
  {
    code: 'TERZO_SETTORE',
    label: 'ONLUS ed enti del Terzo settore',
    reference: 'art. 27-bis della Tabella B del D.P.R. 642/1972 e art. 82, comma 5, del D.Lgs. 117/2017',
  },
  {
    code: 'SPORT',
    label: 'Federazioni sportive, enti di promozione sportiva e associazioni sportive dilettantistiche',
    reference: 'art. 27-bis della Tabella B del D.P.R. 26 ottobre 1972, n. 642',
  },
  {
    code: 'AMMINISTRAZIONE_SOSTEGNO',
    label: 'Interdizione, inabilitazione, amministrazione di sostegno',
    reference: 'art. 13 della Tabella B del D.P.R. 642/1972 e legge 9 gennaio 2004, n. 6',
    // Which article of L. 6/2004 carries the exemption is not confirmed here.
    uncertain: true,
  },
  {
    code: 'TOPONOMASTICA',
    label: 'Variazione della toponomastica o della numerazione civica',
    reference: 'art. 16 della legge 24 dicembre 1954, n. 1228',
    // Reference not confirmed from a stored source.
    uncertain: true,
  },
];

const BY_CODE = new Map(EXEMPTIONS.map((e) => [e.code, e]));
export const findExemption = (code: string): Exemption | undefined => BY_CODE.get(code);

/** The line printed for a stato civile certificate (exempt by nature). */
export const EXEMPT_BY_NATURE_REFERENCE = 'art. 7, comma 5, della legge 29 dicembre 1990, n. 405';
