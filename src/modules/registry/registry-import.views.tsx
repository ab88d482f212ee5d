// Views of the registry import, from the parts every import shares (platform/imports): the upload form
// with the recent imports, and one import's progress with its records in error.
import { formatDate } from '../../platform/i18n/index.ts';
import {
  ErrorReportLink,
  ImportState,
  type ProgressText,
  RecentImports,
  UploadForm,
} from '../../platform/imports/import-views.tsx';
import type { PageContext, PortalBrand } from '../../platform/layout/context.ts';
import { RegistryFrame, registryBase } from './registry.backoffice-frame.tsx';
import { issueText, keyText } from './registry-import.report.ts';
import type { ImportSummary, RowError } from './registry-import.ts';

export const importsBase = (brand: PortalBrand) => `${registryBase(brand)}/importazioni`;
/** Errors listed on the page; the CSV report has them all. */
export const ERRORS_ON_PAGE = 500;

const progress =
  (ctx: PageContext): ProgressText =>
  (values) =>
    ctx.t('registry.import.progress', values);

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
    <RegistryFrame ctx={ctx} brand={brand} title={t('registry.bo.tab.imports')} tab="imports">
      <p>{t('registry.import.lead')}</p>
      <UploadForm
        ctx={ctx}
        action={base}
        csrf={props.csrf}
        error={props.error}
        label={t('registry.import.file')}
        hint={
          <>
            {t('registry.import.hint')} <a href={`${base}/modello.csv`}>{t('registry.import.template')}</a>
          </>
        }
        accept=".csv,.json,text/csv,application/json"
      />
      <RecentImports
        ctx={ctx}
        base={base}
        imports={props.imports}
        progress={progress(ctx)}
        outcome={(i) =>
          t('registry.import.counts', {
            created: i.counts.created,
            updated: i.counts.updated,
            unchanged: i.counts.unchanged,
            errors: i.counts.error,
          })
        }
      />
    </RegistryFrame>
  );
}

const COUNTS = [
  ['created', 'registry.import.created'],
  ['updated', 'registry.import.updated'],
  ['unchanged', 'registry.import.unchanged'],
  ['error', 'registry.import.failed'],
] as const;

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
    <RegistryFrame ctx={ctx} brand={brand} title={item.fileName} tab="imports" sub>
      <ImportState
        ctx={ctx}
        item={item}
        here={here}
        progress={progress(ctx)}
        sameFile={
          props.earlier && t('registry.import.sameFile', { when: formatDate(lang, props.earlier, 'moment') })
        }
        counts={COUNTS.map(([outcome, label]) => [outcome, t(label)] as const)}
      />
      {errors.length > 0 && (
        <>
          <ErrorReportLink ctx={ctx} here={here} shown={errors.length} total={item.counts.error} />
          <table class="table" data-row-errors>
            <caption>{t('registry.import.errors')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('imports.row')}</th>
                <th scope="col">{t('registry.import.kind')}</th>
                <th scope="col">{t('registry.import.key')}</th>
                <th scope="col">{t('imports.column')}</th>
                <th scope="col">{t('imports.problem')}</th>
              </tr>
            </thead>
            <tbody>
              {errors.flatMap((e) =>
                e.issues.map((issue) => (
                  <tr data-row={e.label}>
                    <td>{e.label}</td>
                    <td>{e.kind}</td>
                    <td>{keyText(e)}</td>
                    <td>{issue.field}</td>
                    <td>{issueText(t, issue)}</td>
                  </tr>
                )),
              )}
            </tbody>
          </table>
        </>
      )}
    </RegistryFrame>
  );
}
