// Small, strict XML helpers for SAML: a parser that refuses DTDs and malformed input, namespace-aware
// child lookup, XML-DSig enveloped signatures (xml-crypto) and text escaping.
import { DOMParser } from '@xmldom/xmldom';
import { SignedXml } from 'xml-crypto';
import xpath from 'xpath';

export const NS = {
  protocol: 'urn:oasis:names:tc:SAML:2.0:protocol',
  assertion: 'urn:oasis:names:tc:SAML:2.0:assertion',
  metadata: 'urn:oasis:names:tc:SAML:2.0:metadata',
  dsig: 'http://www.w3.org/2000/09/xmldsig#',
  spid: 'https://spid.gov.it/saml-extensions',
} as const;

export const ALG = {
  rsaSha256: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
  sha256: 'http://www.w3.org/2001/04/xmlenc#sha256',
  excC14n: 'http://www.w3.org/2001/10/xml-exc-c14n#',
  enveloped: 'http://www.w3.org/2000/09/xmldsig#enveloped-signature',
} as const;

/** An input the parser or a rule refused; `code` names the rule for the audit trail. */
export class XmlRejected extends Error {
  constructor(readonly code: string) {
    super(code);
  }
}

export function parseXml(xml: string): Element {
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) throw new XmlRejected('dtd-not-allowed');
  const fail = () => {
    throw new XmlRejected('malformed-xml');
  };
  const doc = new DOMParser({
    errorHandler: { warning: () => {}, error: fail, fatalError: fail },
  }).parseFromString(xml, 'text/xml');
  const root = doc?.documentElement;
  if (!root) throw new XmlRejected('malformed-xml');
  return root;
}

export function children(el: Element, ns: string, local: string): Element[] {
  const out: Element[] = [];
  for (let node = el.firstChild; node; node = node.nextSibling) {
    if (node.nodeType === 1 && (node as Element).localName === local && (node as Element).namespaceURI === ns)
      out.push(node as Element);
  }
  return out;
}

/** Exactly one child `local` in `ns`, or a rejection named `<code>`. */
export function one(el: Element, ns: string, local: string, code: string): Element {
  const found = children(el, ns, local);
  if (found.length !== 1) throw new XmlRejected(found.length ? `${code}-repeated` : `${code}-missing`);
  return found[0]!;
}

/** A present, non-blank attribute ("mancante" and "non specificato" are both refused). */
export function attr(el: Element, name: string, code: string): string {
  if (!el.hasAttribute(name)) throw new XmlRejected(`${code}-missing`);
  const value = el.getAttribute(name)!.trim();
  if (!value) throw new XmlRejected(`${code}-empty`);
  return value;
}

export const text = (el: Element) => (el.textContent ?? '').trim();

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;

/** An xs:dateTime in UTC ("Z"), with optional fractions of a second. */
export function instant(value: string, code: string): number {
  const ms = DATE_TIME.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) throw new XmlRejected(`${code}-format`);
  return ms;
}

export const isoSeconds = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

export const escapeXml = (value: string) =>
  value.replace(/[<>&"']/g, (c) => `&${{ '<': 'lt', '>': 'gt', '&': 'amp', '"': 'quot', "'": 'apos' }[c]};`);

/**
 * Signs the element `xpath` selects (enveloped, exclusive c14n, RSA-SHA256, SHA-256 digest) and places
 * the signature right after its Issuer, or as its first child when it has none.
 */
export function signElement(xml: string, target: string, keyPem: string, certPem: string): string {
  const sig = new SignedXml({
    privateKey: keyPem,
    publicCert: certPem,
    signatureAlgorithm: ALG.rsaSha256,
    canonicalizationAlgorithm: ALG.excC14n,
  });
  sig.addReference({ xpath: target, digestAlgorithm: ALG.sha256, transforms: [ALG.enveloped, ALG.excC14n] });
  const issuer = `${target}/*[local-name()='Issuer']`;
  const hasIssuer = xpath.select(issuer, new DOMParser().parseFromString(xml, 'text/xml') as unknown as Node);
  sig.computeSignature(xml, {
    prefix: 'ds',
    location:
      Array.isArray(hasIssuer) && hasIssuer.length > 0
        ? { reference: issuer, action: 'after' }
        : { reference: target, action: 'prepend' },
  });
  return sig.getSignedXml();
}

/** The XPath of the element with this ID. */
export const byId = (id: string) => `//*[@ID='${id}']`;

/**
 * Whether `el` carries exactly one enveloped signature, referencing `el` itself, made by one of the
 * trusted certificates. False when there is no signature at all.
 */
export function hasValidSignature(xml: string, el: Element, certsPem: string[]): boolean {
  const signatures = children(el, NS.dsig, 'Signature');
  if (signatures.length !== 1) return false;
  for (const cert of certsPem) {
    try {
      const sig = new SignedXml({ publicCert: cert });
      sig.loadSignature(signatures[0]!);
      const refs = sig.getReferences();
      if (refs.length !== 1 || refs[0]!.uri !== `#${el.getAttribute('ID')}`) return false;
      if (sig.checkSignature(xml)) return true;
    } catch {
      // a malformed signature, or not this certificate's: tried with the next one
    }
  }
  return false;
}
