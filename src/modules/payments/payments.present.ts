// How positions read on the citizen's and the operators' pages and exports: amounts ("€ 12,50"), notice
// numbers in groups of four, dates, state labels, and which option is the one to pay.
import type { MessageKey } from '../../platform/i18n/index.ts';
import { formatDate, formatDateTime, formatEuroCents } from '../../platform/pdf/pdf-document.ts';
import type { DebtPosition, PaymentOption, PositionStatus } from './payments.schema.ts';

export const euro = (lang: 'it' | 'en', cents: number) => formatEuroCents(lang, cents);
export const day = (date: string) => formatDate(date);
export const instant = (lang: 'it' | 'en', at: Date) => formatDateTime(lang, at.toISOString());
export const groupedNotice = (noticeNumber: string) => noticeNumber.replace(/(\d{4})(?=\d)/g, '$1 ');

export const STATUS_LABELS: Record<PositionStatus, MessageKey> = {
  pending: 'payments.status.pending',
  paid: 'payments.status.paid',
  expired: 'payments.status.expired',
  cancelled: 'payments.status.cancelled',
  failed: 'payments.status.failed',
};
/** Bootstrap Italia badge colours: waiting, done, late, withdrawn, wrong. */
export const STATUS_BADGES: Record<PositionStatus, string> = {
  pending: 'badge bg-warning text-dark',
  paid: 'badge bg-success',
  expired: 'badge bg-secondary',
  cancelled: 'badge bg-secondary',
  failed: 'badge bg-danger',
};

/** The option that stands for the whole debt: the single payment, else the first instalment. */
export const mainOption = (p: Pick<DebtPosition, 'options'>): PaymentOption | undefined =>
  p.options.find((o) => !o.isInstalment) ?? p.options[0];

/** What the position costs: its single payment, or the sum of its instalments when it has none. */
export function positionAmount(p: Pick<DebtPosition, 'options'>): number {
  const single = p.options.find((o) => !o.isInstalment);
  return single ? single.amountCents : p.options.reduce((sum, o) => sum + o.amountCents, 0);
}

/** Options the citizen may pay now: none once the position is settled or not yet on pagoPA. */
export function payableOptions(p: DebtPosition): PaymentOption[] {
  if (p.status !== 'pending' || p.gpd.state !== 'published') return [];
  if (p.options.some((o) => o.isInstalment && o.status === 'paid')) {
    return p.options.filter((o) => o.isInstalment && o.status === 'unpaid');
  }
  return p.options.filter((o) => o.status === 'unpaid');
}

/** The option holding a receipt, for the receipt download (the last one paid). */
export const paidOptions = (p: DebtPosition) => p.options.filter((o) => o.status === 'paid' && o.receiptId);
