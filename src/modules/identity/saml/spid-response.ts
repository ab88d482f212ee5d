// Validation of a SPID SAML Response at the assertion consumer: the SPID technical rules on top of
// node-saml's signature, InResponseTo, time and audience checks. Every rule failure throws XmlRejected
// with a code; a failed authentication at the provider throws SpidAnomaly with its SPID error number.
import { SAML, ValidateInResponseTo } from '@node-saml/node-saml';
import type { IdentityProvider } from './idp-metadata.ts';
import { attr, children, hasValidSignature, instant, NS, one, parseXml, text, XmlRejected } from './xml.ts';

export const SPID_LEVELS = [
  'https://www.spid.gov.it/SpidL1',
  'https://www.spid.gov.it/SpidL2',
  'https://www.spid.gov.it/SpidL3',
] as const;
const ENTITY = 'urn:oasis:names:tc:SAML:2.0:nameid-format:entity';
const TRANSIENT = 'urn:oasis:names:tc:SAML:2.0:nameid-format:transient';
const BEARER = 'urn:oasis:names:tc:SAML:2.0:cm:bearer';
const SUCCESS = 'urn:oasis:names:tc:SAML:2.0:status:Success';

/** The provider answered that authentication did not happen (SPID "anomalie" 19–25, or another status). */
export class SpidAnomaly extends Error {
  constructor(
    readonly errorCode: number | null,
    readonly status: string,
  ) {
    super(`status ${status}${errorCode ? ` ErrorCode nr${errorCode}` : ''}`);
  }
}

export interface PendingRequest {
  id: string;
  issuedAt: number;
  level: 1 | 2 | 3;
  comparison: 'minimum' | 'exact';
  /** The attribute names the request's AttributeConsumingService asks for. */
  attributes: readonly string[];
}

export interface ValidationContext {
  entityId: string;
  acsUrl: string;
  idp: IdentityProvider;
  request: PendingRequest;
  now: number;
  skewMs: number;
}

export interface SpidAssertion {
  level: 1 | 2 | 3;
  nameId: string;
  attributes: Record<string, string>;
}

/** The InResponseTo of a response, read before anything is trusted, to find the pending request. */
export function inResponseToOf(samlResponse: string): string {
  const root = parseXml(decode(samlResponse));
  return attr(root, 'InResponseTo', 'response-inresponseto');
}

export async function validateSpidResponse(
  samlResponse: string,
  ctx: ValidationContext,
): Promise<SpidAssertion> {
  const xml = decode(samlResponse);
  const response = parseXml(xml);
  if (response.localName !== 'Response' || response.namespaceURI !== NS.protocol)
    throw new XmlRejected('not-a-response');
  checkEnvelope(response, ctx);
  checkStatus(response);
  const assertions = children(response, NS.assertion, 'Assertion');
  if (assertions.length !== 1 || children(response, NS.assertion, 'EncryptedAssertion').length)
    throw new XmlRejected(assertions.length ? 'assertion-repeated' : 'assertion-missing');
  // A Response signature is optional in SPID, but when present it must be valid and the IdP's.
  if (children(response, NS.dsig, 'Signature').length && !hasValidSignature(xml, response, ctx.idp.certs))
    throw new XmlRejected('response-signature-invalid');
  const verified = await verifyWithNodeSaml(samlResponse, ctx);
  // Only the bytes covered by the assertion's signature are read from here on.
  return checkAssertion(parseXml(verified), ctx);
}

const decode = (samlResponse: string) => {
  if (!/^[A-Za-z0-9+/=\s]+$/.test(samlResponse)) throw new XmlRejected('not-base64');
  return Buffer.from(samlResponse, 'base64').toString('utf8');
};

function checkTime(value: number, ctx: ValidationContext, code: string) {
  if (value < ctx.request.issuedAt - ctx.skewMs) throw new XmlRejected(`${code}-before-request`);
  if (value > ctx.now + ctx.skewMs) throw new XmlRejected(`${code}-in-future`);
}

function checkEnvelope(response: Element, ctx: ValidationContext) {
  attr(response, 'ID', 'response-id');
  if (attr(response, 'Version', 'response-version') !== '2.0')
    throw new XmlRejected('response-version-wrong');
  checkTime(
    instant(attr(response, 'IssueInstant', 'response-issueinstant'), 'response-issueinstant'),
    ctx,
    'response-issueinstant',
  );
  if (attr(response, 'InResponseTo', 'response-inresponseto') !== ctx.request.id)
    throw new XmlRejected('response-inresponseto-wrong');
  if (attr(response, 'Destination', 'response-destination') !== ctx.acsUrl)
    throw new XmlRejected('response-destination-wrong');
  checkIssuer(one(response, NS.assertion, 'Issuer', 'response-issuer'), ctx, false, 'response-issuer');
}

function checkIssuer(issuer: Element, ctx: ValidationContext, formatRequired: boolean, code: string) {
  const value = text(issuer);
  if (!value) throw new XmlRejected(`${code}-empty`);
  if (value !== ctx.idp.entityId) throw new XmlRejected(`${code}-wrong`);
  if (formatRequired || issuer.hasAttribute('Format')) {
    if (attr(issuer, 'Format', `${code}-format`) !== ENTITY) throw new XmlRejected(`${code}-format-wrong`);
  }
}

function checkStatus(response: Element) {
  const status = one(response, NS.protocol, 'Status', 'status');
  const code = one(status, NS.protocol, 'StatusCode', 'statuscode');
  const value = attr(code, 'Value', 'statuscode-value');
  if (value === SUCCESS) return;
  const message = children(status, NS.protocol, 'StatusMessage')[0];
  const match = message && /ErrorCode nr\s*(\d+)/i.exec(text(message));
  throw new SpidAnomaly(match ? Number(match[1]) : null, value);
}

async function verifyWithNodeSaml(samlResponse: string, ctx: ValidationContext): Promise<string> {
  const requestId = ctx.request.id;
  const saml = new SAML({
    issuer: ctx.entityId,
    callbackUrl: ctx.acsUrl,
    idpCert: ctx.idp.certs,
    audience: ctx.entityId,
    wantAssertionsSigned: true,
    wantAuthnResponseSigned: false,
    validateInResponseTo: ValidateInResponseTo.always,
    requestIdExpirationPeriodMs: 10 * 60_000,
    acceptedClockSkewMs: ctx.skewMs,
    // The pending request was found and claimed by the caller: only its ID is acceptable here.
    cacheProvider: {
      saveAsync: async () => null,
      getAsync: async (key: string) =>
        key === requestId ? new Date(ctx.request.issuedAt).toISOString() : null,
      removeAsync: async () => null,
    },
  });
  try {
    const { profile } = await saml.validatePostResponseAsync({ SAMLResponse: samlResponse });
    const verified = profile?.getAssertionXml?.();
    if (!verified) throw new XmlRejected('assertion-missing');
    return verified;
  } catch (error) {
    if (error instanceof XmlRejected) throw error;
    throw new XmlRejected(`node-saml: ${(error as Error).message}`.slice(0, 120));
  }
}

function checkAssertion(assertion: Element, ctx: ValidationContext): SpidAssertion {
  if (assertion.localName !== 'Assertion' || assertion.namespaceURI !== NS.assertion)
    throw new XmlRejected('assertion-missing');
  attr(assertion, 'ID', 'assertion-id');
  if (attr(assertion, 'Version', 'assertion-version') !== '2.0')
    throw new XmlRejected('assertion-version-wrong');
  const issued = instant(attr(assertion, 'IssueInstant', 'assertion-issueinstant'), 'assertion-issueinstant');
  checkTime(issued, ctx, 'assertion-issueinstant');
  checkIssuer(one(assertion, NS.assertion, 'Issuer', 'assertion-issuer'), ctx, true, 'assertion-issuer');

  const subject = one(assertion, NS.assertion, 'Subject', 'subject');
  const nameId = one(subject, NS.assertion, 'NameID', 'nameid');
  if (!text(nameId)) throw new XmlRejected('nameid-empty');
  if (attr(nameId, 'Format', 'nameid-format') !== TRANSIENT) throw new XmlRejected('nameid-format-wrong');
  attr(nameId, 'NameQualifier', 'nameid-namequalifier');
  const confirmation = one(subject, NS.assertion, 'SubjectConfirmation', 'subjectconfirmation');
  if (attr(confirmation, 'Method', 'subjectconfirmation-method') !== BEARER)
    throw new XmlRejected('subjectconfirmation-method-wrong');
  const data = one(confirmation, NS.assertion, 'SubjectConfirmationData', 'subjectconfirmationdata');
  if (attr(data, 'Recipient', 'subjectconfirmationdata-recipient') !== ctx.acsUrl)
    throw new XmlRejected('subjectconfirmationdata-recipient-wrong');
  if (attr(data, 'InResponseTo', 'subjectconfirmationdata-inresponseto') !== ctx.request.id)
    throw new XmlRejected('subjectconfirmationdata-inresponseto-wrong');
  const until = instant(
    attr(data, 'NotOnOrAfter', 'subjectconfirmationdata-notonorafter'),
    'subjectconfirmationdata-notonorafter',
  );
  if (until <= ctx.now - ctx.skewMs) throw new XmlRejected('subjectconfirmationdata-expired');

  const conditions = one(assertion, NS.assertion, 'Conditions', 'conditions');
  if (
    instant(attr(conditions, 'NotBefore', 'conditions-notbefore'), 'conditions-notbefore') >
    ctx.now + ctx.skewMs
  )
    throw new XmlRejected('conditions-not-yet-valid');
  if (
    instant(attr(conditions, 'NotOnOrAfter', 'conditions-notonorafter'), 'conditions-notonorafter') <=
    ctx.now - ctx.skewMs
  )
    throw new XmlRejected('conditions-expired');
  const restriction = one(conditions, NS.assertion, 'AudienceRestriction', 'audiencerestriction');
  if (text(one(restriction, NS.assertion, 'Audience', 'audience')) !== ctx.entityId)
    throw new XmlRejected('audience-wrong');

  const statement = one(assertion, NS.assertion, 'AuthnStatement', 'authnstatement');
  const context = one(statement, NS.assertion, 'AuthnContext', 'authncontext');
  const classRef = text(one(context, NS.assertion, 'AuthnContextClassRef', 'authncontextclassref'));
  const level = (SPID_LEVELS.indexOf(classRef as (typeof SPID_LEVELS)[number]) + 1) as 0 | 1 | 2 | 3;
  if (level === 0) throw new XmlRejected('authncontextclassref-unknown');
  const { request } = ctx;
  if (request.comparison === 'exact' ? level !== request.level : level < request.level)
    throw new XmlRejected('authncontextclassref-level');

  return { level, nameId: text(nameId), attributes: checkAttributes(assertion, request.attributes) };
}

/** The attributes received must be exactly the set the request asked for, each with a value. */
function checkAttributes(assertion: Element, requested: readonly string[]): Record<string, string> {
  const statements = children(assertion, NS.assertion, 'AttributeStatement');
  if (statements.length > 1) throw new XmlRejected('attributestatement-repeated');
  const attributes: Record<string, string> = {};
  for (const attribute of statements.length ? children(statements[0]!, NS.assertion, 'Attribute') : []) {
    const name = attr(attribute, 'Name', 'attribute-name');
    const values = children(attribute, NS.assertion, 'AttributeValue');
    if (values.length !== 1 || !text(values[0]!)) throw new XmlRejected('attribute-value-missing');
    if (name in attributes) throw new XmlRejected('attribute-repeated');
    attributes[name] = text(values[0]!);
  }
  if (statements.length && Object.keys(attributes).length === 0) throw new XmlRejected('attribute-missing');
  const received = Object.keys(attributes);
  if (received.length !== requested.length || !requested.every((name) => name in attributes))
    throw new XmlRejected('attributes-not-requested-set');
  return attributes;
}
