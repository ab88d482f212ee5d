// The sandbox's JSON APIs, answering like pagoPA's: GPD v1 debt positions (create, publish, invalidate,
// get), the GPD receipts service (list, receipt by IUV) and Checkout's carts for creditor institutions.
// Every call needs the sandbox's subscription key in Ocp-Apim-Subscription-Key (optional for carts, as
// the contract leaves it, but checked when sent); errors are pagoPA's problem JSON {title, status, detail},
// never a stack trace; every answer carries X-Request-Id.
import { randomUUID } from 'node:crypto';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Static } from 'typebox';
import {
  CARTS_PATH,
  type CartRequest,
  CHECKOUT_CART_SCHEMA,
} from '../../modules/payments/checkout-client.ts';
import type { Db } from '../../platform/db/database.ts';
import { sameKey } from '../../platform/http/api-key.ts';
import {
  CreateQuery,
  OrgParams,
  PaymentPosition,
  type PaymentPositionInput,
  PositionParams,
  ReceiptParams,
  ReceiptsQuery,
} from './gpd.schema.ts';
import * as gpd from './gpd.ts';
import * as repo from './pagopa.repo.ts';

export const SANDBOX_PREFIX = '/sandbox/pagopa';
export const GPD_BASE = `${SANDBOX_PREFIX}/gpd/debt-positions-service/v1`;
export const RECEIPTS_BASE = `${SANDBOX_PREFIX}/gpd/payments-receipts-service/v1`;
export const checkoutPage = (cartId: string) => `${SANDBOX_PREFIX}/checkout/c/${cartId}`;

const KEY_HEADER = 'ocp-apim-subscription-key';

function send(reply: FastifyReply, status: number, title: string, detail: string) {
  return reply.code(status).type('application/json').send({ title, status, detail });
}

/** pagoPA's problem JSON for whatever went wrong; 5xx only for the sandbox's own faults, logged. */
function problemOf(request: FastifyRequest, reply: FastifyReply, error: FastifyError | gpd.GpdProblem) {
  if (error instanceof gpd.GpdProblem) return send(reply, error.status, error.title, error.detail);
  if (error.validation) {
    const where = error.validationContext ?? 'request';
    const details = error.validation.map((v) => `${where}${v.instancePath} ${v.message}`).join('; ');
    return send(reply, 400, 'Bad Request', details);
  }
  const status = error.statusCode ?? 500;
  if (status === 415) return send(reply, 415, 'Unsupported Media Type', 'Send the body as application/json.');
  if (status === 413) return send(reply, 413, 'Payload Too Large', 'The request body is too large.');
  if (status >= 400 && status < 500) return send(reply, 400, 'Bad Request', 'The request is malformed.');
  request.log.error({ err: error }, 'pagoPA sandbox error');
  return send(reply, 500, 'Internal Server Error', 'An unexpected error occurred.');
}

export async function pagopaApiRoutes(
  app: FastifyInstance,
  deps: { db: Db; publicUrl: string; subscriptionKey: string },
): Promise<void> {
  const db = repo.q(deps.db);
  const keyIsRight = (request: FastifyRequest) => sameKey(request.headers[KEY_HEADER], deps.subscriptionKey);

  await app.register(async (api) => {
    api.setErrorHandler((error, request, reply) => problemOf(request, reply, error as FastifyError));
    api.addHook('onRequest', async (request, reply) => {
      const id = request.headers['x-request-id'];
      reply.header('x-request-id', typeof id === 'string' && /^[\w-]{1,64}$/.test(id) ? id : randomUUID());
      const optional =
        request.url.startsWith(`${SANDBOX_PREFIX}${CARTS_PATH}`) && !(KEY_HEADER in request.headers);
      if (!optional && !keyIsRight(request)) {
        return send(reply, 401, 'Unauthorized', 'Access denied: missing or invalid subscription key.');
      }
    });
    // Machine-to-machine calls: no CSRF token (a browser cannot send the key).
    const options = <S extends object>(schema: S) => ({
      config: { csrf: false },
      schema: { hide: true, ...schema },
    });

    api.post(
      `${GPD_BASE}/organizations/:organizationfiscalcode/debtpositions`,
      options({ params: OrgParams, querystring: CreateQuery, body: PaymentPosition }),
      async (request, reply) => {
        const { organizationfiscalcode: org } = request.params as Static<typeof OrgParams>;
        const { toPublish } = request.query as Static<typeof CreateQuery>;
        const created = await gpd.createPosition(
          db,
          org,
          request.body as PaymentPositionInput,
          toPublish ?? false,
        );
        return reply.code(201).type('application/json').send(created);
      },
    );
    for (const action of ['publish', 'invalidate'] as const) {
      api.post(
        `${GPD_BASE}/organizations/:organizationfiscalcode/debtpositions/:iupd/${action}`,
        options({ params: PositionParams }),
        async (request, reply) => {
          const { organizationfiscalcode: org, iupd } = request.params as Static<typeof PositionParams>;
          const position =
            action === 'publish'
              ? await gpd.publishPosition(db, org, iupd)
              : await gpd.invalidatePosition(db, org, iupd);
          return reply.type('application/json').send(position);
        },
      );
    }
    api.get(
      `${GPD_BASE}/organizations/:organizationfiscalcode/debtpositions/:iupd`,
      options({ params: PositionParams }),
      async (request, reply) => {
        const { organizationfiscalcode: org, iupd } = request.params as Static<typeof PositionParams>;
        return reply.type('application/json').send(await gpd.getPosition(db, org, iupd));
      },
    );

    api.get(
      `${RECEIPTS_BASE}/payments/:organizationfiscalcode/receipts`,
      options({ params: OrgParams, querystring: ReceiptsQuery }),
      async (request, reply) => {
        const { organizationfiscalcode: org } = request.params as Static<typeof OrgParams>;
        const query = request.query as Static<typeof ReceiptsQuery>;
        const page = { num: query.pageNum ?? 0, size: query.pageSize ?? 20 };
        const filter = { debtor: query.debtor, from: query.from?.slice(0, 10), to: query.to?.slice(0, 10) };
        const { rows, total } = await repo.listReceipts(db, org, filter, page);
        // As the real service: an empty result is one empty page; a page past the last is an error.
        const totalPages = Math.max(1, Math.ceil(total / page.size));
        if (page.num >= totalPages)
          return send(
            reply,
            400,
            'Not enough elements',
            'The page number is too big for the filtered elements',
          );
        return reply.type('application/json').send({
          currentPageNumber: page.num,
          length: rows.length,
          totalPages,
          results: rows.map((r) => ({
            organizationFiscalCode: r.organization_fiscal_code,
            iuv: r.iuv,
            debtor: r.debtor,
            paymentDateTime: new Date(r.payment_date_time).toISOString(),
            status: 'PAID',
          })),
        });
      },
    );
    api.get(
      `${RECEIPTS_BASE}/payments/:organizationfiscalcode/receipts/:iuv`,
      options({ params: ReceiptParams }),
      async (request, reply) => {
        const { organizationfiscalcode: org, iuv } = request.params as Static<typeof ReceiptParams>;
        const receipt = await repo.findReceipt(db, org, iuv);
        if (!receipt)
          return send(
            reply,
            404,
            'Not found the receipt',
            `Not found a receipt for Organization Fiscal Code ${org} and IUV ${iuv}`,
          );
        return reply.type('application/xml').send(receipt.document);
      },
    );

    api.post(
      `${SANDBOX_PREFIX}${CARTS_PATH}`,
      options({ body: CHECKOUT_CART_SCHEMA }),
      async (request, reply) => {
        const cart = request.body as CartRequest;
        const urls = Object.values(cart.returnUrls);
        if (!urls.every((u) => /^https?:\/\//i.test(u)))
          return send(reply, 400, 'Bad Request', 'returnUrls must be http or https addresses');
        const keys = cart.paymentNotices.map((n) => `${n.fiscalCode}${n.noticeNumber}`);
        if (new Set(keys).size !== keys.length)
          return send(reply, 400, 'Bad Request', 'a payment notice is repeated');
        if (
          !cart.paymentNotices.every((n) => /^\d{18}$/.test(n.noticeNumber) && /^\d{11}$/.test(n.fiscalCode))
        )
          return send(reply, 400, 'Bad Request', 'noticeNumber must be 18 digits and fiscalCode 11 digits');
        const id = await repo.insertCart(db, cart);
        return reply
          .code(302)
          .header('location', `${deps.publicUrl}${checkoutPage(id)}`)
          .send();
      },
    );
  });
}
