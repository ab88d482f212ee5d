// The PDFs of a position, as the citizen and the operators download them: the payment notice (avviso
// pagoPA) with every option of the position, and the receipt of a paid option built from the receipt
// pagoPA sent (its XML, as stored at reconciliation).
import type { FastifyReply } from 'fastify';
import type { AnyDb } from '../../platform/db/database.ts';
import { PlatformErrors } from '../../platform/errors.ts';
import { sendPdf } from '../../platform/http/download.ts';
import type { PortalBrand } from '../../platform/layout/context.ts';
import { renderPaymentNotice } from './notice-pdf.ts';
import { mainOption } from './payments.present.ts';
import type { DebtPosition, PaymentOption, PaymentSettings } from './payments.schema.ts';
import { paymentSettings } from './payments.settings.ts';
import { renderReceiptPdf } from './receipt-pdf.ts';
import { parseReceipt } from './receipt-xml.ts';
import { findReceiptXml } from './reconcile.repo.ts';

type Lang = 'it' | 'en';

export async function noticePdf(
  position: DebtPosition,
  settings: PaymentSettings,
  brand: PortalBrand,
  lang: Lang,
): Promise<Buffer> {
  const main = mainOption(position)!;
  const instalments = position.options.filter((o) => o.isInstalment && o !== main);
  return renderPaymentNotice({
    lang,
    creditor: {
      name: brand.name,
      fiscalCode: settings.creditorFiscalCode,
      ...(brand.address ? { info: brand.address } : {}),
      ...(settings.cbill ? { cbill: settings.cbill } : {}),
    },
    debtor: { fiscalCode: position.debtor.fiscalCode, fullName: position.debtor.fullName },
    subject: position.description,
    amountCents: main.amountCents,
    dueDate: main.dueDate,
    noticeNumber: main.noticeNumber,
    ...(settings.postalAccount && position.debtor.type === 'F' && position.debtor.fiscalCode !== 'ANONIMO'
      ? { postal: { account: settings.postalAccount, holder: brand.name } }
      : {}),
    ...(instalments.length > 0
      ? {
          instalments: instalments.map((o) => ({
            noticeNumber: o.noticeNumber,
            amountCents: o.amountCents,
            dueDate: o.dueDate,
          })),
        }
      : {}),
  });
}

/** The receipt of a paid option, or undefined when its receipt is not stored (yet). */
export async function receiptPdf(
  db: AnyDb,
  position: DebtPosition,
  option: PaymentOption,
  settings: PaymentSettings,
  brand: PortalBrand,
  lang: Lang,
): Promise<Buffer | undefined> {
  if (!option.receiptId) return undefined;
  const xml = await findReceiptXml(db, position.enteId, option.receiptId);
  if (!xml) return undefined;
  const receipt = parseReceipt(xml);
  return renderReceiptPdf({
    lang,
    creditor: { name: brand.name, fiscalCode: settings.creditorFiscalCode },
    payer: {
      fullName: position.debtor.fullName,
      fiscalCode: receipt.debtorFiscalCode ?? position.debtor.fiscalCode,
    },
    subject: option.description,
    noticeNumber: receipt.noticeNumber,
    iuv: receipt.iuv,
    amountCents: receipt.amountCents,
    paidAt: receipt.paymentDateTime,
    pspCompanyName: receipt.pspCompanyName,
    receiptId: receipt.receiptId,
  });
}

/** Answers with the position's payment notice (404 once cancelled, or while pagoPA is not configured). */
export async function sendNotice(
  reply: FastifyReply,
  db: AnyDb,
  position: DebtPosition,
  brand: PortalBrand,
  lang: Lang,
) {
  const settings = await paymentSettings(db, position.enteId);
  if (!settings || position.status === 'cancelled') throw PlatformErrors.notFound('payment notice');
  const pdf = await noticePdf(position, settings, brand, lang);
  return sendPdf(reply, pdf, `avviso-${mainOption(position)!.noticeNumber}.pdf`);
}

/** Answers with the receipt of the position's option `iuv` (404 unless that option is paid). */
export async function sendReceipt(
  reply: FastifyReply,
  db: AnyDb,
  position: DebtPosition,
  iuv: string,
  brand: PortalBrand,
  lang: Lang,
) {
  const option = position.options.find((o) => o.iuv === iuv && o.status === 'paid');
  const settings = await paymentSettings(db, position.enteId);
  const pdf = option && settings ? await receiptPdf(db, position, option, settings, brand, lang) : undefined;
  if (!option || !pdf) throw PlatformErrors.notFound('receipt');
  return sendPdf(reply, pdf, `ricevuta-${option.noticeNumber}.pdf`);
}
