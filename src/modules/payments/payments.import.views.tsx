// Views of the CSV import, from the parts every import shares (platform/imports): the upload form with
// the format in brief and the recent imports, and one import's progress with its rows in error.
import type { Translate } from '../../platform/i18n/index.ts';
import { ImportDetail, ImportsOverview, type ProgressText } from '../../platform/imports/import-views.tsx';
import type { PageContext, PortalBrand } from '../../platform/layout/context.ts';
import type { ImportSummary, RowError } from './import.repo.ts';
import type { RowIssue } from './import-rows.ts';
import { BackofficeFrame, backofficeBase } from './payments.backoffice-frame.tsx';
import { instant } from './payments.present.ts';

export const importsBase = (brand: PortalBrand) => `${backofficeBase(brand)}/importazioni`;

export const issueText = (t: Translate, issue: RowIssue) =>
  t(`payments.import.rule.${issue.rule}` as 'payments.import.rule.required');

const progress =
  (ctx: PageContext): ProgressText =>
  (values) =>
    ctx.t('payments.import.progress', values);

const COUNTS = [
  ['created', 'payments.import.created'],
  ['skipped', 'payments.import.skipped'],
  ['error', 'payments.import.failed'],
] as const;

export function ImportsPage(props: {
  ctx: PageContext;
  brand: PortalBrand;
  imports: ImportSummary[];
  csrf: string;
  error: string | null;
}) {
  const { ctx, brand } = props;
  const { t } = ctx;
  return (
    <BackofficeFrame ctx={ctx} brand={brand} title={t('payments.bo.tab.imports')} tab="imports">
      <ImportsOverview
        ctx={ctx}
        base={importsBase(brand)}
        csrf={props.csrf}
        error={props.error}
        texts={{
          lead: t('payments.import.lead'),
          label: t('payments.import.file'),
          hint: t('payments.import.hint'),
          template: t('payments.import.template'),
        }}
        accept=".csv,text/csv"
        imports={props.imports}
        progress={progress(ctx)}
      />
    </BackofficeFrame>
  );
}

export function ImportPage(props: {
  ctx: PageContext;
  brand: PortalBrand;
  item: ImportSummary;
  errors: RowError[];
  earlier: Date | null;
}) {
  const { ctx, brand, item } = props;
  const { t, lang } = ctx;
  return (
    <BackofficeFrame ctx={ctx} brand={brand} title={item.fileName} tab="imports" sub>
      <ImportDetail
        ctx={ctx}
        item={item}
        here={`${importsBase(brand)}/${item.id}`}
        progress={progress(ctx)}
        sameFile={props.earlier && t('payments.import.sameFile', { when: instant(lang, props.earlier) })}
        counts={COUNTS.map(([outcome, label]) => [outcome, t(label)] as const)}
        errors={props.errors}
        caption={t('payments.import.errors')}
        truncated={(shown) => t('payments.import.errorsTruncated', { shown })}
        row={(e) => e.rowNumber}
        columns={[{ header: 'IUPD', cell: (e) => e.iupd }]}
        issueText={(issue) => issueText(t, issue)}
      />
    </BackofficeFrame>
  );
}
