// Types of the payments area: its tables (migrations/0008_payments.sql) and its domain objects.
import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
/** A date column (YYYY-MM-DD): the repository reads it as text (due_date::text), drivers differ on dates. */
type DateText = string;

export const ITEM_KINDS = ['service_fee', 'stamp_duty', 'school_canteen', 'fine', 'other'] as const;
export type ItemKind = (typeof ITEM_KINDS)[number];
export const POSITION_STATUSES = ['pending', 'paid', 'expired', 'cancelled', 'failed'] as const;
export type PositionStatus = (typeof POSITION_STATUSES)[number];
export type GpdState = 'queued' | 'published' | 'invalidated' | 'withdrawn' | 'failed';
export type ReceiptResult =
  | 'paid'
  | 'ko'
  | 'unknown_iuv'
  | 'amount_mismatch'
  | 'already_paid'
  | 'position_closed';
export type IssueKind = Exclude<ReceiptResult, 'paid' | 'ko'>;

/** The largest amount of one option or transfer: €999,999.99. */
export const MAX_AMOUNT_CENTS = 99_999_999;
/** The stamp duty (imposta di bollo) on certificates and applications: €16.00. */
export const STAMP_DUTY_CENTS = 1600;

export type PaymentsTables = {
  payment_settings: {
    ente_id: string;
    creditor_fiscal_code: string;
    segregation_code: string;
    iban: string;
    postal_account: string | null;
    cbill: string | null;
    intermediary_fiscal_code: string | null;
    station_id: string | null;
    gpd_key: string | null;
    receipts_polled_until: DateText | null;
    updated_by: string;
    created_at: Generated<Date>;
    updated_at: Timestamp;
  };
  payment_items: {
    ente_id: string;
    code: string;
    label: string;
    kind: ItemKind;
    default_amount_cents: number | null;
    taxonomy: string;
    active: Generated<boolean>;
    created_at: Generated<Date>;
    updated_at: Timestamp;
  };
  payment_iuv_counters: { ente_id: string; segregation_code: string; last_base: number };
  payment_positions: {
    ente_id: string;
    id: Generated<string>;
    iupd: string;
    source_module: string;
    source_ref: string;
    item_code: string | null;
    debtor_type: 'F' | 'G';
    debtor_fiscal_code: string;
    debtor_name: string;
    debtor_email: string | null;
    description: string;
    due_date: DateText;
    status: ColumnType<PositionStatus, PositionStatus | undefined, PositionStatus>;
    gpd_state: ColumnType<GpdState, GpdState | undefined, GpdState>;
    gpd_attempts: Generated<number>;
    gpd_error: string | null;
    gpd_synced_at: Date | null;
    created_by: string;
    created_at: Generated<Date>;
    updated_at: Timestamp;
    paid_at: Date | null;
  };
  payment_options: {
    ente_id: string;
    iuv: string;
    position_id: string;
    seq: number;
    notice_number: string;
    is_instalment: boolean;
    amount_cents: number;
    description: string;
    due_date: DateText;
    status: ColumnType<'unpaid' | 'paid', 'unpaid' | 'paid' | undefined, 'unpaid' | 'paid'>;
    paid_at: Date | null;
    receipt_id: string | null;
  };
  payment_transfers: {
    ente_id: string;
    iuv: string;
    transfer_id: number;
    amount_cents: number;
    remittance: string;
    taxonomy: string;
    beneficiary_fiscal_code: string | null;
    iban: string | null;
    postal_iban: string | null;
    stamp_type: string | null;
    stamp_hash: string | null;
    stamp_province: string | null;
  };
  payment_receipts: {
    ente_id: string;
    receipt_id: string;
    iuv: string;
    notice_number: string | null;
    position_id: string | null;
    outcome: 'OK' | 'KO';
    amount_cents: number;
    payment_at: Date | null;
    psp_name: string | null;
    debtor_fiscal_code: string | null;
    via: 'notification' | 'polling';
    result: ReceiptResult;
    xml: string;
    received_at: Generated<Date>;
  };
  payment_receipt_issues: {
    ente_id: string;
    receipt_id: string;
    kind: IssueKind;
    created_at: Generated<Date>;
    resolved_at: Date | null;
    resolved_by: string | null;
    note: string | null;
  };
};

/** The ente's settings as pages and other modules see them: the GPD key only as present or not. */
export interface PaymentSettings {
  enteId: string;
  creditorFiscalCode: string;
  segregationCode: string;
  iban: string;
  postalAccount: string | null;
  cbill: string | null;
  /** The pagoPA intermediary (its fiscal code) and its station, when the ente is not its own. */
  intermediaryFiscalCode: string | null;
  stationId: string | null;
  hasGpdKey: boolean;
  updatedAt: Date;
}

export interface PaymentItem {
  code: string;
  label: string;
  kind: ItemKind;
  defaultAmountCents: number | null;
  taxonomy: string;
  active: boolean;
}

export interface Transfer {
  transferId: number;
  amountCents: number;
  remittance: string;
  taxonomy: string;
  beneficiaryFiscalCode: string | null;
  iban: string | null;
  postalIban: string | null;
  stamp: { type: string; hashDocument: string; province: string } | null;
}

export interface PaymentOption {
  iuv: string;
  noticeNumber: string;
  seq: number;
  isInstalment: boolean;
  amountCents: number;
  description: string;
  dueDate: string;
  status: 'unpaid' | 'paid';
  paidAt: Date | null;
  receiptId: string | null;
}

export interface DebtPosition {
  id: string;
  enteId: string;
  iupd: string;
  source: { module: string; ref: string };
  itemCode: string | null;
  debtor: { type: 'F' | 'G'; fiscalCode: string; fullName: string; email: string | null };
  description: string;
  dueDate: string;
  status: PositionStatus;
  gpd: { state: GpdState; attempts: number; error: string | null; syncedAt: Date | null };
  createdAt: Date;
  updatedAt: Date;
  paidAt: Date | null;
  options: (PaymentOption & { transfers: Transfer[] })[];
}

/** What the payments module tells the module that created a position once it is paid. */
export interface PaidEvent {
  enteId: string;
  positionId: string;
  iupd: string;
  source: { module: string; ref: string };
  receipt: {
    receiptId: string;
    iuv: string;
    noticeNumber: string;
    amountCents: number;
    paymentDateTime: string;
    pspCompanyName: string;
  };
}
