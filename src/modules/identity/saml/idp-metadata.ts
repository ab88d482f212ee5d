// SPID identity providers as their SAML metadata describes them (the registry's aggregated
// EntitiesDescriptor, or one EntityDescriptor): entity ID, display name, single sign-on address and
// signing certificates.
import { children, NS, parseXml, text } from './xml.ts';

export interface IdentityProvider {
  entityId: string;
  name: string;
  /** HTTP-Redirect single sign-on endpoint. */
  ssoUrl: string;
  /** Signing certificates, PEM. */
  certs: string[];
}

const REDIRECT = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect';

export function parseIdpMetadata(xml: string): IdentityProvider[] {
  const root = parseXml(xml);
  const entities =
    root.localName === 'EntitiesDescriptor'
      ? Array.from(root.getElementsByTagNameNS(NS.metadata, 'EntityDescriptor'))
      : [root];
  return entities.flatMap((entity) => {
    const idp = children(entity, NS.metadata, 'IDPSSODescriptor')[0];
    if (!idp) return [];
    const sso = children(idp, NS.metadata, 'SingleSignOnService').find(
      (s) => s.getAttribute('Binding') === REDIRECT,
    );
    const certs = children(idp, NS.metadata, 'KeyDescriptor')
      .filter((k) => !k.hasAttribute('use') || k.getAttribute('use') === 'signing')
      .flatMap((k) => Array.from(k.getElementsByTagNameNS(NS.dsig, 'X509Certificate')))
      .map((c) => toPem(text(c)));
    if (!sso || certs.length === 0) return [];
    return [
      {
        entityId: entity.getAttribute('entityID') ?? '',
        name: displayName(entity) ?? entity.getAttribute('entityID') ?? '',
        ssoUrl: sso.getAttribute('Location') ?? '',
        certs,
      },
    ];
  });
}

function displayName(entity: Element): string | undefined {
  const org = children(entity, NS.metadata, 'Organization')[0];
  if (!org) return undefined;
  const names = children(org, NS.metadata, 'OrganizationDisplayName');
  const it = names.find((n) => n.getAttribute('xml:lang') === 'it') ?? names[0];
  return it ? text(it) : undefined;
}

export const toPem = (body: string) =>
  `-----BEGIN CERTIFICATE-----\n${body
    .replace(/\s/g, '')
    .match(/.{1,64}/g)
    ?.join('\n')}\n-----END CERTIFICATE-----\n`;
