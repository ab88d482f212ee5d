// Maps every error to problem+json (API paths) or an accessible error page (HTML), never leaking
// internals: 5xx are logged with the request id and answered with a generic message.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, type FieldError, problem } from '../errors.ts';
import { ErrorPage } from '../layout/ErrorPage.tsx';
import { renderPage } from '../layout/Layout.tsx';
import { isApiPath } from './api-paths.ts';

interface Mapped {
  status: number;
  code: string;
  detail?: string;
  fields?: FieldError[];
  headers?: Record<string, string>;
}

function fieldFromValidation(v: {
  instancePath?: string;
  params?: Record<string, unknown>;
  message?: string;
}) {
  const path = (v.instancePath ?? '').replace(/^\//, '').replaceAll('/', '.');
  const missing = v.params?.missingProperty ?? v.params?.requiredProperties;
  const extra = v.params?.additionalProperty;
  const field = [path, missing ?? extra].filter(Boolean).join('.') || '(body)';
  const message = extra ? 'is not an allowed property' : (v.message ?? 'is not valid');
  return { field, message };
}

function mapError(error: FastifyError | AppError): Mapped {
  if (error instanceof AppError) {
    return { status: error.status, code: error.code, detail: error.message, fields: error.fields };
  }
  const fe = error as FastifyError & { validation?: unknown[]; validationContext?: string };
  if (Array.isArray(fe.validation)) {
    const fields = (fe.validation as Parameters<typeof fieldFromValidation>[0][]).map(fieldFromValidation);
    const where = fe.validationContext ?? 'request';
    return { status: 400, code: 'VALIDATION_FAILED', detail: `Invalid ${where}.`, fields };
  }
  switch (fe.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { status: 413, code: 'BODY_TOO_LARGE', detail: 'The request body is too large.' };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', detail: 'This content type is not accepted.' };
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return { status: 400, code: 'MALFORMED_JSON', detail: 'The body is not valid JSON.' };
    case 'FST_CSRF_INVALID_TOKEN':
    case 'FST_CSRF_MISSING_SECRET':
      return {
        status: 403,
        code: 'CSRF_INVALID',
        detail: 'The form has expired or was not sent by this site.',
      };
  }
  if (fe instanceof SyntaxError || fe.statusCode === 400) {
    return { status: 400, code: 'BAD_REQUEST', detail: 'The request is malformed.' };
  }
  if (fe.statusCode === 429) {
    return { status: 429, code: 'RATE_LIMITED', detail: 'Too many requests: retry later.' };
  }
  if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
    return { status: fe.statusCode, code: 'CLIENT_ERROR', detail: 'The request cannot be processed.' };
  }
  return { status: 500, code: 'INTERNAL_ERROR', detail: 'An unexpected error occurred.' };
}

export function sendError(request: FastifyRequest, reply: FastifyReply, mapped: Mapped) {
  if (mapped.headers) reply.headers(mapped.headers);
  reply.code(mapped.status);
  if (isApiPath(request.url)) {
    return reply.type('application/problem+json').send(
      problem(mapped.status, mapped.code, mapped.detail, {
        instance: request.url.split('?')[0],
        request_id: request.id,
        ...(mapped.fields && mapped.fields.length > 0 ? { errors: mapped.fields } : {}),
      }),
    );
  }
  return reply
    .type('text/html; charset=utf-8')
    .send(renderPage(<ErrorPage ctx={request.pageContext()} brand={request.brand} status={mapped.status} />));
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const mapped = mapError(error);
    if (mapped.status >= 500) {
      request.log.error({ err: error, reqId: request.id }, 'request failed');
    } else if (mapped.status === 429 && !mapped.headers) {
      const retryAfter = reply.getHeader('retry-after');
      if (retryAfter) mapped.headers = { 'retry-after': String(retryAfter) };
    }
    return sendError(request, reply, mapped);
  });
  app.setNotFoundHandler((request, reply) =>
    sendError(request, reply, {
      status: 404,
      code: 'NOT_FOUND',
      detail: 'There is nothing at this address.',
    }),
  );
}
