// Views of the registry import, from the parts every import shares (platform/imports): the upload form
// with the recent imports, and one import's progress with its records in error.
import { formatDate } from '../../platform/i18n/index.ts';
import { ImportDetail, ImportsOverview, type ProgressText } from '../../platform/imports/import-views.tsx';
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
  return (
    <RegistryFrame ctx={ctx} brand={brand} title={t('registry.bo.tab.imports')} tab="imports">
      <ImportsOverview
        ctx={ctx}
        base={importsBase(brand)}
        csrf={props.csrf}
        error={props.error}
        texts={{
          lead: t('registry.import.lead'),
          label: t('registry.import.file'),
          hint: t('registry.import.hint'),
          template: t('registry.import.template'),
        }}
        accept=".csv,.json,text/csv,application/json"
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
  const { ctx, brand, item } = props;
  const { t, lang } = ctx;
  return (
    <RegistryFrame ctx={ctx} brand={brand} title={item.fileName} tab="imports" sub>
      <ImportDetail
        ctx={ctx}
        item={item}
        here={`${importsBase(brand)}/${item.id}`}
        progress={progress(ctx)}
        sameFile={
          props.earlier && t('registry.import.sameFile', { when: formatDate(lang, props.earlier, 'moment') })
        }
        counts={COUNTS.map(([outcome, label]) => [outcome, t(label)] as const)}
        errors={props.errors}
        caption={t('registry.import.errors')}
        truncated={(shown) => t('registry.import.errorsTruncated', { shown })}
        row={(e) => e.label}
        columns={[
          { header: t('registry.import.kind'), cell: (e) => e.kind },
          { header: t('registry.import.key'), cell: (e) => keyText(e) },
        ]}
        issueText={(issue) => issueText(t, issue)}
      />
    </RegistryFrame>
  );
}
