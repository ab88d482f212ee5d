// The SPID service provider: signed metadata (public SP profile, Avviso 29 v3), AuthnRequests over
// HTTP-Redirect signed with the SP key, and the identity providers it trusts.
import { randomBytes, sign } from 'node:crypto';
import { deflateRawSync } from 'node:zlib';
import type { IdentityProvider } from './idp-metadata.ts';
import { certBody } from './sp-certificate.ts';
import { ALG, byId, isoSeconds, NS, signElement, escapeXml as x } from './xml.ts';

export interface ServiceProviderOptions {
  entityId: string;
  acsUrl: string;
  sloUrl: string;
  keyPem: string;
  certPem: string;
  organization: {
    name: string;
    displayName: string;
    url: string;
    ipaCode: string;
    email: string;
    phone?: string;
  };
  /** The service name shown by the identity provider, and the attributes it asks for (index 0). */
  serviceName: string;
  attributes: readonly string[];
  idps: IdentityProvider[];
}

/** What a citizen service needs to know about a person (Avviso SPID 6 / attributes table). */
export const DEFAULT_ATTRIBUTES = [
  'spidCode',
  'name',
  'familyName',
  'fiscalNumber',
  'dateOfBirth',
  'gender',
  'email',
  'mobilePhone',
] as const;

const REDIRECT = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect';
const POST = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST';

export class SpidServiceProvider {
  #metadata?: string;
  constructor(readonly options: ServiceProviderOptions) {}

  get idps(): IdentityProvider[] {
    return this.options.idps;
  }

  idp(entityId: string): IdentityProvider | undefined {
    return this.options.idps.find((p) => p.entityId === entityId);
  }

  /** The signed metadata document (built once per process). */
  metadata(): string {
    this.#metadata ??= this.#buildMetadata();
    return this.#metadata;
  }

  #buildMetadata(): string {
    const o = this.options;
    const org = o.organization;
    const id = `_${randomBytes(16).toString('hex')}`;
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<md:EntityDescriptor xmlns:md="${NS.metadata}" xmlns:ds="${NS.dsig}" xmlns:spid="${NS.spid}" ID="${id}" entityID="${x(o.entityId)}">
<md:SPSSODescriptor AuthnRequestsSigned="true" WantAssertionsSigned="true" protocolSupportEnumeration="${NS.protocol}">
<md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>${certBody(o.certPem)}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
<md:SingleLogoutService Binding="${REDIRECT}" Location="${x(o.sloUrl)}"/>
<md:NameIDFormat>urn:oasis:names:tc:SAML:2.0:nameid-format:transient</md:NameIDFormat>
<md:AssertionConsumerService Binding="${POST}" Location="${x(o.acsUrl)}" index="0" isDefault="true"/>
<md:AttributeConsumingService index="0">
<md:ServiceName xml:lang="it">${x(o.serviceName)}</md:ServiceName>
${o.attributes.map((name) => `<md:RequestedAttribute Name="${x(name)}"/>`).join('\n')}
</md:AttributeConsumingService>
</md:SPSSODescriptor>
<md:Organization>
<md:OrganizationName xml:lang="it">${x(org.name)}</md:OrganizationName>
<md:OrganizationDisplayName xml:lang="it">${x(org.displayName)}</md:OrganizationDisplayName>
<md:OrganizationURL xml:lang="it">${x(org.url)}</md:OrganizationURL>
</md:Organization>
<md:ContactPerson contactType="other">
<md:Extensions><spid:IPACode>${x(org.ipaCode)}</spid:IPACode><spid:Public/></md:Extensions>
<md:EmailAddress>${x(org.email)}</md:EmailAddress>${org.phone ? `\n<md:TelephoneNumber>${x(org.phone)}</md:TelephoneNumber>` : ''}
</md:ContactPerson>
</md:EntityDescriptor>
`;
    return signElement(xml, byId(id), o.keyPem, o.certPem);
  }

  /**
   * A signed AuthnRequest for the HTTP-Redirect binding: the address to send the browser to, and the
   * request's ID and instant to remember until the response comes back.
   */
  authnRequest(
    idp: IdentityProvider,
    level: 1 | 2 | 3,
    relayState: string,
  ): { id: string; issuedAt: number; url: string } {
    const o = this.options;
    const id = `_${randomBytes(20).toString('hex')}`;
    const issuedAt = Math.floor(Date.now() / 1000) * 1000;
    const xml =
      `<samlp:AuthnRequest xmlns:samlp="${NS.protocol}" xmlns:saml="${NS.assertion}" ID="${id}" Version="2.0"` +
      ` IssueInstant="${isoSeconds(issuedAt)}" Destination="${x(idp.ssoUrl)}"` +
      `${level > 1 ? ' ForceAuthn="true"' : ''} AssertionConsumerServiceIndex="0" AttributeConsumingServiceIndex="0">` +
      `<saml:Issuer NameQualifier="${x(o.entityId)}" Format="urn:oasis:names:tc:SAML:2.0:nameid-format:entity">${x(o.entityId)}</saml:Issuer>` +
      `<samlp:NameIDPolicy Format="urn:oasis:names:tc:SAML:2.0:nameid-format:transient"/>` +
      `<samlp:RequestedAuthnContext Comparison="minimum"><saml:AuthnContextClassRef>https://www.spid.gov.it/SpidL${level}</saml:AuthnContextClassRef></samlp:RequestedAuthnContext>` +
      `</samlp:AuthnRequest>`;
    const query = new URLSearchParams({
      SAMLRequest: deflateRawSync(Buffer.from(xml)).toString('base64'),
      RelayState: relayState,
      SigAlg: ALG.rsaSha256,
    }).toString();
    const signature = sign('sha256', Buffer.from(query), o.keyPem).toString('base64');
    const url = new URL(idp.ssoUrl);
    url.search = `${query}&Signature=${encodeURIComponent(signature)}`;
    return { id, issuedAt, url: url.toString() };
  }
}
