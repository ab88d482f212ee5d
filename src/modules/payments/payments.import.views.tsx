// Views of the CSV import: the upload form with the format in brief and the recent imports, and one
// import's progress (no automatic refresh: a link reloads it) with its rows in error.
import type { Translate } from '../../platform/i18n/index.ts';
import type { PageContext, PortalBrand } from '../../platform/layout/context.ts';
import { CsrfField, FileField } from '../../platform/layout/forms.tsx';
import type { ImportSummary, RowError } from './import.repo.ts';
import type { RowIssue } from './import-rows.ts';
import { BackofficeFrame, backofficeBase } from './payments.backoffice-frame.tsx';
import { instant } from './payments.present.ts';

export const importsBase = (brand: PortalBrand) => `${backofficeBase(brand)}/importazioni`;

export const issueText = (t: Translate, issue: RowIssue) =>
  t(`payments.import.rule.${issue.rule}` as 'payments.import.rule.required');

export const progressOf = (i: ImportSummary) => {
  const done = i.rowsTotal - i.counts.queued;
  return { done, percent: i.rowsTotal > 0 ? Math.floor((done * 100) / i.rowsTotal) : 100 };
};

function Progress({ ctx, item }: { ctx: PageContext; item: ImportSummary }) {
  const { done, percent } = progressOf(item);
  return <span>{ctx.t('payments.import.progress', { done, total: item.rowsTotal, percent })}</span>;
}

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
    <BackofficeFrame ctx={ctx} brand={brand} title={t('payments.bo.tab.imports')} tab="imports">
      <p>{t('payments.import.lead')}</p>
      {error && (
        <div class="alert alert-danger" role="alert" id="error-summary" tabIndex={-1}>
          <p class="mb-1">{t('admin.errors')}</p>
          <a href="#file">{error}</a>
        </div>
      )}
      <form method="post" action={base} enctype="multipart/form-data" novalidate>
        <CsrfField token={props.csrf} />
        <FileField
          name="file"
          label={t('payments.import.file')}
          hint={
            <>
              {t('payments.import.hint')} <a href={`${base}/modello.csv`}>{t('payments.import.template')}</a>
            </>
          }
          accept=".csv,text/csv"
          error={error}
        />
        <button type="submit" class="btn btn-primary mt-4">
          {t('payments.import.upload')}
        </button>
      </form>
      <h2 class="h4 mt-5">{t('payments.import.recent')}</h2>
      {props.imports.length === 0 && <p>{t('payments.import.none')}</p>}
      {props.imports.length > 0 && (
        <table class="table" data-imports>
          <caption class="visually-hidden">{t('payments.import.recent')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('payments.import.fileName')}</th>
              <th scope="col">{t('payments.bo.createdAt')}</th>
              <th scope="col">{t('payments.col.status')}</th>
            </tr>
          </thead>
          <tbody>
            {props.imports.map((i) => (
              <tr>
                <td>
                  <a href={`${base}/${i.id}`}>{i.fileName}</a>
                </td>
                <td>{instant(lang, i.createdAt)}</td>
                <td>
                  {t(`payments.import.status.${i.status}` as 'payments.import.status.done')} ·{' '}
                  <Progress ctx={ctx} item={i} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
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
  const here = `${importsBase(brand)}/${item.id}`;
  const { done, percent } = progressOf(item);
  const finished = item.status === 'done';
  return (
    <BackofficeFrame ctx={ctx} brand={brand} title={item.fileName} tab="imports" sub>
      {props.earlier && (
        <div class="alert alert-info" role="note">
          {t('payments.import.sameFile', { when: instant(lang, props.earlier) })}
        </div>
      )}
      <div role="status" data-import-status={item.status} data-percent={percent}>
        <p class="mb-1">
          {t(`payments.import.status.${item.status}` as 'payments.import.status.done')}:{' '}
          <Progress ctx={ctx} item={item} />
        </p>
        <progress
          class="w-100"
          max={item.rowsTotal}
          value={done}
          aria-label={t('payments.import.progressLabel')}
        >
          {`${percent}%`}
        </progress>
      </div>
      {!finished && (
        <p>
          <a class="btn btn-outline-primary" href={here} data-reload>
            {t('payments.outcome.reload')}
          </a>
        </p>
      )}
      <dl class="row mt-3">
        <dt class="col-sm-4">{t('payments.import.created')}</dt>
        <dd class="col-sm-8" data-count="created">
          {item.counts.created}
        </dd>
        <dt class="col-sm-4">{t('payments.import.skipped')}</dt>
        <dd class="col-sm-8" data-count="skipped">
          {item.counts.skipped}
        </dd>
        <dt class="col-sm-4">{t('payments.import.failed')}</dt>
        <dd class="col-sm-8" data-count="error">
          {item.counts.error}
        </dd>
      </dl>
      {props.errors.length > 0 && (
        <>
          <p>
            <a href={`${here}/errori.csv`}>{t('payments.import.errorReport')}</a>
          </p>
          <table class="table" data-row-errors>
            <caption>{t('payments.import.errors')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('payments.import.row')}</th>
                <th scope="col">IUPD</th>
                <th scope="col">{t('payments.import.column')}</th>
                <th scope="col">{t('payments.import.problem')}</th>
              </tr>
            </thead>
            <tbody>
              {props.errors.flatMap((e) =>
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
