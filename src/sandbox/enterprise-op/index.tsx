// The test identity provider of an ente, mounted at /sandbox/ente: its settings for the ente admin's
// form, its login page (choose one of the synthetic staff, with or without a second factor) and the
// OpenID Connect endpoints. On in the demo configuration only; every page says "ambiente di test".
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { JWK } from 'jose';
import type { ComponentChildren } from 'preact';
import { CsrfField, PostButton } from '../../platform/layout/forms.tsx';
import { SandboxPage, sendSandboxPage } from '../page.tsx';
import { createEnterpriseProvider, findStaff, SANDBOX_STAFF } from './provider.ts';

export const ENTERPRISE_PREFIX = '/sandbox/ente';
/** The platform's registrations: one per client authentication method. */
export const ENTERPRISE_CLIENTS = {
  client_secret_basic: 'convergenza',
  client_secret_post: 'convergenza-post',
} as const;

export interface EnterpriseSandboxDeps {
  publicUrl: string;
  signingKey: JWK;
  cookieKey: string;
  clientSecret: string;
  /** Where the platform wants the provider's answers (its redirect URI). */
  redirectUri: string;
}

const TestPage = (props: { title: string; children: ComponentChildren }) => (
  <SandboxPage {...props} banner="sistema di accesso di un ente simulato, con personale fittizio" />
);

const send = sendSandboxPage;

export async function enterpriseSandbox(app: FastifyInstance, deps: EnterpriseSandboxDeps): Promise<void> {
  const prefix = ENTERPRISE_PREFIX;
  const issuer = `${deps.publicUrl}${prefix}`;
  const provider = createEnterpriseProvider({
    issuer,
    signingKey: deps.signingKey,
    cookieKey: deps.cookieKey,
    clients: Object.entries(ENTERPRISE_CLIENTS).map(([method, clientId]) => ({
      client_id: clientId,
      client_secret: deps.clientSecret,
      redirect_uris: [deps.redirectUri],
      token_endpoint_auth_method: method as keyof typeof ENTERPRISE_CLIENTS,
      grant_types: ['authorization_code'],
      response_types: ['code'],
    })),
  });
  const hide = { schema: { hide: true } };

  // What an ente admin types into the platform's form to use this provider.
  app.get(prefix, hide, (_request, reply) =>
    send(
      reply,
      <TestPage title="Sistema di accesso dell'ente">
        <dl>
          <dt>Emittente (issuer URL)</dt>
          <dd>
            <code data-issuer>{issuer}</code>
          </dd>
          {Object.entries(ENTERPRISE_CLIENTS).map(([method, clientId]) => (
            <>
              <dt>Client ID con {method}</dt>
              <dd>
                <code data-client-id={method}>{clientId}</code>
              </dd>
            </>
          ))}
          <dt>Segreto del client (client secret)</dt>
          <dd>
            <code data-client-secret>{deps.clientSecret}</code>
          </dd>
          <dt>Indirizzo di ritorno registrato</dt>
          <dd>
            <code>{deps.redirectUri}</code>
          </dd>
        </dl>
        <h2 class="h4 mt-4">Personale fittizio</h2>
        <ul>
          {SANDBOX_STAFF.map((p) => (
            <li>
              {p.givenName} {p.familyName} – {p.email}
              {p.emailVerified ? '' : ' (e-mail non verificata)'}
            </li>
          ))}
        </ul>
      </TestPage>,
    ),
  );

  // The provider reads its own request bodies (token endpoint), so this scope parses none.
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined));
    const handler = async (request: FastifyRequest, reply: FastifyReply) => {
      reply.hijack();
      request.raw.url = request.raw.url!.slice(prefix.length) || '/';
      provider.callback()(request.raw, reply.raw);
    };
    scope.all(`${prefix}/*`, { config: { csrf: false }, schema: { hide: true } }, handler);
  });

  const details = (request: FastifyRequest, reply: FastifyReply) =>
    provider.interactionDetails(request.raw, reply.raw).catch(() => null);
  const expired = (reply: FastifyReply) =>
    send(
      reply,
      <TestPage title="Accesso scaduto">
        <p>L'accesso è scaduto: ricomincia dalla piattaforma.</p>
      </TestPage>,
      400,
    );

  app.get(`${prefix}/interaction/:uid`, hide, async (request, reply) => {
    const interaction = await details(request, reply);
    if (!interaction) return expired(reply);
    const action = `${prefix}/interaction/${interaction.uid}`;
    const csrf = reply.generateCsrf();
    return send(
      reply,
      <TestPage title="Accedi con l'account dell'ente">
        <form method="post" action={action}>
          <CsrfField token={csrf} />
          <fieldset>
            <legend class="h5">Scegli la persona con cui accedere</legend>
            {SANDBOX_STAFF.map((p, index) => (
              <div class="form-check">
                <input type="radio" name="person" id={`person-${p.id}`} value={p.id} checked={index === 0} />
                <label for={`person-${p.id}`}>
                  {p.givenName} {p.familyName} – {p.email}
                </label>
              </div>
            ))}
          </fieldset>
          <div class="form-check mt-3">
            <input type="checkbox" name="mfa" id="mfa" value="1" />
            <label for="mfa">Accesso con secondo fattore (amr «mfa»)</label>
          </div>
          <button class="btn btn-primary mt-3" type="submit">
            Accedi
          </button>
        </form>
        <PostButton
          action={action}
          csrf={csrf}
          label="Annulla l'accesso"
          button="btn btn-link"
          form="mt-3"
          hidden={{ person: '' }}
        />
      </TestPage>,
    );
  });

  app.post(`${prefix}/interaction/:uid`, hide, async (request, reply) => {
    const interaction = await details(request, reply);
    if (!interaction) return expired(reply);
    const body = (request.body ?? {}) as { person?: string; mfa?: string };
    const person = findStaff(String(body.person ?? ''));
    let result: Record<string, unknown>;
    if (!person) {
      result = { error: 'access_denied', error_description: "L'utente ha annullato l'accesso" };
    } else {
      const grant = new provider.Grant({
        accountId: person.id,
        clientId: String(interaction.params.client_id),
      });
      grant.addOIDCScope(String(interaction.params.scope ?? 'openid'));
      const amr = body.mfa === '1' ? ['pwd', 'mfa'] : ['pwd'];
      result = { login: { accountId: person.id, amr }, consent: { grantId: await grant.save() } };
    }
    reply.hijack();
    await provider.interactionFinished(request.raw, reply.raw, result, { mergeWithLastSubmission: false });
  });
}
