import { AppError } from '../../platform/errors.ts';

export const PaymentsErrors = {
  notConfigured: () =>
    new AppError(
      'PAYMENTS_NOT_CONFIGURED',
      409,
      "The ente's pagoPA settings (fiscal code, segregation code, IBAN) are not configured yet.",
    ),
  positionNotFound: () => new AppError('POSITION_NOT_FOUND', 404, 'No debt position with this identifier.'),
  positionPaid: () =>
    new AppError('POSITION_PAID', 409, 'A paid or partly paid position cannot be cancelled.'),
  positionExists: () =>
    new AppError(
      'POSITION_EXISTS',
      409,
      'A debt position with this IUPD or source reference already exists.',
    ),
  itemExists: (code: string) =>
    new AppError('ITEM_EXISTS', 409, `The catalogue already has an item with code ${code}.`, [
      { field: 'code', message: 'is already used by another item' },
    ]),
  itemNotFound: () => new AppError('ITEM_NOT_FOUND', 404, 'No payable item with this code.'),
  creditorFixed: () =>
    new AppError('CREDITOR_FIXED', 409, 'The fiscal code cannot change once debt positions exist.', [
      { field: 'creditorFiscalCode', message: 'cannot change once debt positions exist' },
    ]),
  creditorTaken: () =>
    new AppError('CREDITOR_TAKEN', 409, 'Another ente already uses this fiscal code for pagoPA.', [
      { field: 'creditorFiscalCode', message: 'is already used by another ente' },
    ]),
  unknownCreditor: () =>
    new AppError('UNKNOWN_CREDITOR', 400, 'The receipt names a creditor that is not served here.', [
      { field: 'organizationFiscalCode', message: 'is not the fiscal code of an ente served here' },
    ]),
  invalidReceipt: (reason: string) =>
    new AppError('INVALID_RECEIPT', 400, `The receipt is not valid: ${reason}`),
  wrongNotificationKey: () =>
    new AppError('UNAUTHENTICATED', 401, 'The X-Notification-Key header is missing or wrong.'),
} as const;
