// Wording of the payment notice (avviso pagoPA), after the sections of the avvisi guide's "rata unica"
// layout; Italian is the reference text.
import type { PdfLang } from '../../platform/pdf/pdf-document.ts';

export interface NoticeLabels {
  title: string;
  creditor: string;
  debtor: string;
  fiscalCode: string;
  cbill: string;
  howMuch: string;
  dueBy: (date: string) => string;
  noDueDate: string;
  single: string;
  orInstalments: (count: number) => string;
  amountNote: string;
  where: string;
  online: string;
  territory: string;
  channels: string;
  cutHint: string;
  bankTitle: string;
  singleInstalment: string;
  instalment: (index: number, count: number) => string;
  qrHint: string;
  recipient: string;
  amount: string;
  subject: string;
  noticeNumber: string;
  creditorFiscalCode: string;
  postalTitle: string;
  postalHint: string;
  postalAccount: string;
  holder: string;
  documentType: string;
  authorization: string;
  emblemAlt: (name: string) => string;
  qrAlt: (noticeNumber: string, amount: string) => string;
  dataMatrixAlt: (noticeNumber: string, amount: string) => string;
}

export const NOTICE_LABELS: Record<PdfLang, NoticeLabels> = {
  it: {
    title: 'Avviso di pagamento',
    creditor: 'Ente creditore',
    debtor: 'Destinatario dell’avviso',
    fiscalCode: 'Codice fiscale',
    cbill: 'Codice CBILL',
    howMuch: 'Quanto e quando pagare?',
    dueBy: (date) => `entro il ${date}`,
    noDueDate: 'senza scadenza',
    single: 'Puoi pagare in un’unica soluzione.',
    orInstalments: (count) =>
      `Puoi pagare in un’unica soluzione oppure in ${count} rate: trovi le rate nelle pagine seguenti.`,
    amountNote:
      'L’importo è aggiornato automaticamente dal sistema e può variare per sgravi, note di credito, ' +
      'interessi o sanzioni: il canale di pagamento potrebbe chiederti una cifra diversa da quella indicata qui.',
    where: 'Dove pagare?',
    online:
      'Online: sul sito o con l’app dell’ente creditore, della tua banca o di un altro prestatore di servizi ' +
      'di pagamento aderente a pagoPA, con carta, conto corrente o CBILL.',
    territory:
      'Sul territorio: in banca, agli sportelli ATM, negli uffici postali, nelle ricevitorie, nelle ' +
      'tabaccherie e nei supermercati aderenti, in contanti, con carta o conto corrente.',
    channels: 'Elenco aggiornato dei canali di pagamento: www.pagopa.gov.it',
    cutHint: 'Utilizza la porzione di avviso relativa alla rata che intendi pagare.',
    bankTitle: 'Banche e altri canali',
    singleInstalment: 'Rata unica',
    instalment: (index, count) => `Rata ${index} di ${count}`,
    qrHint:
      'Inquadra il codice QR con l’app del tuo canale di pagamento, oppure indica il codice avviso e il ' +
      'codice fiscale dell’ente creditore.',
    recipient: 'Destinatario',
    amount: 'Importo',
    subject: 'Oggetto del pagamento',
    noticeNumber: 'Codice avviso',
    creditorFiscalCode: 'Codice fiscale ente creditore',
    postalTitle: 'Bollettino postale PA',
    postalHint:
      'Pagabile in tutti gli uffici postali e sui canali fisici e digitali abilitati di Poste Italiane e ' +
      'dell’ente creditore.',
    postalAccount: 'Sul conto corrente postale n.',
    holder: 'Intestato a',
    documentType: 'Tipo',
    authorization: 'Autorizzazione',
    emblemAlt: (name) => `Stemma: ${name}`,
    qrAlt: (notice, amount) => `Codice QR pagoPA dell’avviso ${notice}, importo ${amount}`,
    dataMatrixAlt: (notice, amount) =>
      `Codice DataMatrix di Poste Italiane dell’avviso ${notice}, importo ${amount}`,
  },
  en: {
    title: 'Payment notice',
    creditor: 'Creditor',
    debtor: 'Addressee of the notice',
    fiscalCode: 'Fiscal code',
    cbill: 'CBILL code',
    howMuch: 'How much and when to pay?',
    dueBy: (date) => `by ${date}`,
    noDueDate: 'no due date',
    single: 'You can pay in a single payment.',
    orInstalments: (count) =>
      `You can pay in a single payment or in ${count} instalments: the instalments are on the following pages.`,
    amountNote:
      'The amount is updated automatically and may change because of relief, credit notes, interest or ' +
      'penalties: the payment channel may therefore ask you for an amount other than the one shown here.',
    where: 'Where to pay?',
    online:
      'Online: on the website or app of the creditor, of your bank or of another payment service provider ' +
      'taking part in pagoPA, by card, bank account or CBILL.',
    territory:
      'In person: at banks, ATMs, post offices, lottery outlets, tobacconists and participating ' +
      'supermarkets, in cash, by card or bank account.',
    channels: 'Up-to-date list of payment channels: www.pagopa.gov.it',
    cutHint: 'Use the part of the notice for the instalment you want to pay.',
    bankTitle: 'Banks and other channels',
    singleInstalment: 'Single payment',
    instalment: (index, count) => `Instalment ${index} of ${count}`,
    qrHint:
      'Scan the QR code with the app of your payment channel, or enter the notice number and the ' +
      'fiscal code of the creditor.',
    recipient: 'Addressee',
    amount: 'Amount',
    subject: 'Subject of the payment',
    noticeNumber: 'Notice number',
    creditorFiscalCode: 'Fiscal code of the creditor',
    postalTitle: 'PA postal payment slip',
    postalHint:
      'Payable at every post office and on the enabled physical and digital channels of Poste Italiane ' +
      'and of the creditor.',
    postalAccount: 'Postal current account no.',
    holder: 'Account holder',
    documentType: 'Type',
    authorization: 'Authorisation',
    emblemAlt: (name) => `Coat of arms: ${name}`,
    qrAlt: (notice, amount) => `pagoPA QR code of notice ${notice}, amount ${amount}`,
    dataMatrixAlt: (notice, amount) => `Poste Italiane DataMatrix code of notice ${notice}, amount ${amount}`,
  },
};
