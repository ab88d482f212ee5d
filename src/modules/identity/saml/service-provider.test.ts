// The SPID service provider's metadata and AuthnRequest, checked by independent tools: xmllint against
// the SPID XSDs (Avviso 29 v3 profile) and xmlsec1 for the signature, openssl for the certificate.
import { execFileSync } from 'node:child_process';
import { verify, X509Certificate } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { inflateRawSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseIdpMetadata } from './idp-metadata.ts';
import { DEFAULT_ATTRIBUTES, SpidServiceProvider } from './service-provider.ts';
import { createSpCertificate } from './sp-certificate.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const XSD = path.resolve(ROOT, '../shared/conformance/identity/spid-sp-test/xsd');
const CATALOG = path.resolve(ROOT, '../shared/conformance/identity/spid-sp-test/xml-catalog.example.xml');
const ENTITY = 'https://servizi.example.it';
const dir = mkdtempSync(path.join(tmpdir(), 'cz-saml-'));

const run = (cmd: string, args: string[], cwd = dir) =>
  execFileSync(cmd, args, {
    cwd,
    env: { ...process.env, XML_CATALOG_FILES: CATALOG },
    encoding: 'utf8',
    stdio: 'pipe',
  });

let sp: SpidServiceProvider;
let cert: { keyPem: string; certPem: string };

beforeAll(() => {
  cert = createSpCertificate({
    organizationName: 'Città metropolitana di Venezia',
    commonName: 'Servizi online',
    entityId: ENTITY,
    ipaCode: 'cmve',
    locality: 'Venezia',
  });
  sp = new SpidServiceProvider({
    entityId: ENTITY,
    acsUrl: `${ENTITY}/accedi/saml/acs`,
    sloUrl: `${ENTITY}/accedi/saml/slo`,
    ...cert,
    organization: {
      name: 'Città metropolitana di Venezia',
      displayName: 'Città metropolitana di Venezia',
      url: ENTITY,
      ipaCode: 'cmve',
      email: 'protocollo@example.it',
      phone: '+390412501511',
    },
    serviceName: 'Servizi online',
    attributes: DEFAULT_ATTRIBUTES,
    idps: parseIdpMetadata(`<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="https://idp.example.it">
      <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
        <md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>${cert.certPem.replace(/-----[A-Z ]+-----|\s/g, '')}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
        <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://idp.example.it/post"/>
        <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp.example.it/sso"/>
      </md:IDPSSODescriptor>
      <md:Organization><md:OrganizationName xml:lang="it">IdP</md:OrganizationName><md:OrganizationDisplayName xml:lang="it">Identità di prova</md:OrganizationDisplayName><md:OrganizationURL xml:lang="it">https://idp.example.it</md:OrganizationURL></md:Organization>
    </md:EntityDescriptor>`),
  });
});

describe('SPID service provider metadata', () => {
  it('is valid against the SPID Avviso 29 v3 schema (xmllint)', () => {
    writeFileSync(path.join(dir, 'metadata.xml'), sp.metadata());
    const out = run(
      'xmllint',
      [
        '--nonet',
        '--noout',
        '--schema',
        'saml-schema-metadata-sp-spid-av29.xsd',
        path.join(dir, 'metadata.xml'),
      ],
      XSD,
    );
    expect(out).toBe('');
  });

  it('carries a signature that xmlsec1 verifies with the SP certificate, and fails once altered', () => {
    writeFileSync(path.join(dir, 'sp.pem'), cert.certPem);
    writeFileSync(path.join(dir, 'metadata.xml'), sp.metadata());
    const args = (file: string) => [
      '--verify',
      '--pubkey-cert-pem',
      'sp.pem',
      '--id-attr:ID',
      'urn:oasis:names:tc:SAML:2.0:metadata:EntityDescriptor',
      file,
    ];
    expect(() => run('xmlsec1', args('metadata.xml'))).not.toThrow();
    writeFileSync(path.join(dir, 'altered.xml'), sp.metadata().replace('/accedi/saml/acs', '/altrove/acs'));
    expect(() => run('xmlsec1', args('altered.xml'))).toThrow();
  });

  it('declares signed requests and assertions, the ACS, the attributes and the public-sector contact', () => {
    const xml = sp.metadata();
    expect(xml).toContain('AuthnRequestsSigned="true" WantAssertionsSigned="true"');
    expect(xml).toContain(`Location="${ENTITY}/accedi/saml/acs" index="0" isDefault="true"`);
    for (const name of DEFAULT_ATTRIBUTES) expect(xml).toContain(`<md:RequestedAttribute Name="${name}"/>`);
    expect(xml).toContain('<spid:IPACode>cmve</spid:IPACode><spid:Public/>');
  });
});

describe('SPID service provider certificate (Avviso 29 v3)', () => {
  it('is RSA 3072, names the entity and the IPA code, and carries the agIDcert policies', () => {
    const x509 = new X509Certificate(cert.certPem);
    expect(x509.publicKey.asymmetricKeyDetails?.modulusLength).toBe(3072);
    writeFileSync(path.join(dir, 'c.pem'), cert.certPem);
    const text = run('openssl', ['x509', '-in', 'c.pem', '-noout', '-text']);
    expect(text).toContain('organizationIdentifier = PA:IT-cmve');
    expect(text).toContain(`2.5.4.83 = ${ENTITY}`);
    expect(text).toMatch(/Policy: 1\.3\.76\.16\.6\s+User Notice:\s+Explicit Text: agIDcert/);
    expect(text).toMatch(/Policy: 1\.3\.76\.16\.4\.2\.1\s+User Notice:\s+Explicit Text: cert_SP_Pub/);
    expect(text).toMatch(/Key Usage: critical\s+Digital Signature, Non Repudiation/);
  });
});

describe('SPID AuthnRequest (HTTP-Redirect)', () => {
  it('is signed over the query, schema-valid, and asks for the level with ForceAuthn and minimum comparison', () => {
    const idp = sp.idp('https://idp.example.it')!;
    expect(idp.ssoUrl).toBe('https://idp.example.it/sso');
    const { id, url } = sp.authnRequest(idp, 2, 'opaque');
    const query = new URL(url).search.slice(1);
    const signed = query.slice(0, query.indexOf('&Signature='));
    const signature = decodeURIComponent(query.slice(query.indexOf('&Signature=') + 11));
    expect(verify('sha256', Buffer.from(signed), cert.certPem, Buffer.from(signature, 'base64'))).toBe(true);
    expect(
      verify(
        'sha256',
        Buffer.from(signed.replace('opaque', 'altered')),
        cert.certPem,
        Buffer.from(signature, 'base64'),
      ),
    ).toBe(false);

    const params = new URL(url).searchParams;
    expect(params.get('SigAlg')).toBe('http://www.w3.org/2001/04/xmldsig-more#rsa-sha256');
    const xml = inflateRawSync(Buffer.from(params.get('SAMLRequest')!, 'base64')).toString('utf8');
    expect(xml).toContain(`ID="${id}"`);
    expect(xml).toMatch(/IssueInstant="\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"/);
    expect(xml).toContain('Destination="https://idp.example.it/sso"');
    expect(xml).toContain('ForceAuthn="true"');
    expect(xml).toContain(
      `<saml:Issuer NameQualifier="${ENTITY}" Format="urn:oasis:names:tc:SAML:2.0:nameid-format:entity">`,
    );
    expect(xml).toContain(
      '<samlp:NameIDPolicy Format="urn:oasis:names:tc:SAML:2.0:nameid-format:transient"/>',
    );
    expect(xml).toContain('Comparison="minimum"><saml:AuthnContextClassRef>https://www.spid.gov.it/SpidL2<');
    writeFileSync(path.join(dir, 'authn.xml'), xml);
    expect(
      run(
        'xmllint',
        ['--nonet', '--noout', '--schema', 'saml-schema-protocol-2.0.xsd', path.join(dir, 'authn.xml')],
        XSD,
      ),
    ).toBe('');

    const level1 = inflateRawSync(
      Buffer.from(new URL(sp.authnRequest(idp, 1, 'x').url).searchParams.get('SAMLRequest')!, 'base64'),
    ).toString('utf8');
    expect(level1).not.toContain('ForceAuthn');
  });
});
