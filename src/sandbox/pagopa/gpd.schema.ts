// Request schemas of the sandbox's GPD and receipts endpoints, with the constraints of
// src/modules/payments/fixtures/gpd-*.json (PaymentPositionModel, PaymentOptionModel, TransferModel,
// Stamp, the receipts list query). Unknown and read-only properties are accepted and ignored, as GPD's
// JSON mapper does; the sandbox keeps only the declared ones.
import { type Static, Type } from 'typebox';

const Metadata = Type.Array(
  Type.Object({ key: Type.String({ maxLength: 140 }), value: Type.String({ maxLength: 140 }) }),
  { maxItems: 10 },
);
const Text140 = Type.String({ minLength: 1, maxLength: 140 });
const DateTime = Type.String({ format: 'date-time' });

export const Transfer = Type.Object({
  idTransfer: Type.Union(['1', '2', '3', '4', '5'].map((id) => Type.Literal(id))),
  amount: Type.Integer({ minimum: 1 }),
  organizationFiscalCode: Type.Optional(Type.String({ pattern: '^[0-9]{11}$' })),
  remittanceInformation: Text140,
  category: Type.String({ minLength: 1, maxLength: 140 }),
  iban: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9]{1,35}$' })),
  postalIban: Type.Optional(Type.String({ pattern: '^$|^[A-Za-z0-9]{1,35}$' })),
  stamp: Type.Optional(
    Type.Object({
      hashDocument: Type.String({ minLength: 1, maxLength: 72 }),
      stampType: Type.String({ minLength: 2, maxLength: 2 }),
      provincialResidence: Type.String({ pattern: '^[A-Z]{2}$' }),
    }),
  ),
  companyName: Type.Optional(Type.String({ maxLength: 140 })),
  transferMetadata: Type.Optional(Metadata),
});

export const PaymentOption = Type.Object({
  iuv: Type.String({ pattern: '^[A-Za-z0-9]{1,35}$' }),
  amount: Type.Integer({ minimum: 1 }),
  description: Text140,
  isPartialPayment: Type.Boolean(),
  dueDate: DateTime,
  retentionDate: Type.Optional(DateTime),
  transfer: Type.Array(Transfer, { minItems: 1, maxItems: 5 }),
  paymentOptionMetadata: Type.Optional(Metadata),
});

export const PaymentPosition = Type.Object({
  iupd: Type.String({ pattern: '^[\\w*\\t -]{1,256}$' }),
  type: Type.Union([Type.Literal('F'), Type.Literal('G')]),
  payStandIn: Type.Optional(Type.Boolean()),
  fiscalCode: Type.String({ pattern: '^[A-Za-z0-9]{1,35}$' }),
  fullName: Type.String({ minLength: 1, maxLength: 70 }),
  streetName: Type.Optional(Type.String({ maxLength: 70 })),
  civicNumber: Type.Optional(Type.String({ maxLength: 16 })),
  postalCode: Type.Optional(Type.String({ maxLength: 16 })),
  city: Type.Optional(Type.String({ maxLength: 35 })),
  province: Type.Optional(Type.String({ maxLength: 35 })),
  region: Type.Optional(Type.String({ maxLength: 35 })),
  country: Type.Optional(Type.String({ pattern: '^[A-Z]{2}$' })),
  email: Type.Optional(Type.String({ maxLength: 256 })),
  phone: Type.Optional(Type.String({ maxLength: 19 })),
  switchToExpired: Type.Boolean(),
  companyName: Text140,
  officeName: Type.Optional(Type.String({ maxLength: 140 })),
  validityDate: Type.Optional(DateTime),
  paymentOption: Type.Array(PaymentOption, { minItems: 1, maxItems: 100 }),
});
export type PaymentPositionInput = Static<typeof PaymentPosition>;

export const OrgParams = Type.Object({ organizationfiscalcode: Type.String({ pattern: '^[0-9]{11}$' }) });
export const PositionParams = Type.Object({
  organizationfiscalcode: Type.String({ pattern: '^[0-9]{11}$' }),
  iupd: Type.String({ pattern: '^[\\w*\\t -]{1,256}$' }),
});
export const CreateQuery = Type.Object({ toPublish: Type.Optional(Type.Boolean()) });

const Day = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}' });
export const ReceiptsQuery = Type.Object({
  pageNum: Type.Optional(Type.Integer({ minimum: 0 })),
  pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
  debtor: Type.Optional(Type.String({ maxLength: 35 })),
  from: Type.Optional(Day),
  to: Type.Optional(Day),
});
export const ReceiptParams = Type.Object({
  organizationfiscalcode: Type.String({ pattern: '^[0-9]{11}$' }),
  iuv: Type.String({ pattern: '^[A-Za-z0-9]{1,35}$' }),
});
