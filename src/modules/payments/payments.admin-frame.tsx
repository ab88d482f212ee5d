// The frame of the ente admin's payments pages (/{slug}/admin/pagamenti…): the ente resolved from the
// path, the policy check (its ente admin, or an admin of its SAD), the page with the ente's brand, and
// field errors as page messages.
import { can } from '../../platform/auth/policy.ts';
import type { MessageKey, Translate } from '../../platform/i18n/index.ts';
import { type EnteDirectory, EnteFrame, type EnteWithSad, enteScope } from '../tenancy/index.ts';
import type { FieldIssue, Rule } from './payments.rules.ts';

export type Errors = Partial<Record<string, MessageKey>>;
export type Found = EnteWithSad;

const RULE_KEYS: Partial<Record<Rule, MessageKey>> = {
  required: 'validation.required',
  tooLong: 'validation.tooLong',
  enteFiscalCode: 'validation.fiscalCode',
  segregationCode: 'payments.rule.segregationCode',
  iban: 'payments.rule.iban',
  postalAccount: 'payments.rule.postalAccount',
  cbill: 'payments.rule.cbill',
  stationId: 'payments.rule.stationId',
  gpdKey: 'payments.rule.gpdKey',
  itemCode: 'payments.rule.itemCode',
  itemKind: 'payments.rule.itemKind',
  amount: 'payments.rule.amount',
  taxonomy: 'payments.rule.taxonomy',
};

/** Field issues as page messages, one per field. */
export const pageErrors = (issues: FieldIssue[]): Errors =>
  Object.fromEntries(issues.map((i) => [i.field, RULE_KEYS[i.rule] ?? 'validation.required']));

export const errorSummary = (t: Translate, errors: Errors) =>
  Object.entries(errors).map(([field, key]) => ({ field, message: t(key!) }));

/** Who may manage the ente's payments: its ente admin, or an admin of its SAD. */
export const paymentsAdminScope = (directory: EnteDirectory) =>
  enteScope(directory, (principal, ente) => can(principal, 'payments.manage', ente));

export const PaymentsFrame = EnteFrame;

export { sendPage } from '../../platform/layout/Layout.tsx';

export const Notice = ({ text }: { text: string }) => (
  <div class="alert alert-success" role="status">
    {text}
  </div>
);
