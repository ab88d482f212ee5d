// The citizen's payments in the personal area, /{slug}/area-personale/pagamenti: the positions of this
// ente whose debtor is the signed-in citizen (by the fiscal code SPID or CIE gave), one position with the
// payment notice and receipt downloads, "Paga con pagoPA" (a cart opened on pagoPA Checkout, then 303
// there) and the page Checkout sends the citizen back to. Anyone else's position is a 404.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { can } from '../../platform/auth/policy.ts';
import type { Db } from '../../platform/db/database.ts';
import { PlatformErrors } from '../../platform/errors.ts';
import { isUuid } from '../../platform/ids.ts';
import { citizenFiscalCode } from '../identity/index.ts';
import { type EnteDirectory, toBrand } from '../tenancy/index.ts';
import { CheckoutClient } from './checkout-client.ts';
import { GpdError } from './gpd-client.ts';
import { sendPage } from './payments.admin-frame.tsx';
import {
  CitizenList,
  CitizenPosition,
  type Outcome,
  PayOutcome,
  type PayProblem,
} from './payments.citizen.views.tsx';
import { sendNotice, sendReceipt } from './payments.documents.ts';
import { payableOptions } from './payments.present.ts';
import type { DebtPosition } from './payments.schema.ts';
import { getDebtPosition, listDebtPositions } from './payments.service.ts';
import { paymentSettings } from './payments.settings.ts';

export interface CitizenPagesDeps {
  db: Db;
  directory: EnteDirectory;
  /** Checkout's API host (pagoPA's or the sandbox's); null: no online payment here. */
  checkoutUrl: string | null;
  /** Where Checkout sends the citizen back to. */
  publicUrl: string;
}

const OUTCOMES: readonly Outcome[] = ['ok', 'annullato', 'errore'];

/** A page of the same ente's personal area (no host, query, dot segments or doubled slashes). */
const returnPath = (value: unknown, slug: string): value is string =>
  typeof value === 'string' &&
  value.length <= 200 &&
  value.startsWith(`/${slug}/area-personale/`) &&
  /^(\/[a-z0-9-]+)+$/.test(value);

export function citizenPaymentPages(app: FastifyInstance, deps: CitizenPagesDeps) {
  const hide = { schema: { hide: true } };
  const checkout = deps.checkoutUrl
    ? new CheckoutClient({ baseUrl: deps.checkoutUrl, timeoutMs: 10_000 })
    : null;

  /** The ente, the signed-in citizen and the fiscal code their positions are filed under. */
  const scope = async (request: FastifyRequest) => {
    const { slug } = request.params as { slug: string };
    const found = /^[a-z0-9-]{1,63}$/.test(slug) ? await deps.directory.bySlug(slug) : null;
    if (!found) throw PlatformErrors.notFound('ente');
    request.brand = toBrand(found);
    if (!request.principal) throw PlatformErrors.unauthenticated();
    const { ente } = found;
    if (!can(request.principal, 'personal-area.access', { enteId: ente.id, sadId: ente.sadId ?? ente.id })) {
      throw PlatformErrors.forbidden();
    }
    return { enteId: ente.id, fiscalCode: await citizenFiscalCode(deps.db, request.principal.userId) };
  };

  /** The citizen's own position of this ente, or 404 (never telling whether someone else's exists). */
  const ownPosition = async (request: FastifyRequest): Promise<DebtPosition> => {
    const { enteId, fiscalCode } = await scope(request);
    const { id } = request.params as { id: string };
    const position = isUuid(id) ? await getDebtPosition(deps.db, enteId, id) : undefined;
    if (!position || !fiscalCode || position.debtor.fiscalCode !== fiscalCode) {
      throw PlatformErrors.notFound('payment');
    }
    return position;
  };

  const showPosition = (
    request: FastifyRequest,
    reply: FastifyReply,
    position: DebtPosition,
    problem: PayProblem | null = null,
    status = 200,
  ) =>
    sendPage(
      reply,
      <CitizenPosition
        ctx={request.pageContext()}
        brand={request.brand!}
        position={position}
        csrf={reply.generateCsrf()}
        problem={problem}
      />,
      status,
    );

  app.get('/:slug/area-personale/pagamenti', hide, async (request, reply) => {
    const { enteId, fiscalCode } = await scope(request);
    const { items } = fiscalCode
      ? await listDebtPositions(deps.db, enteId, { debtorFiscalCode: fiscalCode, limit: 100, offset: 0 })
      : { items: [] };
    return sendPage(
      reply,
      <CitizenList
        ctx={request.pageContext()}
        brand={request.brand!}
        positions={items}
        identified={!!fiscalCode}
      />,
    );
  });

  app.get('/:slug/area-personale/pagamenti/:id', hide, async (request, reply) =>
    showPosition(request, reply, await ownPosition(request)),
  );

  app.get('/:slug/area-personale/pagamenti/:id/avviso', hide, async (request, reply) =>
    sendNotice(reply, deps.db, await ownPosition(request), request.brand!, request.lang),
  );

  app.get('/:slug/area-personale/pagamenti/:id/ricevute/:iuv', hide, async (request, reply) => {
    const position = await ownPosition(request);
    const { iuv } = request.params as { iuv: string };
    return sendReceipt(reply, deps.db, position, iuv, request.brand!, request.lang);
  });

  app.post('/:slug/area-personale/pagamenti/:id/paga', hide, async (request, reply) => {
    const position = await ownPosition(request);
    const body = request.body as { iuv?: unknown; ritorno?: unknown } | undefined;
    const iuv = String(body?.iuv ?? '');
    const option = payableOptions(position).find((o) => o.iuv === iuv);
    if (!option) {
      // Still pending but not (yet) on pagoPA: the same "retry later" as an unreachable Checkout.
      const waiting = position.status === 'pending' && position.gpd.state !== 'published';
      return showPosition(
        request,
        reply,
        position,
        waiting ? 'unavailable' : 'notPayable',
        waiting ? 503 : 409,
      );
    }
    const settings = await paymentSettings(deps.db, position.enteId);
    if (!checkout || !settings) return showPosition(request, reply, position, 'unavailable', 503);
    // The service that asked for the payment may take the citizen back to its own page (a certificate).
    const back = returnPath(body?.ritorno, request.brand!.slug)
      ? `${deps.publicUrl}${body!.ritorno}?esito=`
      : `${deps.publicUrl}/${request.brand!.slug}/area-personale/pagamenti/${position.id}/esito?iuv=${iuv}&esito=`;
    try {
      const { redirectUrl } = await checkout.startCart({
        paymentNotices: [
          {
            noticeNumber: option.noticeNumber,
            fiscalCode: settings.creditorFiscalCode,
            amount: option.amountCents,
            companyName: request.brand!.name.slice(0, 140),
            description: option.description.slice(0, 140),
          },
        ],
        returnUrls: {
          returnOkUrl: `${back}ok`,
          returnCancelUrl: `${back}annullato`,
          returnErrorUrl: `${back}errore`,
        },
        ...(position.debtor.email ? { emailNotice: position.debtor.email } : {}),
      });
      return reply.redirect(redirectUrl, 303);
    } catch (error) {
      if (!(error instanceof GpdError)) throw error;
      request.log.warn({ err: error.message, status: error.status }, 'checkout cart refused or unreachable');
      return showPosition(request, reply, position, error.retryable ? 'unavailable' : 'refused', 503);
    }
  });

  app.get('/:slug/area-personale/pagamenti/:id/esito', hide, async (request, reply) => {
    const position = await ownPosition(request);
    const query = request.query as { esito?: string; iuv?: string };
    const outcome = OUTCOMES.find((o) => o === query.esito) ?? 'ok';
    return sendPage(
      reply,
      <PayOutcome
        ctx={request.pageContext()}
        brand={request.brand!}
        position={position}
        option={position.options.find((o) => o.iuv === query.iuv)}
        outcome={outcome}
        selfUrl={`/${request.brand!.slug}/area-personale/pagamenti/${position.id}/esito?iuv=${encodeURIComponent(query.iuv ?? '')}&esito=${outcome}`}
      />,
    );
  });
}
