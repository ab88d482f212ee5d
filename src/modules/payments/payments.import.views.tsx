// Views of the CSV import, from the parts every import shares (platform/imports): the upload form with
// the format in brief and the recent imports, and one import's progress with its rows in error.
import type { Translate } from '../../platform/i18n/index.ts';
import {
  ErrorReportLink,
  ImportState,
  type ProgressText,
  RecentImports,
  UploadForm,
} from '../../platform/imports/import-views.tsx';
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
  const base = importsBase(brand);
  return (
    <BackofficeFrame ctx={ctx} brand={brand} title={t('payments.bo.tab.imports')} tab="imports">
      <p>{t('payments.import.lead')}</p>
      <UploadForm
        ctx={ctx}
        action={base}
        csrf={props.csrf}
        error={props.error}
        label={t('payments.import.file')}
        hint={
          <>
            {t('payments.import.hint')} <a href={`${base}/modello.csv`}>{t('payments.import.template')}</a>
          </>
        }
        accept=".csv,text/csv"
      />
      <RecentImports ctx={ctx} base={base} imports={props.imports} progress={progress(ctx)} />
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
  const { ctx, brand, item, errors } = props;
  const { t, lang } = ctx;
  const here = `${importsBase(brand)}/${item.id}`;
  return (
    <BackofficeFrame ctx={ctx} brand={brand} title={item.fileName} tab="imports" sub>
      <ImportState
        ctx={ctx}
        item={item}
        here={here}
        progress={progress(ctx)}
        sameFile={props.earlier && t('payments.import.sameFile', { when: instant(lang, props.earlier) })}
        counts={COUNTS.map(([outcome, label]) => [outcome, t(label)] as const)}
      />
      {errors.length > 0 && (
        <>
          <ErrorReportLink ctx={ctx} here={here} shown={errors.length} total={item.counts.error} />
          <table class="table" data-row-errors>
            <caption>{t('payments.import.errors')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('imports.row')}</th>
                <th scope="col">IUPD</th>
                <th scope="col">{t('imports.column')}</th>
                <th scope="col">{t('imports.problem')}</th>
              </tr>
            </thead>
            <tbody>
              {errors.flatMap((e) =>
                e.issues.map((issue) => (
                  <tr data-row={e.rowNumber}>
                    <td>{e.rowNumber}</td>
                    <td>{e.iupd}</td>
                    <td>{issue.field}</td>
                    <td>{issueText(t, issue)}</td>
                  </tr>
                )),
              )}
            </tbody>
          </table>
        </>
      )}
    </BackofficeFrame>
  );
}
