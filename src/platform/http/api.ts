// API conventions of the Italian interoperability guidelines (ModI): versioned paths, OpenAPI 3.1
// generated from the route schemas, /status, problem+json errors, X-RateLimit-* headers and 429 with
// Retry-After.
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import { type TSchema, Type } from 'typebox';
import pkg from '../../../package.json' with { type: 'json' };

export const API_PREFIX = '/api/v1';

export const ProblemSchema = Type.Object(
  {
    type: Type.String({
      format: 'uri-reference',
      description: 'Problem type; about:blank with `code` as the reason.',
    }),
    title: Type.String({ description: 'Short summary of the HTTP status.' }),
    status: Type.Integer({ format: 'int32', minimum: 100, maximum: 599 }),
    detail: Type.Optional(Type.String({ maxLength: 4096 })),
    instance: Type.Optional(Type.String({ format: 'uri-reference', maxLength: 2048 })),
    code: Type.String({ description: 'Stable machine-readable error code.', maxLength: 64 }),
    request_id: Type.Optional(Type.String({ maxLength: 64 })),
    errors: Type.Optional(
      Type.Array(
        Type.Object({ field: Type.String({ maxLength: 256 }), message: Type.String({ maxLength: 1024 }) }),
        { maxItems: 100 },
      ),
    ),
  },
  { $id: 'Problem', description: 'RFC 9457 problem details.' },
);

// Response headers are given as JSON schemas; @fastify/swagger wraps them into OpenAPI header objects.
const integerHeader = (description: string) => ({
  type: 'integer',
  format: 'int32',
  minimum: 0,
  description,
});
const rateHeaders = {
  'X-RateLimit-Limit': integerHeader('Requests allowed in the current window.'),
  'X-RateLimit-Remaining': integerHeader('Requests left in the current window.'),
  'X-RateLimit-Reset': integerHeader('Seconds until the window resets.'),
};
const retryAfter = { 'Retry-After': integerHeader('Seconds to wait before retrying.') };

const problemContent = { 'application/problem+json': { schema: { $ref: 'Problem#' } } };

/** Adds the standard error responses to an operation's response map. */
export function withErrors(
  responses: Record<number, TSchema | { description: string; content?: unknown; headers?: unknown }>,
  statuses: number[] = [400, 404],
) {
  const descriptions: Record<number, string> = {
    400: 'Invalid request: `errors` names each invalid field.',
    401: 'Authentication required.',
    403: 'Not allowed.',
    404: 'Not found.',
    409: 'Conflict with the current state.',
    413: 'Request body too large.',
    415: 'Unsupported media type.',
  };
  const out: Record<string | number, unknown> = { ...responses };
  for (const status of statuses) out[status] = { description: descriptions[status], content: problemContent };
  out[429] = {
    description: 'Too many requests.',
    headers: { ...retryAfter, ...rateHeaders },
    content: problemContent,
  };
  out[503] = {
    description: 'Temporarily unavailable.',
    headers: retryAfter,
    content: problemContent,
  };
  out.default = { description: 'Unexpected error.', content: problemContent };
  return out;
}

/** Response headers every 2xx API answer carries. */
export const RATE_LIMIT_HEADERS = rateHeaders;

export async function registerApiConventions(
  app: FastifyInstance,
  options: { publicUrl: string; rateLimit: { max: number; windowMs: number } },
): Promise<void> {
  app.addSchema(ProblemSchema);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Convergenza API',
        version: pkg.version,
        description:
          'REST API of Convergenza, the platform a Soggetto Aggregatore Digitale runs for its member comuni. Follows the Italian interoperability guidelines (ModI).',
        contact: { name: 'Convergenza', url: options.publicUrl },
        license: { name: 'AGPL-3.0-or-later', identifier: 'AGPL-3.0-or-later' },
        termsOfService: `${options.publicUrl}/note-legali`,
        'x-summary': 'Enti, services and data of a digital aggregation of Italian comuni.',
        'x-api-id': 'c0a5e6d2-4f1b-4c8e-9b7a-3d2f1e0c9b8a',
      } as never,
      servers: [{ url: `${options.publicUrl}${API_PREFIX}`, description: 'This installation.' }],
      tags: [
        { name: 'status', description: 'Health of the API.' },
        { name: 'enti', description: 'The SAD and its member comuni.' },
        { name: 'payments', description: 'pagoPA payments: receipt notifications.' },
      ],
    },
    // Paths are documented relative to the server URL, which carries the version.
    transform: ({ schema, url }) => ({
      schema: schema as never,
      url: url.startsWith(API_PREFIX) ? url.slice(API_PREFIX.length) || '/' : url,
    }),
    hideUntagged: true,
    // Shared schemas keep their $id as their name under components.schemas.
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => String(json.$id ?? `Schema${i}`) },
  });

  await app.register(rateLimit, {
    global: true,
    max: options.rateLimit.max,
    timeWindow: options.rateLimit.windowMs,
    // The API, and the login forms (sign-in, password reset, the SAML assertion consumer): anonymous
    // posts that cost a password hash, an audit event or an e-mail.
    allowList: (request) =>
      !(request.url.startsWith('/api/') || (request.method === 'POST' && request.url.startsWith('/accedi'))),
    addHeadersOnExceeding: {
      'x-ratelimit-limit': true,
      'x-ratelimit-remaining': true,
      'x-ratelimit-reset': true,
    },
    addHeaders: {
      'x-ratelimit-limit': true,
      'x-ratelimit-remaining': true,
      'x-ratelimit-reset': true,
      'retry-after': true,
    },
    errorResponseBuilder: (_request, context) => {
      const error = new Error(
        `Rate limit exceeded: retry in ${Math.ceil(context.ttl / 1000)} s.`,
      ) as Error & {
        statusCode: number;
      };
      error.statusCode = 429;
      return error;
    },
  });

  // PATCH bodies are JSON Merge Patch documents (RFC 7396).
  app.addContentTypeParser('application/merge-patch+json', { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, JSON.parse(body as string));
    } catch {
      const error = new Error('Malformed JSON') as Error & { statusCode: number; code: string };
      error.statusCode = 400;
      error.code = 'FST_ERR_CTP_INVALID_JSON_BODY';
      done(error, undefined);
    }
  });

  const StatusSchema = Type.Object({
    status: Type.Integer({ format: 'int32', minimum: 100, maximum: 599 }),
    title: Type.String({ maxLength: 64 }),
  });
  const statusRoute = {
    schema: {
      tags: ['status'],
      summary: 'Health of the API',
      description: 'Returns 200 when the API can serve requests; 503 problem+json otherwise.',
      operationId: 'api_status',
      response: withErrors(
        {
          200: {
            description: 'The API is up.',
            content: { 'application/problem+json': { schema: StatusSchema } },
          },
        },
        [],
      ),
    },
  };
  app.get(`${API_PREFIX}/status`, statusRoute, async (_request, reply) => {
    reply.type('application/problem+json');
    return { status: 200, title: 'OK' };
  });
  app.get('/status', { schema: { hide: true } }, async (_request, reply) => {
    reply.type('application/problem+json');
    return { status: 200, title: 'OK' };
  });
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
