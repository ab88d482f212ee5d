// The official wording of each certificate type (Italian), from the registry data of its subject: the
// certifying sentence and, for family certificates, the members listed.
import { formatDate } from '../../platform/pdf/pdf-document.ts';
import type { RegistryFamily, RegistryPerson } from '../registry/index.ts';
import {
  type CertificateType,
  currentContract,
  currentMarriage,
  currentUnion,
  type SubjectData,
} from './certificate-types.ts';

const CIVIL: Record<number, [string, string]> = {
  1: ['celibe', 'nubile'],
  2: ['coniugato', 'coniugata'],
  3: ['vedovo', 'vedova'],
  4: ['divorziato', 'divorziata'],
  6: ['unito civilmente', 'unita civilmente'],
  7: [
    'di stato libero a seguito di decesso della parte unita civilmente',
    'di stato libero a seguito di decesso della parte unita civilmente',
  ],
  8: [
    "di stato libero a seguito di scioglimento dell'unione civile",
    "di stato libero a seguito di scioglimento dell'unione civile",
  ],
  9: ['non classificabile', 'non classificabile'],
};

export const civilStatusText = (p: RegistryPerson) => CIVIL[p.civilStatus]![p.sex === 'F' ? 1 : 0];
const born = (p: RegistryPerson) => (p.sex === 'F' ? 'nata' : 'nato');
const citizen = (p: RegistryPerson) => (p.sex === 'F' ? 'cittadina italiana' : 'cittadino italiano');
const enrolled = (p: RegistryPerson) => (p.sex === 'F' ? 'iscritta' : 'iscritto');

export function birthPlaceText(p: RegistryPerson): string {
  const b = p.birthPlace;
  return b.kind === 'comune' ? `${b.name}${b.province ? ` (${b.province})` : ''}` : b.country;
}

export function addressText(f: RegistryFamily): string {
  const a = f.address;
  const street = [a.street, a.civicNumber].filter(Boolean).join(' ');
  const place = [a.postalCode, a.locality].filter(Boolean).join(' ');
  return [street, place, a.country?.name].filter(Boolean).join(', ');
}

export interface Wording {
  /** The certifying sentence, after "… certifica che <person>". */
  statement: string;
  /** Family certificates: one line per member, in the order of the family sheet. */
  members?: string[];
}

const member = (m: RegistryFamily['members'][number], withRelationship: boolean) =>
  [
    `${m.person.surname} ${m.person.givenName}`,
    `${born(m.person)} a ${birthPlaceText(m.person)} il ${formatDate(m.person.birthDate)}`,
    `C.F. ${m.person.fiscalCode}`,
    withRelationship ? `rapporto con l'intestatario: ${m.relationshipLabel}` : null,
  ]
    .filter(Boolean)
    .join(' – ');

/** The statement for `type`; call only when the type is available for the subject (whyUnavailable null). */
export function wordingOf(type: CertificateType, d: SubjectData, comune: string): Wording {
  const p = d.person;
  const family = d.family;
  const address = family ? addressText(family) : '';
  switch (type) {
    case 'nascita':
      return { statement: `è ${born(p)} a ${birthPlaceText(p)} il ${formatDate(p.birthDate)}.` };
    case 'matrimonio': {
      const u = currentMarriage(d)!;
      return {
        statement: `ha contratto matrimonio con ${u.partner.surname} ${u.partner.givenName} (C.F. ${u.partner.fiscalCode}) a ${u.place.name} il ${formatDate(u.celebratedOn)}.`,
      };
    }
    case 'unione_civile': {
      const u = currentUnion(d)!;
      return {
        statement: `ha costituito unione civile con ${u.partner.surname} ${u.partner.givenName} (C.F. ${u.partner.fiscalCode}) a ${u.place.name} il ${formatDate(u.celebratedOn)}.`,
      };
    }
    case 'contratto_convivenza': {
      const c = currentContract(d)!;
      return {
        statement: `ha stipulato un contratto di convivenza (legge 20 maggio 2016, n. 76, art. 1, comma 50) con ${c.partner.surname} ${c.partner.givenName} (C.F. ${c.partner.fiscalCode}), sottoscritto il ${formatDate(c.signedOn)} e registrato in anagrafe il ${formatDate(c.registeredOn)}.`,
      };
    }
    case 'cittadinanza':
      return { statement: `è ${citizen(p)}.` };
    case 'esistenza_in_vita':
      return { statement: `è in vita.` };
    case 'residenza':
      return { statement: `è residente nel Comune di ${comune}, in ${address}.` };
    case 'residenza_convivenza':
      return {
        statement: `è residente nel Comune di ${comune} nella convivenza anagrafica sita in ${address}.`,
      };
    case 'residenza_aire':
      return {
        statement: `è ${enrolled(p)} nell'Anagrafe degli Italiani Residenti all'Estero (AIRE) del Comune di ${comune}, con indirizzo in ${address}.`,
      };
    case 'stato_civile':
      return { statement: `è di stato civile ${civilStatusText(p)}.` };
    case 'stato_libero':
      return { statement: `è di stato libero (${civilStatusText(p)}).` };
    case 'stato_famiglia':
    case 'stato_famiglia_parentela':
    case 'stato_famiglia_aire': {
      const where =
        type === 'stato_famiglia_aire'
          ? `iscritta nell'AIRE del Comune di ${comune}, con indirizzo in ${address}`
          : `residente nel Comune di ${comune}, in ${address}`;
      return {
        statement: `fa parte della famiglia anagrafica ${where}, composta come segue:`,
        members: family!.members.map((m) => member(m, type === 'stato_famiglia_parentela')),
      };
    }
  }
}
