// The test SPID identity provider over SAML 2.0, mounted at /sandbox/saml in the demo configuration:
// metadata, single sign-on over HTTP-Redirect (the SP's signature is checked), a page to choose a
// synthetic citizen or cancel, and the signed response posted back to the assertion consumer.
import { randomBytes, verify } from 'node:crypto';
import { inflateRawSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { createSpCertificate } from '../../modules/identity/index.ts';
import { certBody } from '../../modules/identity/saml/sp-certificate.ts';
import { attr, NS, one, parseXml, text, escapeXml as x } from '../../modules/identity/saml/xml.ts';
import type { Db } from '../../platform/db/database.ts';
import { platformSecretWith } from '../../platform/secrets.repo.ts';
import { LoginPage } from '../oidc-op/index.tsx';
import { type DemoCitizen, findCitizen } from '../oidc-op/people.ts';
import { SandboxPage, sendSandboxPage } from '../page.tsx';
import { failureResponse, successResponse } from './response.ts';

export interface SamlSandboxDeps {
  publicUrl: string;
  keyPem: string;
  certPem: string;
  /** The platform's service provider: who may ask, where answers go, which attributes it wants. */
  sp: { entityId: string; acsUrl: string; certPem: string; attributes: readonly string[] };
}

export const samlSandboxId = (publicUrl: string) => `${publicUrl}/sandbox/saml`;

/** The test provider's key and certificate, created once and kept in the database. */
export async function samlSandboxKeys(db: Db): Promise<{ keyPem: string; certPem: string }> {
  const stored = await platformSecretWith(db, 'sandbox-saml-idp', () =>
    JSON.stringify(
      createSpCertificate({
        organizationName: 'SPID di test',
        commonName: 'SPID di test',
        entityId: 'urn:convergenza:sandbox:saml-idp',
        ipaCode: 'test',
        locality: 'Venezia',
      }),
    ),
  );
  return JSON.parse(stored) as { keyPem: string; certPem: string };
}

interface Pending {
  requestId: string;
  relayState: string;
  level: 1 | 2 | 3;
}

/** The test provider's metadata (IDPSSODescriptor with its signing certificate). */
export function samlSandboxMetadata(deps: Pick<SamlSandboxDeps, 'publicUrl' | 'certPem'>): string {
  const id = samlSandboxId(deps.publicUrl);
  return `<?xml version="1.0" encoding="UTF-8"?>
<md:EntityDescriptor xmlns:md="${NS.metadata}" xmlns:ds="${NS.dsig}" entityID="${x(id)}">
<md:IDPSSODescriptor WantAuthnRequestsSigned="true" protocolSupportEnumeration="${NS.protocol}">
<md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>${certBody(deps.certPem)}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
<md:NameIDFormat>urn:oasis:names:tc:SAML:2.0:nameid-format:transient</md:NameIDFormat>
<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="${x(id)}/sso"/>
</md:IDPSSODescriptor>
<md:Organization><md:OrganizationName xml:lang="it">SPID di test</md:OrganizationName><md:OrganizationDisplayName xml:lang="it">SPID – ambiente di test</md:OrganizationDisplayName><md:OrganizationURL xml:lang="it">${x(deps.publicUrl)}</md:OrganizationURL></md:Organization>
</md:EntityDescriptor>
`;
}

/** What the test provider asserts about a synthetic citizen, limited to what the SP asked for. */
function attributesOf(person: DemoCitizen, requested: readonly string[]): Record<string, string> {
  const all: Record<string, string> = {
    spidCode: `DEMO${person.id.replace(/\D/g, '').padStart(10, '0')}`,
    name: person.given_name,
    familyName: person.family_name,
    fiscalNumber: `TINIT-${person.fiscal_code}`,
    dateOfBirth: person.birth_date,
    placeOfBirth: person.birth_place_name,
    gender: person.sex,
    email: person.email,
    mobilePhone: `+39333${person.id.replace(/\D/g, '').padStart(7, '0')}`,
  };
  return Object.fromEntries(requested.map((name) => [name, all[name] ?? '']));
}

export async function samlSandbox(app: FastifyInstance, deps: SamlSandboxDeps): Promise<void> {
  const idpId = samlSandboxId(deps.publicUrl);
  const pending = new Map<string, Pending>();
  const hide = { schema: { hide: true } };

  app.get('/sandbox/saml/metadata', hide, (_request, reply) =>
    reply.type('application/samlmetadata+xml').send(samlSandboxMetadata(deps)),
  );

  app.get('/sandbox/saml/sso', hide, (request, reply) => {
    const refused = (why: string) => reply.code(400).type('text/plain; charset=utf-8').send(why);
    // The signature covers the query exactly as sent: SAMLRequest, RelayState, SigAlg, in this order.
    const raw = new URL(request.raw.url ?? '', 'http://x').search.slice(1).split('&');
    const part = (name: string) => raw.find((p) => p.startsWith(`${name}=`));
    const signed = ['SAMLRequest', 'RelayState', 'SigAlg'].map(part).filter(Boolean).join('&');
    let valid = false;
    try {
      const signature = decodeURIComponent(part('Signature')?.slice('Signature='.length) ?? '');
      valid =
        !!signature &&
        verify('sha256', Buffer.from(signed), deps.sp.certPem, Buffer.from(signature, 'base64'));
    } catch {
      // a malformed escape in the query: not a valid signature
    }
    if (!valid) return refused('AuthnRequest: firma non valida');
    const query = request.query as { SAMLRequest?: string; RelayState?: string };
    let authn: { id: string; issuer: string; level: number };
    try {
      const root = parseXml(inflateRawSync(Buffer.from(query.SAMLRequest ?? '', 'base64')).toString('utf8'));
      const context = one(root, NS.protocol, 'RequestedAuthnContext', 'context');
      const classRef = text(one(context, NS.assertion, 'AuthnContextClassRef', 'ref'));
      authn = {
        id: attr(root, 'ID', 'id'),
        issuer: text(one(root, NS.assertion, 'Issuer', 'issuer')),
        level: Number(/SpidL([123])$/.exec(classRef)?.[1] ?? 2),
      };
    } catch {
      return refused('AuthnRequest illeggibile');
    }
    if (authn.issuer !== deps.sp.entityId) return refused('AuthnRequest: service provider sconosciuto');
    const level = authn.level as 1 | 2 | 3;
    const key = randomBytes(12).toString('hex');
    pending.set(key, {
      requestId: authn.id,
      relayState: query.RelayState ?? '',
      level,
    });
    setTimeout(() => pending.delete(key), 10 * 60_000).unref();
    return sendSandboxPage(
      reply,
      <LoginPage
        provider="SPID (SAML)"
        action={`/sandbox/saml/login/${key}`}
        acr={`https://www.spid.gov.it/SpidL${level}`}
        csrf={reply.generateCsrf()}
      />,
    );
  });

  app.post('/sandbox/saml/login/:key', hide, (request, reply) => {
    const key = (request.params as { key: string }).key;
    const login = pending.get(key);
    pending.delete(key);
    if (!login) return reply.code(400).type('text/plain; charset=utf-8').send('Richiesta scaduta');
    const person = findCitizen(String((request.body as { person?: string }).person ?? ''));
    const common = { idpEntityId: idpId, acsUrl: deps.sp.acsUrl, inResponseTo: login.requestId };
    const response = person
      ? successResponse(
          {
            ...common,
            spEntityId: deps.sp.entityId,
            level: login.level,
            attributes: attributesOf(person, deps.sp.attributes),
          },
          deps.keyPem,
          deps.certPem,
        )
      : failureResponse({ ...common, errorCode: 25 }, deps.keyPem, deps.certPem);
    return sendSandboxPage(
      reply,
      <AutoPost action={deps.sp.acsUrl} response={response} relayState={login.relayState} />,
    );
  });
}

/** The HTTP-POST binding: a form the browser submits to the assertion consumer (script, or the button). */
function AutoPost({
  action,
  response,
  relayState,
}: {
  action: string;
  response: string;
  relayState: string;
}) {
  return (
    <SandboxPage
      title="Ritorno al servizio"
      banner="identity provider SPID simulato, con persone fittizie"
      script="/static/saml-post.js"
    >
      <form method="post" action={action} data-autosubmit>
        <input type="hidden" name="SAMLResponse" value={Buffer.from(response).toString('base64')} />
        <input type="hidden" name="RelayState" value={relayState} />
        <button class="btn btn-primary" type="submit">
          Continua
        </button>
      </form>
    </SandboxPage>
  );
}
