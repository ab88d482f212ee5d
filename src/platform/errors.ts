// One error type for every area: a stable code, an HTTP status, and optional field errors. The HTTP
// layer (platform/http/error-handler.ts) maps it to problem+json for APIs and to an error page for HTML.

export interface FieldError {
  /** The field as the client named it (JSON pointer without the leading slash, or the form field name). */
  field: string;
  message: string;
}

export class AppError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    readonly fields: FieldError[] = [],
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const PlatformErrors = {
  notFound: (what = 'resource') => new AppError('NOT_FOUND', 404, `The ${what} does not exist.`),
  forbidden: () => new AppError('FORBIDDEN', 403, 'You are not allowed to do this.'),
  unauthenticated: () => new AppError('UNAUTHENTICATED', 401, 'Authentication is required.'),
  validation: (fields: FieldError[]) =>
    new AppError('VALIDATION_FAILED', 400, 'Some fields are not valid.', fields),
  conflict: (message: string) => new AppError('CONFLICT', 409, message),
  unsupportedMediaType: (expected: string) =>
    new AppError('UNSUPPORTED_MEDIA_TYPE', 415, `Send the body as ${expected}.`),
} as const;

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  code: string;
  request_id?: string;
  errors?: FieldError[];
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export function problem(
  status: number,
  code: string,
  detail: string | undefined,
  extra: Partial<Problem> = {},
): Problem {
  return {
    // about:blank: the title is the HTTP status phrase; the stable, machine-readable reason is `code`.
    type: 'about:blank',
    title: TITLES[status] ?? (status >= 500 ? 'Server Error' : 'Client Error'),
    status,
    ...(detail ? { detail } : {}),
    code,
    ...extra,
  };
}
