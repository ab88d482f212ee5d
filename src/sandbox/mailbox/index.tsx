// The test mailbox at /sandbox/posta: with the sandbox on and no SMTP server configured, the platform's
// e-mail is delivered here instead of to the recipients, so testers can read it and follow its links.
// Every page says "ambiente di test".
import type { FastifyInstance } from 'fastify';
import type { ComponentChildren } from 'preact';
import type { Db } from '../../platform/db/database.ts';
import { isUuid } from '../../platform/ids.ts';
import type { MailTransport } from '../../platform/mail/mail.ts';
import { SandboxPage, sendSandboxPage } from '../page.tsx';
import * as repo from './mailbox.repo.ts';

const when = (date: Date) => `${date.toISOString().replace('T', ' ').slice(0, 16)} UTC`;

const MailboxPage = (props: { title: string; children: ComponentChildren }) => (
  <SandboxPage
    {...props}
    banner="casella di posta simulata, che riceve i messaggi della piattaforma al posto dei destinatari"
  />
);

/** The message text with its web addresses as links, paragraph by paragraph. */
function MailText({ text }: { text: string }) {
  return (
    <div class="text-break" data-mail-text>
      {text.split(/\n{2,}/).map((paragraph) => (
        <p>
          {paragraph.split('\n').map((line, index) => (
            <>
              {index > 0 && <br />}
              {line
                .split(/(https?:\/\/[^\s<>"]+)/)
                .map((part, i) => (i % 2 === 1 ? <a href={part}>{part}</a> : part))}
            </>
          ))}
        </p>
      ))}
    </div>
  );
}

const send = sendSandboxPage;

/** Mounts the mailbox pages and returns the transport that delivers into it. */
export function sandboxMailbox(app: FastifyInstance, deps: { db: Db }): MailTransport {
  const hide = { schema: { hide: true } };

  app.get('/sandbox/posta', hide, async (request, reply) => {
    const to = String((request.query as { a?: string }).a ?? '')
      .trim()
      .slice(0, 254);
    const messages = await repo.listMessages(deps.db, { to: to || undefined, limit: 100 });
    return send(
      reply,
      <MailboxPage title="Posta in arrivo">
        <form method="get" action="/sandbox/posta" class="mb-4">
          <div class="form-group">
            <label for="a" class="active">
              Destinatario
            </label>
            <input id="a" name="a" type="email" value={to} class="form-control" autocomplete="off" />
          </div>
          <button class="btn btn-outline-primary" type="submit">
            Filtra
          </button>
        </form>
        {messages.length === 0 ? (
          <p>Nessun messaggio.</p>
        ) : (
          <table class="table">
            <caption class="visually-hidden">Messaggi ricevuti, dal più recente</caption>
            <thead>
              <tr>
                <th scope="col">Ricevuto</th>
                <th scope="col">Destinatario</th>
                <th scope="col">Oggetto</th>
              </tr>
            </thead>
            <tbody>
              {messages.map((m) => (
                <tr data-message={m.id}>
                  <td>{when(m.deliveredAt)}</td>
                  <td>{m.to}</td>
                  <td>
                    <a href={`/sandbox/posta/${m.enteId}/${m.id}`}>{m.subject}</a>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </MailboxPage>,
    );
  });

  const messageOf = async (params: unknown) => {
    const { ente, id } = params as { ente: string; id: string };
    return isUuid(ente) && isUuid(id) ? repo.findMessage(deps.db, ente, id) : undefined;
  };

  app.get('/sandbox/posta/:ente/:id', hide, async (request, reply) => {
    const message = await messageOf(request.params);
    if (!message) {
      return send(
        reply,
        <MailboxPage title="Messaggio non trovato">
          <a href="/sandbox/posta">Torna alla posta in arrivo</a>
        </MailboxPage>,
        404,
      );
    }
    return send(
      reply,
      <MailboxPage title={message.subject}>
        <dl class="row">
          <dt class="col-sm-2">Da</dt>
          <dd class="col-sm-10">{message.from}</dd>
          <dt class="col-sm-2">A</dt>
          <dd class="col-sm-10" data-mail-to>
            {message.to}
          </dd>
          <dt class="col-sm-2">Ricevuto</dt>
          <dd class="col-sm-10">{when(message.deliveredAt)}</dd>
        </dl>
        <MailText text={message.text} />
        {message.html && (
          <p>
            <a href={`/sandbox/posta/${message.enteId}/${message.id}/html`}>Versione HTML del messaggio</a>
          </p>
        )}
        <a href="/sandbox/posta">Torna alla posta in arrivo</a>
      </MailboxPage>,
    );
  });

  // The HTML part as sent, in a sandboxed document: no scripts, no requests, no forms.
  app.get('/sandbox/posta/:ente/:id/html', hide, async (request, reply) => {
    const message = await messageOf(request.params);
    if (!message?.html) return reply.callNotFound();
    return reply
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .header(
        'content-security-policy',
        "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'",
      )
      .send(message.html);
  });

  return { send: (message) => repo.storeMessage(deps.db, message) };
}
