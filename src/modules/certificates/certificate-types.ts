// The certificate types ANPR issues online (anagrafenazionale.interno.it, since 15 November 2021; see
// ../shared/reference/anchors-services.md §5), each with the rule that says whether the registry holds
// what it certifies for a given person, and whether it is exempt from stamp duty by its nature.
import type {
  RegistryCohabitation,
  RegistryFamily,
  RegistryPerson,
  RegistryUnion,
} from '../registry/index.ts';

export const CERTIFICATE_TYPES = [
  'nascita',
  'matrimonio',
  'cittadinanza',
  'esistenza_in_vita',
  'residenza',
  'residenza_aire',
  'stato_civile',
  'stato_famiglia',
  'residenza_convivenza',
  'stato_famiglia_aire',
  'stato_famiglia_parentela',
  'stato_libero',
  'unione_civile',
  'contratto_convivenza',
] as const;
export type CertificateType = (typeof CERTIFICATE_TYPES)[number];
export const isCertificateType = (value: unknown): value is CertificateType =>
  (CERTIFICATE_TYPES as readonly unknown[]).includes(value);

/** What the registry holds about the subject of a certificate. */
export interface SubjectData {
  person: RegistryPerson;
  family: RegistryFamily | null;
  unions: RegistryUnion[];
  cohabitations: RegistryCohabitation[];
}

export interface CertificateTypeInfo {
  title: string;
  /**
   * Stato civile certificates (births, marriages, civil unions) are always exempt: art. 7 c. 5
   * L. 405/1990 (the exemption ANPR applies to its "anagrafico di nascita/matrimonio/unione civile").
   */
  exemptByNature: boolean;
  /** Null when the certificate can be issued for this person, else why not (Italian, for the citizen). */
  unavailable(d: SubjectData): string | null;
}

/** ANPR Tabella 05 codes of members of a non-affective cohabitation (convivenza anagrafica). */
const INSTITUTIONAL_COHABITATION = new Set<number>([24, 25]);
const FREE_STATUSES = new Set<number>([1, 3, 4, 7, 8]);

const currentMarriage = (d: SubjectData) => d.unions.find((u) => u.kind === 'marriage' && !u.endedOn);
const currentUnion = (d: SubjectData) => d.unions.find((u) => u.kind === 'civil_union' && !u.endedOn);
const currentContract = (d: SubjectData) => d.cohabitations.find((c) => !c.endedOn);
const inInstitution = (d: SubjectData) =>
  d.family?.members.some(
    (m) => m.person.id === d.person.id && INSTITUTIONAL_COHABITATION.has(m.relationship),
  ) ?? false;

function residentHere(d: SubjectData): string | null {
  if (d.person.aire) return "La persona è iscritta all'AIRE: è disponibile il certificato di residenza AIRE.";
  if (!d.family) return 'La persona non risulta iscritta in una famiglia anagrafica di questo Comune.';
  return null;
}
function aireHere(d: SubjectData): string | null {
  if (!d.person.aire || !d.family?.aire)
    return "La persona non è iscritta nell'Anagrafe degli Italiani Residenti all'Estero (AIRE) di questo Comune.";
  return null;
}

export const CERTIFICATE_TYPE_INFO: Record<CertificateType, CertificateTypeInfo> = {
  nascita: { title: 'Certificato anagrafico di nascita', exemptByNature: true, unavailable: () => null },
  matrimonio: {
    title: 'Certificato anagrafico di matrimonio',
    exemptByNature: true,
    unavailable: (d) => (currentMarriage(d) ? null : 'Nel registro non risulta un matrimonio in essere.'),
  },
  cittadinanza: {
    title: 'Certificato di cittadinanza',
    exemptByNature: false,
    unavailable: (d) =>
      d.person.citizenships.some((c) => c.stateCode === '100')
        ? null
        : 'Nel registro non risulta la cittadinanza italiana.',
  },
  esistenza_in_vita: {
    title: 'Certificato di esistenza in vita',
    exemptByNature: false,
    unavailable: () => null,
  },
  residenza: { title: 'Certificato di residenza', exemptByNature: false, unavailable: residentHere },
  residenza_aire: { title: 'Certificato di residenza AIRE', exemptByNature: false, unavailable: aireHere },
  stato_civile: {
    title: 'Certificato di stato civile',
    exemptByNature: false,
    unavailable: (d) =>
      d.person.civilStatus === 9 ? 'Lo stato civile non è registrato (non classificabile).' : null,
  },
  stato_famiglia: {
    title: 'Certificato di stato di famiglia',
    exemptByNature: false,
    unavailable: residentHere,
  },
  residenza_convivenza: {
    title: 'Certificato di residenza in convivenza',
    exemptByNature: false,
    unavailable: (d) =>
      inInstitution(d) ? null : 'La persona non risulta iscritta in una convivenza anagrafica.',
  },
  stato_famiglia_aire: {
    title: 'Certificato di stato di famiglia AIRE',
    exemptByNature: false,
    unavailable: aireHere,
  },
  stato_famiglia_parentela: {
    title: 'Certificato di stato di famiglia con rapporti di parentela',
    exemptByNature: false,
    unavailable: residentHere,
  },
  stato_libero: {
    title: 'Certificato di stato libero',
    exemptByNature: false,
    unavailable: (d) =>
      FREE_STATUSES.has(d.person.civilStatus)
        ? null
        : 'La persona risulta coniugata o unita civilmente: il certificato di stato libero non può essere rilasciato.',
  },
  unione_civile: {
    title: 'Certificato anagrafico di unione civile',
    exemptByNature: true,
    unavailable: (d) => (currentUnion(d) ? null : 'Nel registro non risulta un’unione civile in essere.'),
  },
  contratto_convivenza: {
    title: 'Certificato di contratto di convivenza',
    exemptByNature: false,
    unavailable: (d) =>
      currentContract(d) ? null : 'Nel registro non risulta un contratto di convivenza in essere.',
  },
};

/** Why `type` cannot be issued for this person, or null. Nothing is issued online for a deceased person. */
export function whyUnavailable(type: CertificateType, d: SubjectData): string | null {
  if (d.person.deathDate)
    return 'La persona risulta deceduta: il certificato si richiede allo sportello anagrafe.';
  return CERTIFICATE_TYPE_INFO[type].unavailable(d);
}

/** The types offered for this person (for the request page). */
export const availableTypes = (d: SubjectData): CertificateType[] =>
  CERTIFICATE_TYPES.filter((t) => whyUnavailable(t, d) === null);

export { currentContract, currentMarriage, currentUnion };
