// The sandbox's checkout page: what pagoPA Checkout shows the citizen after the platform opened a cart.
// The tester pays (the notices become paid and their receipts are sent to the platform), simulates a
// failed payment, or cancels; the browser then goes back to the cart's returnUrls. Labelled "ambiente di
// test"; plain forms with CSRF tokens, so it works without JavaScript.
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ComponentChildren } from 'preact';
import type { CartRequest } from '../../modules/payments/checkout-client.ts';
import type { Db } from '../../platform/db/database.ts';
import { PostButton } from '../../platform/layout/forms.tsx';
import { renderPage } from '../../platform/layout/Layout.tsx';
import { checkoutPage } from './api.routes.ts';
import { type CartStatus, findCart, q } from './pagopa.repo.ts';
import { checkNotices, closeCart, type NoticeCheck } from './payment.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const euro = (cents: number) =>
  new Intl.NumberFormat('it-IT', { style: 'currency', currency: 'EUR' }).format(cents / 100);
const grouped = (code: string) => code.replace(/(\d{4})(?=\d)/g, '$1 ');

const CLOSED: Record<Exclude<CartStatus, 'open'>, { text: string; url: keyof CartRequest['returnUrls'] }> = {
  paid: { text: 'Il pagamento è stato eseguito.', url: 'returnOkUrl' },
  cancelled: { text: 'Il pagamento è stato annullato.', url: 'returnCancelUrl' },
  failed: { text: 'Il pagamento non è riuscito.', url: 'returnErrorUrl' },
};

function Shell({ title, children }: { title: string; children: ComponentChildren }) {
  return (
    <html lang="it">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${title} – pagoPA, ambiente di test`}</title>
        <link rel="stylesheet" href="/static/bootstrap-italia/css/bootstrap-italia.min.css" />
        <link rel="stylesheet" href="/static/fonts.css" />
        <link rel="stylesheet" href="/static/convergenza.css" />
      </head>
      <body>
        <div class="demo-banner" role="note">
          Ambiente di test: pagoPA simulato, nessun pagamento reale viene eseguito
        </div>
        <main class="container my-5">
          <h1 class="mb-4">{title}</h1>
          {children}
        </main>
      </body>
    </html>
  );
}

function Notices({ checks }: { checks: NoticeCheck[] }) {
  const total = checks.reduce((sum, c) => sum + c.notice.amount, 0);
  return (
    <table class="table" data-cart-notices>
      <caption class="visually-hidden">Avvisi da pagare</caption>
      <thead>
        <tr>
          <th scope="col">Ente creditore</th>
          <th scope="col">Oggetto</th>
          <th scope="col">Codice avviso</th>
          <th scope="col" class="text-end">
            Importo
          </th>
        </tr>
      </thead>
      <tbody>
        {checks.map(({ notice, problem }) => (
          <tr>
            <td>{notice.companyName}</td>
            <td>
              {notice.description}
              {problem && <div class="text-danger">Non pagabile: {problem}</div>}
            </td>
            <td class="text-nowrap">{grouped(notice.noticeNumber)}</td>
            <td class="text-end text-nowrap">{euro(notice.amount)}</td>
          </tr>
        ))}
      </tbody>
      <tfoot>
        <tr>
          <th scope="row" colSpan={3}>
            Totale
          </th>
          <td class="text-end text-nowrap" data-cart-total>
            {euro(total)}
          </td>
        </tr>
      </tfoot>
    </table>
  );
}

function OpenCart(props: { action: string; csrf: string; cart: CartRequest; checks: NoticeCheck[] }) {
  const { action, csrf, cart, checks } = props;
  const payable = checks.every((c) => !c.problem);
  const total = checks.reduce((sum, c) => sum + c.notice.amount, 0);
  return (
    <>
      <Notices checks={checks} />
      {!payable && (
        <div class="alert alert-danger" role="alert">
          Non è possibile pagare questo carrello: uno o più avvisi non sono pagabili.
        </div>
      )}
      {payable && cart.emailNotice && <p>La ricevuta sarà inviata a {cart.emailNotice}.</p>}
      <div class="d-flex flex-wrap gap-3 mt-4">
        {payable && (
          <PostButton
            action={action}
            csrf={csrf}
            label={`Paga ${euro(total)}`}
            button="btn btn-primary"
            hidden={{ choice: 'pay' }}
          />
        )}
        <PostButton
          action={action}
          csrf={csrf}
          label={payable ? 'Simula un pagamento non riuscito' : 'Torna al sito dell’ente'}
          button="btn btn-outline-primary"
          hidden={{ choice: 'fail' }}
        />
        <PostButton
          action={action}
          csrf={csrf}
          label="Annulla il pagamento"
          button="btn btn-link"
          hidden={{ choice: 'cancel' }}
        />
      </div>
    </>
  );
}

const sendPage = (reply: FastifyReply, page: preact.VNode, status = 200) =>
  reply
    .code(status)
    .type('text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .send(renderPage(page));

export function checkoutPages(app: FastifyInstance, deps: { db: Db; jobEnte: () => Promise<string> }): void {
  const hide = { schema: { hide: true } };
  const cartOf = async (params: unknown) => {
    const { id } = params as { id: string };
    return UUID.test(id) ? findCart(q(deps.db), id) : undefined;
  };
  const notFound = (reply: FastifyReply) =>
    sendPage(
      reply,
      <Shell title="Carrello non trovato">
        <p>Il carrello di pagamento non esiste o il collegamento non è corretto.</p>
      </Shell>,
      404,
    );

  app.get(checkoutPage(':id'), hide, async (request, reply) => {
    const cart = await cartOf(request.params);
    if (!cart) return notFound(reply);
    if (cart.status !== 'open') {
      const closed = CLOSED[cart.status];
      return sendPage(
        reply,
        <Shell title="Carrello chiuso">
          <p>{closed.text}</p>
          <a class="btn btn-primary" href={cart.request.returnUrls[closed.url]}>
            Torna al sito dell’ente
          </a>
        </Shell>,
      );
    }
    const checks = await checkNotices(deps.db, cart.request.paymentNotices);
    return sendPage(
      reply,
      <Shell title="Paga con pagoPA">
        <OpenCart
          action={checkoutPage(cart.id)}
          csrf={reply.generateCsrf()}
          cart={cart.request}
          checks={checks}
        />
      </Shell>,
    );
  });

  app.post(checkoutPage(':id'), hide, async (request, reply) => {
    const cart = await cartOf(request.params);
    if (!cart) return notFound(reply);
    const raw = (request.body as { choice?: unknown } | undefined)?.choice;
    const choice = raw === 'pay' || raw === 'fail' ? raw : 'cancel';
    const status = (await closeCart(deps.db, cart.id, choice, deps.jobEnte)) ?? 'failed';
    const target = status === 'open' ? checkoutPage(cart.id) : cart.request.returnUrls[CLOSED[status].url];
    return reply.redirect(target, 303);
  });
}
