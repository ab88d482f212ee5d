// Client of pagoPA Checkout's API for creditor institutions ("EC"): POST /checkout/ec/v1/carts hands a
// cart of up to five payment notices to Checkout, which answers 302 with the address of the checkout
// page to send the citizen's browser to; after paying (or cancelling, or failing) the citizen comes back
// to one of the returnUrls.
//
// There is no OpenAPI file of this API in ../shared/conformance. The contract here follows pagoPA's
// public sources: the "EC Checkout API" of the SANP primitives (docs.pagopa.it/sanp, appendici/primitive,
// and "Integrazione del touch point dell'EC con Checkout") and the CartRequest schema of
// pagopa/pagopa-ecommerce-payment-requests-service (api-spec/v1/payment-requests-api.yaml, EUPL-1.2),
// which serves it: CartRequest { paymentNotices (1..5) { noticeNumber (18), fiscalCode (11), amount
// (int64 cents ≥ 1), companyName (≤ 140), description (≤ 140) }, returnUrls { returnOkUrl,
// returnCancelUrl, returnErrorUrl (uri) }, emailNotice (email)?, idCart?, allCCP? }; answers 302 with
// Location, 400/422 problem JSON for invalid carts, 5xx. CHECKOUT_CART_SCHEMA below is that schema.
import { type Fetch, GpdError, pagopaCall } from './gpd-client.ts';

export interface CartPaymentNotice {
  noticeNumber: string;
  fiscalCode: string;
  /** Euro cents. */
  amount: number;
  companyName: string;
  description: string;
}

export interface CartRequest {
  paymentNotices: CartPaymentNotice[];
  returnUrls: { returnOkUrl: string; returnCancelUrl: string; returnErrorUrl: string };
  emailNotice?: string;
}

/** A failed Checkout call; a GpdError, so callers treat retryable failures of both APIs alike. */
export class CheckoutError extends GpdError {
  override name = 'CheckoutError';
}

export const CARTS_PATH = '/checkout/ec/v1/carts';

/** JSON Schema (2020-12) of the cart request, after CartRequest of the sources above. */
export const CHECKOUT_CART_SCHEMA = {
  type: 'object',
  required: ['paymentNotices', 'returnUrls'],
  additionalProperties: false,
  properties: {
    emailNotice: { type: 'string', format: 'email' },
    paymentNotices: {
      type: 'array',
      minItems: 1,
      maxItems: 5,
      items: {
        type: 'object',
        required: ['noticeNumber', 'fiscalCode', 'amount', 'companyName', 'description'],
        additionalProperties: false,
        properties: {
          noticeNumber: { type: 'string', minLength: 18, maxLength: 18 },
          fiscalCode: { type: 'string', minLength: 11, maxLength: 11 },
          amount: { type: 'integer', minimum: 1, maximum: 99_999_999_999 },
          companyName: { type: 'string', maxLength: 140 },
          description: { type: 'string', maxLength: 140 },
        },
      },
    },
    returnUrls: {
      type: 'object',
      required: ['returnOkUrl', 'returnCancelUrl', 'returnErrorUrl'],
      additionalProperties: false,
      properties: {
        returnOkUrl: { type: 'string', format: 'uri' },
        returnCancelUrl: { type: 'string', format: 'uri' },
        returnErrorUrl: { type: 'string', format: 'uri' },
        returnWaitingUrl: { type: 'string', format: 'uri' },
      },
    },
    idCart: { type: 'string' },
    allCCP: { type: 'boolean' },
  },
} as const;

export class CheckoutClient {
  readonly #url: string;
  readonly #http: { subscriptionKey?: string; timeoutMs?: number; fetch?: Fetch };

  constructor(o: {
    /** The API's host, e.g. https://api.platform.pagopa.it (the sandbox's: <public URL>/sandbox/pagopa). */
    baseUrl: string;
    subscriptionKey?: string;
    timeoutMs?: number;
    fetch?: Fetch;
  }) {
    this.#url = `${o.baseUrl.replace(/\/+$/, '')}${CARTS_PATH}`;
    this.#http = { subscriptionKey: o.subscriptionKey, timeoutMs: o.timeoutMs, fetch: o.fetch };
  }

  /** Opens a cart; the citizen's browser goes to `redirectUrl`. */
  async startCart(c: CartRequest): Promise<{ redirectUrl: string }> {
    const response = await pagopaCall(
      this.#http,
      this.#url,
      { method: 'POST', accept: 'application/json', body: c, redirect: 'manual' },
      CheckoutError,
    );
    await response.body?.cancel();
    const location = response.headers.get('location') ?? '';
    let redirectUrl: URL | null = null;
    try {
      redirectUrl = new URL(location);
    } catch {}
    if (response.status !== 302 || !redirectUrl || !/^https?:$/.test(redirectUrl.protocol)) {
      throw new CheckoutError(
        `POST ${CARTS_PATH}: expected 302 with a checkout address, got ${response.status}`,
        response.status,
        null,
        false,
      );
    }
    return { redirectUrl: redirectUrl.toString() };
  }
}
