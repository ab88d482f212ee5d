// Client of pagoPA's GPD (Gestione Posizioni Debitorie) for creditor institutions: the debt positions
// API as fixtures/gpd-openapi_external_v1.json describes it (pagopa/pagopa-debt-position) and the
// receipts service of fixtures/gpd-payments-receipts-openapi.json (pagopa/pagopa-api). Both take the
// subscription key in `Ocp-Apim-Subscription-Key`. Uses Node's fetch; every call has a timeout.
import { randomUUID } from 'node:crypto';

export type DebtPositionStatus =
  | 'DRAFT'
  | 'PUBLISHED'
  | 'VALID'
  | 'INVALID'
  | 'EXPIRED'
  | 'PARTIALLY_PAID'
  | 'PAID'
  | 'REPORTED';

/** Key/value metadata (PaymentOptionMetadataModel, TransferMetadataModel): at most 10, keys unique. */
export interface MetadataModel {
  key: string;
  value: string;
}

/** The digital stamp duty ("marca da bollo digitale") of a transfer; excludes iban and postalIban. */
export interface Stamp {
  /** Hash of the document, stBase64Binary72. */
  hashDocument: string;
  /** Two characters, e.g. "01". */
  stampType: string;
  /** Province of residence, e.g. "VE". */
  provincialResidence: string;
}

export interface TransferModel {
  idTransfer: '1' | '2' | '3' | '4' | '5';
  /** Euro cents, ≥ 1. */
  amount: number;
  /** The beneficiary, for a transfer to another organisation. */
  organizationFiscalCode?: string;
  remittanceInformation: string;
  /** Taxonomy code of the service ("tassonomia"). */
  category: string;
  iban?: string;
  postalIban?: string;
  stamp?: Stamp;
  companyName?: string;
  transferMetadata?: MetadataModel[];
}

export interface PaymentOptionModel {
  /** The notice number ("numero avviso"): set by GPD. */
  nav?: string;
  iuv: string;
  /** Euro cents, ≥ 1; the sum of the transfers. */
  amount: number;
  description: string;
  /** True for an instalment of a position that may also be paid whole. */
  isPartialPayment: boolean;
  /** date-time */
  dueDate: string;
  retentionDate?: string;
  readonly fee?: number;
  readonly notificationFee?: number;
  transfer?: TransferModel[];
  paymentOptionMetadata?: MetadataModel[];
}

export interface PaymentPositionModel {
  iupd: string;
  /** F: natural person, G: legal person. */
  type: 'F' | 'G';
  payStandIn?: boolean;
  fiscalCode: string;
  fullName: string;
  streetName?: string;
  civicNumber?: string;
  postalCode?: string;
  city?: string;
  province?: string;
  region?: string;
  /** ISO 3166 alpha-2. */
  country?: string;
  email?: string;
  phone?: string;
  switchToExpired: boolean;
  companyName: string;
  officeName?: string;
  validityDate?: string;
  readonly paymentDate?: string;
  readonly status?: DebtPositionStatus;
  paymentOption?: PaymentOptionModel[];
}

/** What GET …/debtpositions/{iupd} answers: the position as GPD keeps it (all fields optional). */
export interface PaymentPositionModelBaseResponse {
  iupd?: string;
  organizationFiscalCode?: string;
  type?: 'F' | 'G';
  companyName?: string;
  officeName?: string;
  insertedDate?: string;
  publishDate?: string;
  validityDate?: string;
  paymentDate?: string;
  status?: DebtPositionStatus;
  lastUpdatedDate?: string;
  paymentOption?: PaymentOptionModelResponse[];
}

export interface PaymentOptionModelResponse {
  nav?: string;
  iuv?: string;
  organizationFiscalCode?: string;
  amount?: number;
  description?: string;
  isPartialPayment?: boolean;
  dueDate?: string;
  retentionDate?: string;
  paymentDate?: string;
  reportingDate?: string;
  insertedDate?: string;
  paymentMethod?: string;
  fee?: number;
  notificationFee?: number;
  pspCompany?: string;
  idReceipt?: string;
  idFlowReporting?: string;
  status?: 'PO_UNPAID' | 'PO_PAID' | 'PO_PARTIALLY_REPORTED' | 'PO_REPORTED';
  lastUpdatedDate?: string;
  paymentOptionMetadata?: { key?: string; value?: string }[];
  transfer?: (Partial<Omit<TransferModel, 'idTransfer'>> & {
    idTransfer?: string;
    insertedDate?: string;
    status?: 'T_UNREPORTED' | 'T_REPORTED';
    lastUpdatedDate?: string;
  })[];
}

/** pagoPA's problem JSON. */
export interface ProblemJson {
  title?: string;
  status?: number;
  detail?: string;
}

/**
 * A failed call. `retryable` is true for network errors, timeouts, 429 and 5xx (try again later, with
 * back-off), false for the other answers (4xx: the request itself is wrong, or conflicts: 409).
 */
export class GpdError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
    readonly problem: unknown,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = 'GpdError';
  }
}

export type Fetch = typeof fetch;

export interface HttpOptions {
  subscriptionKey?: string;
  timeoutMs?: number;
  /** Replaces the global fetch (tests route the calls to the sandbox and check them against the contract). */
  fetch?: Fetch;
}

type ErrorClass = new (
  message: string,
  status: number | null,
  problem: unknown,
  retryable: boolean,
) => GpdError;

/** One call to a pagoPA API, with the subscription key and a timeout; failures become `errorClass`. */
export async function pagopaCall(
  options: HttpOptions,
  url: string,
  init: { method: string; accept: string; body?: unknown; redirect?: 'manual' },
  errorClass: ErrorClass = GpdError,
): Promise<Response> {
  const headers: Record<string, string> = { accept: init.accept, 'x-request-id': randomUUID() };
  if (options.subscriptionKey) headers['ocp-apim-subscription-key'] = options.subscriptionKey;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  const timeoutMs = options.timeoutMs ?? 10_000;
  let response: Response;
  try {
    response = await (options.fetch ?? fetch)(url, {
      method: init.method,
      headers,
      ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
      redirect: init.redirect ?? 'error',
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    const name = (error as Error).name;
    const timedOut = name === 'TimeoutError' || name === 'AbortError';
    const why = timedOut ? `no answer within ${timeoutMs} ms` : 'unreachable';
    throw new errorClass(`${init.method} ${new URL(url).pathname}: ${why}`, null, null, true);
  }
  if (response.status < 400) return response;
  const text = await response.text().catch(() => '');
  let problem: unknown = text || null;
  try {
    problem = JSON.parse(text);
  } catch {}
  const retryable = response.status >= 500 || response.status === 429;
  const detail = (problem as ProblemJson | null)?.detail;
  throw new errorClass(
    `${init.method} ${new URL(url).pathname}: ${response.status}${typeof detail === 'string' ? ` ${detail}` : ''}`,
    response.status,
    problem,
    retryable,
  );
}

async function json<T>(response: Response, what: string): Promise<T> {
  try {
    const body = (await response.json()) as unknown;
    if (body && typeof body === 'object' && !Array.isArray(body)) return body as T;
  } catch {}
  throw new GpdError(`${what}: the answer is not a JSON object`, response.status, null, false);
}

export class GpdClient {
  readonly #base: string;
  readonly #receiptsBase: string;
  readonly #http: HttpOptions;

  constructor(o: {
    /** e.g. https://api.platform.pagopa.it/gpd/debt-positions-service/v1 */
    baseUrl: string;
    /** e.g. https://api.platform.pagopa.it/gpd/payments-receipts-service/v1 */
    receiptsBaseUrl: string;
    subscriptionKey: string;
    timeoutMs?: number;
    fetch?: Fetch;
  }) {
    this.#base = o.baseUrl.replace(/\/+$/, '');
    this.#receiptsBase = o.receiptsBaseUrl.replace(/\/+$/, '');
    this.#http = { subscriptionKey: o.subscriptionKey, timeoutMs: o.timeoutMs, fetch: o.fetch };
  }

  #positions(org: string, ...rest: string[]): string {
    return [this.#base, 'organizations', org, 'debtpositions', ...rest].map(encodeSegment).join('/');
  }

  async #position<T>(method: string, url: string, body?: unknown): Promise<T> {
    const response = await pagopaCall(this.#http, url, { method, accept: 'application/json', body });
    return json<T>(response, `${method} ${new URL(url).pathname}`);
  }

  /** Creates a position (409 if its IUPD or one of its IUVs exists); published at once if `toPublish`. */
  createPosition(
    org: string,
    position: PaymentPositionModel,
    toPublish: boolean,
  ): Promise<PaymentPositionModel> {
    return this.#position('POST', `${this.#positions(org)}?toPublish=${toPublish}`, position);
  }

  publishPosition(org: string, iupd: string): Promise<PaymentPositionModel> {
    return this.#position('POST', this.#positions(org, iupd, 'publish'));
  }

  invalidatePosition(org: string, iupd: string): Promise<PaymentPositionModel> {
    return this.#position('POST', this.#positions(org, iupd, 'invalidate'));
  }

  getPosition(org: string, iupd: string): Promise<PaymentPositionModelBaseResponse> {
    return this.#position('GET', this.#positions(org, iupd));
  }

  /** One page of the organisation's receipts (IUVs); none at all is an empty page, not an error. */
  async listReceipts(
    org: string,
    q: { from?: string; to?: string; pageNum?: number; pageSize?: number },
  ): Promise<{ iuvs: string[]; totalPages: number }> {
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(q)) if (value !== undefined) query.set(key, String(value));
    const search = query.toString();
    const url = `${[this.#receiptsBase, 'payments', org, 'receipts'].map(encodeSegment).join('/')}${search ? `?${search}` : ''}`;
    let response: Response;
    try {
      response = await pagopaCall(this.#http, url, { method: 'GET', accept: 'application/json' });
    } catch (error) {
      if (error instanceof GpdError && error.status === 404) return { iuvs: [], totalPages: 0 };
      throw error;
    }
    const page = await json<{ results?: unknown; totalPages?: unknown }>(response, 'receipts list');
    const results = Array.isArray(page.results) ? page.results : [];
    const iuvs = results.map((r) => (r as { iuv?: unknown } | null)?.iuv);
    if (!iuvs.every((iuv): iuv is string => typeof iuv === 'string') || typeof page.totalPages !== 'number')
      throw new GpdError('receipts list: unexpected answer', response.status, page, false);
    return { iuvs, totalPages: page.totalPages };
  }

  /** The receipt XML of a paid IUV (404 when unknown, 422 while the position is not paid). */
  async getReceipt(org: string, iuv: string): Promise<string> {
    const url = [this.#receiptsBase, 'payments', org, 'receipts', iuv].map(encodeSegment).join('/');
    const response = await pagopaCall(this.#http, url, { method: 'GET', accept: 'application/xml' });
    return response.text();
  }
}

/** Path segments are encoded; the base URL (the first segment) is kept as it is. */
function encodeSegment(segment: string, index: number): string {
  return index === 0 ? segment : encodeURIComponent(segment);
}
