// The test SPID and CIE OpenID Providers, mounted at /sandbox/spid and /sandbox/cie. On in the demo
// configuration only; every page says "ambiente di test".
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type JWK, SignJWT } from 'jose';
import type Provider from 'oidc-provider';
import type { ClientMetadata } from 'oidc-provider';
import type { KeyPair } from '../../platform/keys.ts';
import { CsrfField, PostButton } from '../../platform/layout/forms.tsx';
import { renderPage } from '../../platform/layout/Layout.tsx';
import { SandboxPage } from '../page.tsx';
import { demoCitizens, findCitizen } from './people.ts';
import { createProvider, SPID_ACR } from './provider.ts';
import { trustAnchor } from './trust-anchor.ts';

export interface OidcSandboxDeps {
  publicUrl: string;
  signingKey: JWK;
  cookieKey: string;
  /** The relying parties registered with the test providers (the platform's own RP). */
  clients: () => Promise<ClientMetadata[]>;
  /** Federation keys of the test providers and of the test trust anchor. */
  federationKey: KeyPair;
  trustAnchorKey: KeyPair;
  /** The platform RP's entity id and entity configuration, which the trust anchor vouches for. */
  relyingParty: { id: string; entityConfiguration: () => Promise<string> };
}

export const trustAnchorId = (publicUrl: string) => `${publicUrl}/sandbox/ta`;

export const SANDBOX_PROVIDERS = { spid: 'SPID', cie: 'CIE' } as const;
export type SandboxProvider = keyof typeof SANDBOX_PROVIDERS;

/** The test provider's login page: the tester picks one of the synthetic citizens, or cancels. */
export function LoginPage({
  provider,
  action,
  acr,
  csrf,
}: {
  provider: string;
  action: string;
  acr: string;
  csrf: string;
}) {
  return (
    <SandboxPage
      title={`Entra con ${provider}`}
      banner={`identity provider ${provider} simulato, con persone fittizie`}
    >
      <p>
        Livello richiesto: <code>{acr}</code>. Scegli la persona con cui accedere:
      </p>
      <ul class="list-unstyled">
        {demoCitizens().map((p) => (
          <li class="mb-2">
            <form method="post" action={action}>
              <CsrfField token={csrf} />
              <input type="hidden" name="person" value={p.id} />
              <button class="btn btn-outline-primary" type="submit" data-person={p.id}>
                {p.given_name} {p.family_name} – {p.fiscal_code ?? ''}
              </button>
            </form>
          </li>
        ))}
      </ul>
      <PostButton
        action={action}
        csrf={csrf}
        label="Annulla l'accesso"
        button="btn btn-link"
        hidden={{ person: '' }}
      />
    </SandboxPage>
  );
}

export async function oidcSandbox(app: FastifyInstance, deps: OidcSandboxDeps): Promise<void> {
  const providers = new Map<SandboxProvider, Promise<Provider>>();
  const providerFor = (name: SandboxProvider) => {
    if (!providers.has(name)) {
      providers.set(
        name,
        deps.clients().then((clients) =>
          createProvider({
            issuer: `${deps.publicUrl}/sandbox/${name}`,
            signingKey: deps.signingKey,
            cookieKey: deps.cookieKey,
            clients,
          }),
        ),
      );
    }
    return providers.get(name)!;
  };

  const anchor = trustAnchorId(deps.publicUrl);
  // Each test provider's entity configuration: its discovery metadata, signed with its federation key.
  const providerConfiguration = async (name: SandboxProvider) => {
    const issuer = `${deps.publicUrl}/sandbox/${name}`;
    // The provider writes its endpoints from the request's host: ask as a client of the public URL would.
    const { host, protocol } = new URL(deps.publicUrl);
    const discovery = await app.inject({
      url: `/sandbox/${name}/.well-known/openid-configuration`,
      headers: { host, 'x-forwarded-proto': protocol.replace(':', '') },
    });
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({
      jwks: { keys: [deps.federationKey.publicJwk] },
      metadata: {
        openid_provider: discovery.json(),
        federation_entity: { organization_name: `${SANDBOX_PROVIDERS[name]} di test`, homepage_uri: issuer },
      },
      authority_hints: [anchor],
    })
      .setProtectedHeader({
        alg: deps.federationKey.alg,
        kid: deps.federationKey.kid,
        typ: 'entity-statement+jwt',
      })
      .setIssuer(issuer)
      .setSubject(issuer)
      .setIssuedAt(now)
      .setExpirationTime(now + 3600)
      .sign(deps.federationKey.privateKey);
  };
  await trustAnchor(app, {
    id: anchor,
    key: deps.trustAnchorKey,
    subordinates: async () =>
      new Map<string, () => Promise<string>>([
        [`${deps.publicUrl}/sandbox/spid`, () => providerConfiguration('spid')],
        [`${deps.publicUrl}/sandbox/cie`, () => providerConfiguration('cie')],
        [deps.relyingParty.id, deps.relyingParty.entityConfiguration],
      ]),
  });

  for (const name of Object.keys(SANDBOX_PROVIDERS) as SandboxProvider[]) {
    const prefix = `/sandbox/${name}`;

    app.get(`${prefix}/.well-known/openid-federation`, { schema: { hide: true } }, async (_request, reply) =>
      reply.type('application/entity-statement+jwt').send(await providerConfiguration(name)),
    );

    // The provider reads its own request bodies (token, revocation), so this scope parses none.
    await app.register(async (scope) => {
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined));
      const handler = async (request: FastifyRequest, reply: FastifyReply) => {
        const provider = await providerFor(name);
        reply.hijack();
        request.raw.url = request.raw.url!.slice(prefix.length) || '/';
        provider.callback()(request.raw, reply.raw);
      };
      const options = { config: { csrf: false }, schema: { hide: true } };
      scope.all(`${prefix}/*`, options, handler);
    });

    // Login page of the test provider: choose one of the synthetic citizens.
    app.get(`${prefix}/interaction/:uid`, { schema: { hide: true } }, async (request, reply) => {
      const provider = await providerFor(name);
      const details = await provider.interactionDetails(request.raw, reply.raw);
      const acr = String(details.params.acr_values ?? SPID_ACR[1]).split(' ')[0];
      reply.type('text/html; charset=utf-8').header('cache-control', 'no-store');
      return renderPage(
        <LoginPage
          provider={SANDBOX_PROVIDERS[name]}
          action={`${prefix}/interaction/${details.uid}`}
          acr={acr ?? ''}
          csrf={reply.generateCsrf()}
        />,
      );
    });

    app.post(`${prefix}/interaction/:uid`, { schema: { hide: true } }, async (request, reply) => {
      const provider = await providerFor(name);
      const details = await provider.interactionDetails(request.raw, reply.raw);
      const person = findCitizen(String((request.body as { person?: string }).person ?? ''));
      let result: Record<string, unknown>;
      if (!person) {
        result = { error: 'access_denied', error_description: "L'utente ha annullato l'accesso" };
      } else {
        const grant = new provider.Grant({
          accountId: person.id,
          clientId: String(details.params.client_id),
        });
        grant.addOIDCScope(String(details.params.scope ?? 'openid'));
        const requested = details.params.claims ? JSON.parse(String(details.params.claims)) : {};
        grant.addOIDCClaims([
          ...Object.keys(requested.userinfo ?? {}),
          ...Object.keys(requested.id_token ?? {}),
        ]);
        const acr = String(details.params.acr_values ?? SPID_ACR[1]).split(' ')[0];
        result = {
          login: { accountId: person.id, acr, amr: ['pwd'] },
          consent: { grantId: await grant.save() },
        };
      }
      reply.hijack();
      await provider.interactionFinished(request.raw, reply.raw, result, { mergeWithLastSubmission: false });
    });
  }
}
