// The receipt notification endpoint: pagoPA (or the sandbox) posts each receipt's XML here with the
// installation's notification key. 202 once recorded or already known, 400 for an invalid receipt,
// 401 for a missing or wrong key. Idempotent by receipt id, so senders may retry freely.
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { Db } from '../../platform/db/database.ts';
import { PlatformErrors } from '../../platform/errors.ts';
import { API_PREFIX, RATE_LIMIT_HEADERS, withErrors } from '../../platform/http/api.ts';
import { sameKey } from '../../platform/http/api-key.ts';
import { PaymentsErrors } from './payments.errors.ts';
import { recordReceipt } from './reconcile.ts';

export const ReceiptAckSchema = Type.Object(
  {
    receipt_id: Type.String({
      maxLength: 100,
      description: 'The receipt id (receiptId) of the notification.',
    }),
    status: Type.Union([Type.Literal('recorded'), Type.Literal('duplicate')], {
      description: 'recorded: stored now; duplicate: this receipt id was already recorded, nothing changed.',
    }),
  },
  { $id: 'ReceiptAck', description: 'Acknowledgement of a receipt notification.' },
);

export async function paymentsRoutes(app: FastifyInstance, deps: { db: Db; notificationKey: string }) {
  app.addSchema(ReceiptAckSchema);
  // The XML parser lives in this scope only: other routes keep refusing XML bodies.
  await app.register(async (scope) => {
    scope.addContentTypeParser(
      ['application/xml', 'text/xml'],
      { parseAs: 'string' },
      (_request, body, done) => done(null, body),
    );
    scope.post(
      `${API_PREFIX}/payments/receipts`,
      {
        // A machine-to-machine post authenticated by its key, not a browser form.
        config: { csrf: false, rateLimit: { max: 60_000, timeWindow: 60_000 } },
        // A receipt is a few kilobytes: anything over 256 KiB is refused before it is read in full.
        bodyLimit: 262_144,
        onRequest: async (request) => {
          if (!sameKey(request.headers['x-notification-key'], deps.notificationKey)) {
            throw PaymentsErrors.wrongNotificationKey();
          }
        },
        schema: {
          tags: ['payments'],
          operationId: 'notify_receipt',
          summary: 'Notify a pagoPA receipt',
          description:
            'pagoPA posts the receipt (paSendRTV2 with its ctReceiptV2) of a payment to one of the enti served here. ' +
            'Recorded once per receipt id: sending the same receipt again answers 202 with status duplicate. A receipt ' +
            'whose IUV is unknown is kept for an operator and nothing is credited.',
          headers: Type.Object({
            'x-notification-key': Type.Optional(
              Type.String({ maxLength: 512, description: 'The key this installation gave pagoPA.' }),
            ),
          }),
          body: {
            content: {
              'application/xml': {
                schema: { type: 'string', maxLength: 262_144, description: 'The receipt XML.' },
              },
            },
            required: true,
          },
          response: withErrors(
            {
              202: {
                description: 'The receipt is recorded (now, or before).',
                headers: RATE_LIMIT_HEADERS,
                content: { 'application/json': { schema: { $ref: 'ReceiptAck#' } } },
              },
            },
            [400, 401, 413, 415],
          ),
        },
      },
      async (request, reply) => {
        if (!/^(application|text)\/xml\s*(;|$)/i.test(request.headers['content-type'] ?? '')) {
          throw PlatformErrors.unsupportedMediaType('application/xml');
        }
        const recorded = await recordReceipt(deps.db, String(request.body ?? ''), 'notification');
        return reply.code(202).send({ receipt_id: recorded.receiptId, status: recorded.status });
      },
    );
  });
}
