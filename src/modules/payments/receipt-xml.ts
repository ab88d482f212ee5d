// The pagoPA receipt ("ricevuta telematica") as XML: the paSendRTV2 request that pagoPA sends to the
// creditor's station, whose <receipt> is a ctReceiptV2 (pagopa/pagopa-api, wsdl/xsd/paForNode.xsd), the
// same document GPD's receipts service returns. Parsed strictly: no DTD or entities, one root in the
// paForNode namespace, every field checked against its XSD type, amounts turned into integer cents
// exactly (never through floating point), transfers adding up to the paid amount.
import { DOMParser } from '@xmldom/xmldom';

export interface Receipt {
  receiptId: string; // unique per payment at pagoPA
  noticeNumber: string; // 18 digits
  iuv: string; // creditorReferenceId
  organizationFiscalCode: string; // the creditor ente's fiscal code (11 digits)
  amountCents: number;
  outcome: 'OK' | 'KO';
  paymentDateTime: string; // ISO 8601, UTC
  pspCompanyName: string;
  debtorFiscalCode: string | null;
  description: string;
}

/** A transfer of the receipt (ctTransferPAReceiptV2): one beneficiary's share of the payment. */
export interface ReceiptTransfer {
  idTransfer: number;
  amountCents: number;
  fiscalCodePA: string;
  iban?: string;
  remittanceInformation: string;
  transferCategory: string;
}

/** Fields of the XML that the Receipt does not carry; defaults describe a payment to the ente itself. */
export interface ReceiptDetails {
  idBrokerPA?: string;
  idStation?: string;
  companyName?: string;
  debtorFullName?: string;
  idPSP?: string;
  idChannel?: string;
  paymentMethod?: string;
  transfers?: ReceiptTransfer[];
}

export class ReceiptError extends Error {}

export const PA_FOR_NODE_NS = 'http://pagopa-api.pagopa.gov.it/pa/paForNode.xsd';
const MAX_BYTES = 256 * 1024;
const ANONYMOUS = 'ANONIMO'; // pagoPA's debtor identifier when the debtor is not known
const ZONE = 'Europe/Rome'; // xs:dateTime values without an offset are Italian local time

type Rule = RegExp | ((value: string) => boolean);

const RULES = {
  token35: /^[\x21-\x7e]{1,35}$/,
  noticeNumber: /^\d{18}$/,
  fiscalCodePA: /^\d{11}$/,
  amount: /^(\d{1,9})\.(\d{2})$/,
  iban: /^[A-Z]{2}\d{2}[A-Z0-9]{1,30}$/,
  dateTime: /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})?$/,
};

const fail = (message: string): never => {
  throw new ReceiptError(message);
};

const TAG = /<(\/?)([^\s/>]+)(?:\s+[^\s=/>]+\s*=\s*(?:"[^"<]*"|'[^'<]*'))*\s*(\/?)>/y;

const SECTIONS = [
  ['<!--', '-->'],
  ['<![CDATA[', ']]>'],
  ['<?', '?>'],
] as const;

/** The document without comments, CDATA sections and processing instructions, in one linear pass. */
function withoutSpecialSections(xml: string): string {
  let out = '';
  let at = 0;
  for (let lt = xml.indexOf('<'); lt !== -1; lt = xml.indexOf('<', at)) {
    const section = SECTIONS.find(([start]) => xml.startsWith(start, lt));
    if (!section) {
      out += xml.slice(at, lt + 1);
      at = lt + 1;
      continue;
    }
    const end = xml.indexOf(section[1], lt + section[0].length);
    if (end === -1) fail('malformed XML');
    out += xml.slice(at, lt);
    at = end + section[1].length;
  }
  return out + xml.slice(at);
}

/** xmldom silently closes an element left open; this checks every start tag has its end tag. */
function checkTagsBalance(xml: string): void {
  const markup = withoutSpecialSections(xml);
  const open: string[] = [];
  let roots = 0;
  for (let at = markup.indexOf('<'); at !== -1; at = markup.indexOf('<', TAG.lastIndex)) {
    TAG.lastIndex = at;
    const [, closing, name, selfClosing] = TAG.exec(markup) ?? fail('malformed XML');
    if (closing) {
      if (selfClosing || open.pop() !== name) fail('malformed XML');
    } else {
      if (open.length === 0) roots++;
      if (!selfClosing) open.push(name!);
    }
  }
  if (open.length > 0 || roots !== 1) fail('malformed XML');
}

function parseDocument(xml: string): Element {
  if (typeof xml !== 'string' || xml.length === 0) fail('empty document');
  if (Buffer.byteLength(xml) > MAX_BYTES) fail('document too large');
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) fail('DTDs and entity declarations are not allowed');
  if (!xml.trimStart().startsWith('<')) fail('text before the root element');
  checkTagsBalance(xml);
  const malformed = () => fail('malformed XML');
  const doc = new DOMParser({
    errorHandler: { warning: malformed, error: malformed, fatalError: malformed },
  }).parseFromString(xml, 'text/xml');
  for (let node = doc?.firstChild; node; node = node.nextSibling) {
    if (node.nodeType === 3 && (node.nodeValue ?? '').trim() !== '') fail('text outside the root element');
  }
  return doc?.documentElement ?? fail('malformed XML');
}

/** The unqualified child elements named `local` (ctReceiptV2 elements carry no namespace). */
function childrenNamed(el: Element, local: string): Element[] {
  const out: Element[] = [];
  for (let node = el.firstChild; node; node = node.nextSibling) {
    if (node.nodeType === 1 && (node as Element).localName === local && !(node as Element).namespaceURI)
      out.push(node as Element);
  }
  return out;
}

function element(parent: Element, local: string): Element;
function element(parent: Element, local: string, optional: true): Element | null;
function element(parent: Element, local: string, optional = false): Element | null {
  const found = childrenNamed(parent, local);
  if (found.length > 1) fail(`<${local}> is repeated`);
  if (found.length === 0) return optional ? null : fail(`<${local}> is missing`);
  return found[0]!;
}

function value(parent: Element, local: string, rule: Rule, optional?: false): string;
function value(parent: Element, local: string, rule: Rule, optional: true): string | null;
function value(parent: Element, local: string, rule: Rule, optional = false): string | null {
  const el = optional ? element(parent, local, true) : element(parent, local);
  if (!el) return null;
  for (let node = el.firstChild; node; node = node.nextSibling) {
    if (node.nodeType === 1) fail(`<${local}> must hold text only`);
  }
  const content = (el.textContent ?? '').trim();
  if (!(typeof rule === 'function' ? rule(content) : rule.test(content))) fail(`<${local}> is not valid`);
  return content;
}

/** Free text (xs:string, 1 to `max` characters): no control characters but tabs and line breaks. */
const text =
  (max: number) =>
  (value: string): boolean => {
    const length = [...value].length;
    return length >= 1 && length <= max && !/\p{Cc}/u.test(value.replace(/[\t\n\r]/g, ''));
  };

/** An stAmount ("16.00") as integer cents, exactly. */
export function amountToCents(amount: string): number {
  const match = RULES.amount.exec(amount) ?? fail(`amount "${amount}" is not in the form 0.00`);
  return Number(match[1]) * 100 + Number(match[2]);
}

export function centsToAmount(cents: number): string {
  if (!Number.isSafeInteger(cents) || cents < 0 || cents > 99_999_999_999) fail('amount out of range');
  return `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
}

const ROME = new Intl.DateTimeFormat('en-US', {
  timeZone: ZONE,
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

/** Rome's offset from UTC at an instant, in minutes. */
function romeOffset(ms: number): number {
  const p = Object.fromEntries(ROME.formatToParts(new Date(ms)).map((x) => [x.type, Number(x.value)]));
  const wall = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!);
  return Math.round((wall - Math.floor(ms / 1000) * 1000) / 60_000);
}

/** An xs:dateTime as a UTC ISO string; without an offset it is Italian local time. */
export function isoInstant(raw: string): string {
  const m = RULES.dateTime.exec(raw) ?? fail(`date-time "${raw}" is not valid`);
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const ms = Math.round(Number(`0${m[7] ?? ''}`) * 1000);
  const wall = Date.UTC(y, mo - 1, d, h, mi, s, ms);
  const back = new Date(wall);
  if (back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d || h > 23 || mi > 59 || s > 59)
    fail(`date-time "${raw}" does not exist`);
  let offset: number;
  if (m[8] === 'Z') offset = 0;
  else if (m[8])
    offset = (m[8][0] === '-' ? -1 : 1) * (Number(m[8].slice(1, 3)) * 60 + Number(m[8].slice(4)));
  else {
    offset = romeOffset(wall - romeOffset(wall) * 60_000);
  }
  return new Date(wall - offset * 60_000).toISOString();
}

/** An instant as Italian local time with its offset, e.g. 2024-05-10T10:15:30+02:00. */
export function romeDateTime(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) fail(`date-time "${iso}" is not valid`);
  const offset = romeOffset(ms);
  const local = new Date(ms + offset * 60_000).toISOString().replace(/\.000Z$|Z$/, '');
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/** Parses a paSendRTV2 receipt document; throws ReceiptError naming the first problem. */
export function parseReceipt(xml: string): Receipt {
  const root = parseDocument(xml);
  if (root.localName !== 'paSendRTV2Req' || root.namespaceURI !== PA_FOR_NODE_NS)
    fail('the root element is not a paSendRTV2Req of paForNode');
  const idPA = value(root, 'idPA', RULES.token35);
  value(root, 'idBrokerPA', RULES.token35);
  value(root, 'idStation', RULES.token35);
  const r = element(root, 'receipt');

  const noticeNumber = value(r, 'noticeNumber', RULES.noticeNumber);
  const organizationFiscalCode = value(r, 'fiscalCode', RULES.fiscalCodePA);
  const iuv = value(r, 'creditorReferenceId', RULES.token35);
  // Every notice-number scheme (aux digit 0–3) ends with the IUV.
  if (!noticeNumber.endsWith(iuv)) fail('<creditorReferenceId> is not the IUV of <noticeNumber>');
  if (idPA !== organizationFiscalCode) fail('<idPA> is not the creditor of the receipt');
  const amountCents = amountToCents(value(r, 'paymentAmount', RULES.amount));
  if (amountCents <= 0) fail('<paymentAmount> must be positive');

  const debtor = element(r, 'debtor');
  const identifier = element(debtor, 'uniqueIdentifier');
  value(identifier, 'entityUniqueIdentifierType', /^[FG]$/);
  const debtorId = value(identifier, 'entityUniqueIdentifierValue', RULES.token35).toUpperCase();
  value(debtor, 'fullName', text(70));
  value(r, 'companyName', text(140));

  const transfers = childrenNamed(element(r, 'transferList'), 'transfer');
  if (transfers.length < 1 || transfers.length > 5) fail('<transferList> must hold 1 to 5 transfers');
  const ids = new Set<string>();
  let sum = 0;
  for (const t of transfers) {
    ids.add(value(t, 'idTransfer', /^[1-5]$/));
    const cents = amountToCents(value(t, 'transferAmount', RULES.amount));
    if (cents <= 0) fail('<transferAmount> must be positive');
    sum += cents;
    value(t, 'fiscalCodePA', RULES.fiscalCodePA);
    value(t, 'remittanceInformation', text(140));
    value(t, 'transferCategory', text(140));
    value(t, 'IBAN', RULES.iban, true);
  }
  if (ids.size !== transfers.length) fail('<idTransfer> is repeated');
  if (sum !== amountCents) fail('the transfers do not add up to <paymentAmount>');

  value(r, 'idPSP', RULES.token35);
  value(r, 'idChannel', RULES.token35);
  value(r, 'channelDescription', text(35));
  const paid = value(r, 'paymentDateTime', RULES.dateTime, true);
  const applied = value(r, 'applicationDate', /^\d{4}-\d{2}-\d{2}$/, true);
  const when = paid ?? (applied ? `${applied}T00:00:00` : fail('<paymentDateTime> is missing'));

  return {
    receiptId: value(r, 'receiptId', RULES.token35),
    noticeNumber,
    iuv,
    organizationFiscalCode,
    amountCents,
    outcome: value(r, 'outcome', /^(OK|KO)$/) as 'OK' | 'KO',
    paymentDateTime: isoInstant(when),
    pspCompanyName: value(r, 'PSPCompanyName', text(70)),
    debtorFiscalCode: debtorId === ANONYMOUS ? null : debtorId,
    description: value(r, 'description', text(140)),
  };
}

const esc = (s: string) =>
  s.replace(/[<>&"']/g, (c) => `&${{ '<': 'lt', '>': 'gt', '&': 'amp', '"': 'quot', "'": 'apos' }[c]};`);

/** Writes the receipt as pagoPA sends it (paSendRTV2Req); refuses a receipt its own parser would. */
export function receiptXml(receipt: Receipt, details: ReceiptDetails = {}): string {
  const org = receipt.organizationFiscalCode;
  const paidAt = romeDateTime(receipt.paymentDateTime);
  const transfers = details.transfers ?? [
    {
      idTransfer: 1,
      amountCents: receipt.amountCents,
      fiscalCodePA: org,
      remittanceInformation: receipt.description,
      transferCategory: '9/0101100IM/',
    },
  ];
  const idPSP = details.idPSP ?? 'SANDBOXPSP';
  const debtorId = receipt.debtorFiscalCode ?? ANONYMOUS;
  const tag = (name: string, v: string) => `<${name}>${esc(v)}</${name}>`;
  const xml = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<pafn:paSendRTV2Req xmlns:pafn="${PA_FOR_NODE_NS}">`,
    tag('idPA', org),
    tag('idBrokerPA', details.idBrokerPA ?? org),
    tag('idStation', details.idStation ?? `${org}_01`),
    '<receipt>',
    tag('receiptId', receipt.receiptId),
    tag('noticeNumber', receipt.noticeNumber),
    tag('fiscalCode', org),
    tag('outcome', receipt.outcome),
    tag('creditorReferenceId', receipt.iuv),
    tag('paymentAmount', centsToAmount(receipt.amountCents)),
    tag('description', receipt.description),
    tag('companyName', details.companyName ?? org),
    '<debtor><uniqueIdentifier>',
    tag('entityUniqueIdentifierType', /^\d{11}$/.test(debtorId) ? 'G' : 'F'),
    tag('entityUniqueIdentifierValue', debtorId),
    `</uniqueIdentifier>${tag('fullName', details.debtorFullName ?? debtorId)}</debtor>`,
    '<transferList>',
    ...transfers.map((t) =>
      [
        '<transfer>',
        tag('idTransfer', String(t.idTransfer)),
        tag('transferAmount', centsToAmount(t.amountCents)),
        tag('fiscalCodePA', t.fiscalCodePA),
        t.iban ? tag('IBAN', t.iban) : '',
        tag('remittanceInformation', t.remittanceInformation),
        tag('transferCategory', t.transferCategory),
        '</transfer>',
      ].join(''),
    ),
    '</transferList>',
    tag('idPSP', idPSP),
    tag('PSPCompanyName', receipt.pspCompanyName),
    tag('idChannel', details.idChannel ?? `${idPSP}_01`),
    tag('channelDescription', 'NA'),
    details.paymentMethod ? tag('paymentMethod', details.paymentMethod) : '',
    tag('paymentDateTime', paidAt),
    tag('applicationDate', paidAt.slice(0, 10)),
    tag('transferDate', paidAt.slice(0, 10)),
    '</receipt>',
    '</pafn:paSendRTV2Req>',
  ].join('\n');
  parseReceipt(xml);
  return xml;
}
