// SAML Responses as a SPID identity provider writes them: status, one assertion with transient NameID,
// bearer confirmation, conditions, authentication context and the requested attributes; the
// assertion and the response signed with the provider's key.
import { randomBytes } from 'node:crypto';
import { byId, isoSeconds, NS, signElement, escapeXml as x } from '../../modules/identity/saml/xml.ts';

export interface ResponseInput {
  idpEntityId: string;
  spEntityId: string;
  acsUrl: string;
  inResponseTo: string;
  level: 1 | 2 | 3;
  attributes: Record<string, string>;
  now?: number;
}

export interface FailureInput {
  idpEntityId: string;
  acsUrl: string;
  inResponseTo: string;
  /** SPID anomaly number (19–25). */
  errorCode: number;
}

const id = () => `_${randomBytes(16).toString('hex')}`;

export function successResponse(input: ResponseInput, keyPem: string, certPem: string): string {
  const now = input.now ?? Date.now();
  const instant = isoSeconds(now);
  const until = isoSeconds(now + 5 * 60_000);
  const responseId = id();
  const assertionId = id();
  const attributes = Object.entries(input.attributes)
    .map(
      ([name, value]) =>
        `<saml:Attribute Name="${x(name)}" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:basic"><saml:AttributeValue xsi:type="xs:string">${x(value)}</saml:AttributeValue></saml:Attribute>`,
    )
    .join('');
  const issuer = `<saml:Issuer Format="urn:oasis:names:tc:SAML:2.0:nameid-format:entity">${x(input.idpEntityId)}</saml:Issuer>`;
  const xml =
    `<samlp:Response xmlns:samlp="${NS.protocol}" xmlns:saml="${NS.assertion}" ID="${responseId}" Version="2.0" IssueInstant="${instant}" Destination="${x(input.acsUrl)}" InResponseTo="${x(input.inResponseTo)}">` +
    issuer +
    `<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>` +
    `<saml:Assertion xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ID="${assertionId}" Version="2.0" IssueInstant="${instant}">` +
    issuer +
    `<saml:Subject><saml:NameID Format="urn:oasis:names:tc:SAML:2.0:nameid-format:transient" NameQualifier="${x(input.idpEntityId)}">${id()}</saml:NameID>` +
    `<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData InResponseTo="${x(input.inResponseTo)}" NotOnOrAfter="${until}" Recipient="${x(input.acsUrl)}"/></saml:SubjectConfirmation></saml:Subject>` +
    `<saml:Conditions NotBefore="${instant}" NotOnOrAfter="${until}"><saml:AudienceRestriction><saml:Audience>${x(input.spEntityId)}</saml:Audience></saml:AudienceRestriction></saml:Conditions>` +
    `<saml:AuthnStatement AuthnInstant="${instant}"${input.level === 1 ? ` SessionIndex="${id()}"` : ''}><saml:AuthnContext><saml:AuthnContextClassRef>https://www.spid.gov.it/SpidL${input.level}</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>` +
    (attributes ? `<saml:AttributeStatement>${attributes}</saml:AttributeStatement>` : '') +
    `</saml:Assertion></samlp:Response>`;
  return signElement(signElement(xml, byId(assertionId), keyPem, certPem), byId(responseId), keyPem, certPem);
}

export function failureResponse(input: FailureInput, keyPem: string, certPem: string): string {
  const responseId = id();
  const xml =
    `<samlp:Response xmlns:samlp="${NS.protocol}" xmlns:saml="${NS.assertion}" ID="${responseId}" Version="2.0" IssueInstant="${isoSeconds(Date.now())}" Destination="${x(input.acsUrl)}" InResponseTo="${x(input.inResponseTo)}">` +
    `<saml:Issuer Format="urn:oasis:names:tc:SAML:2.0:nameid-format:entity">${x(input.idpEntityId)}</saml:Issuer>` +
    `<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Responder"><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:AuthnFailed"/></samlp:StatusCode>` +
    `<samlp:StatusMessage>ErrorCode nr${input.errorCode}</samlp:StatusMessage></samlp:Status></samlp:Response>`;
  return signElement(xml, byId(responseId), keyPem, certPem);
}
