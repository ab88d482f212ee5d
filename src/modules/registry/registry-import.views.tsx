// Views of the registry import: the upload form with the recent imports, and one import's progress (no
// automatic refresh: a link reloads it, as for the payments import) with its records in error.
import {
  formatDate,
  formatNumber,
  type Lang,
  type MessageKey,
  type Translate,
} from '../../platform/i18n/index.ts';
import type { PageContext, PortalBrand } from '../../platform/layout/context.ts';
import { CsrfField, ErrorSummary, FileField } from '../../platform/layout/forms.tsx';
import { RegistryFrame, registryBase } from './registry.backoffice-frame.tsx';
import { issueText, keyText } from './registry-import.report.ts';
import type { ImportSummary, RowError } from './registry-import.ts';

export const importsBase = (brand: PortalBrand) => `${registryBase(brand)}/importazioni`;
/** Errors listed on the page; the CSV report has them all. */
export const ERRORS_ON_PAGE = 500;

const when = (lang: Lang, at: Date) => formatDate(lang, at, 'moment');

export const progressOf = (i: ImportSummary) => {
  const done = i.rowsTotal - i.counts.queued;
  return { done, percent: i.rowsTotal > 0 ? Math.floor((done * 100) / i.rowsTotal) : 100 };
};

function Progress({ ctx, item }: { ctx: PageContext; item: ImportSummary }) {
  const { done, percent } = progressOf(item);
  const n = (value: number) => formatNumber(ctx.lang, value);
  return (
    <span>{ctx.t('registry.import.progress', { done: n(done), total: n(item.rowsTotal), percent })}</span>
  );
}

const statusText = (t: Translate, item: ImportSummary) =>
  t(`registry.import.status.${item.status}` as MessageKey);

export function ImportsPage(props: {
  ctx: PageContext;
  brand: PortalBrand;
  imports: ImportSummary[];
  csrf: string;
  error: string | null;
}) {
  const { ctx, brand, error } = props;
  const { t, lang } = ctx;
  const base = importsBase(brand);
  return (
    <RegistryFrame ctx={ctx} brand={brand} title={t('registry.bo.tab.imports')} tab="imports">
      <p>{t('registry.import.lead')}</p>
      <ErrorSummary title={t('admin.errors')} errors={error ? [{ field: 'file', message: error }] : []} />
      <form method="post" action={base} enctype="multipart/form-data" novalidate>
        <CsrfField token={props.csrf} />
        <FileField
          name="file"
          label={t('registry.import.file')}
          hint={
            <>
              {t('registry.import.hint')} <a href={`${base}/modello.csv`}>{t('registry.import.template')}</a>
            </>
          }
          accept=".csv,.json,text/csv,application/json"
          error={error}
        />
        <button type="submit" class="btn btn-primary mt-4">
          {t('registry.import.upload')}
        </button>
      </form>
      <h2 class="h4 mt-5">{t('registry.import.recent')}</h2>
      {props.imports.length === 0 && <p>{t('registry.import.none')}</p>}
      {props.imports.length > 0 && (
        <table class="table" data-imports>
          <caption class="visually-hidden">{t('registry.import.recent')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('registry.import.fileName')}</th>
              <th scope="col">{t('registry.import.startedAt')}</th>
              <th scope="col">{t('registry.import.state')}</th>
              <th scope="col">{t('registry.import.outcome')}</th>
            </tr>
          </thead>
          <tbody>
            {props.imports.map((i) => (
              <tr data-import={i.id}>
                <td>
                  <a href={`${base}/${i.id}`}>{i.fileName}</a>
                </td>
                <td>{when(lang, i.createdAt)}</td>
                <td>
                  {statusText(t, i)} · <Progress ctx={ctx} item={i} />
                </td>
                <td>
                  {t('registry.import.counts', {
                    created: i.counts.created,
                    updated: i.counts.updated,
                    unchanged: i.counts.unchanged,
                    errors: i.counts.error,
                  })}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
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
  const { done, percent } = progressOf(item);
  return (
    <RegistryFrame ctx={ctx} brand={brand} title={item.fileName} tab="imports" sub>
      {props.earlier && (
        <div class="alert alert-info" role="note">
          {t('registry.import.sameFile', { when: when(lang, props.earlier) })}
        </div>
      )}
      <div role="status" data-import-status={item.status} data-percent={percent}>
        <p class="mb-1">
          {statusText(t, item)}: <Progress ctx={ctx} item={item} />
        </p>
        <progress
          class="w-100"
          max={item.rowsTotal}
          value={done}
          aria-label={t('registry.import.progressLabel')}
        >
          {`${percent}%`}
        </progress>
      </div>
      {item.status !== 'done' && (
        <p>
          <a class="btn btn-outline-primary" href={here} data-reload>
            {t('registry.import.reload')}
          </a>
        </p>
      )}
      <dl class="row mt-3">
        {COUNTS.map(([outcome, label]) => (
          <>
            <dt class="col-sm-4">{t(label)}</dt>
            <dd class="col-sm-8" data-count={outcome}>
              {formatNumber(lang, item.counts[outcome])}
            </dd>
          </>
        ))}
      </dl>
      {errors.length > 0 && (
        <>
          <p>
            <a href={`${here}/errori.csv`} download>
              {t('registry.import.errorReport')}
            </a>
          </p>
          {item.counts.error > errors.length && (
            <p>{t('registry.import.errorsTruncated', { shown: errors.length })}</p>
          )}
          <table class="table" data-row-errors>
            <caption>{t('registry.import.errors')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('registry.import.row')}</th>
                <th scope="col">{t('registry.import.kind')}</th>
                <th scope="col">{t('registry.import.key')}</th>
                <th scope="col">{t('registry.import.column')}</th>
                <th scope="col">{t('registry.import.problem')}</th>
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
