// The bodies of the pages every file import has (payments positions, registry records), inside each
// module's own frame: the imports page (the module's lead, the upload form, the recent uploads) and an
// upload's page (its state, its progress — no automatic refresh: a link reloads it —, its counts per
// outcome, its rows in error). What differs comes from the module: what a row is called in the progress
// line, what uploading the same file again does, its counts and its own error columns.
import type { ComponentChildren } from 'preact';
import { formatDate, formatNumber, type MessageKey } from '../i18n/index.ts';
import type { PageContext } from '../layout/context.ts';
import { CsrfField, ErrorSummary, Field } from '../layout/forms.tsx';
import type { ImportSummary } from './import-jobs.repo.ts';

type Summary = ImportSummary<'queued' | 'error'>;

const progressOf = (i: Summary) => {
  const done = i.rowsTotal - i.counts.queued;
  return { done, percent: i.rowsTotal > 0 ? Math.floor((done * 100) / i.rowsTotal) : 100 };
};

/** The module's progress line, e.g. "{done} righe elaborate su {total} ({percent}%)". */
export type ProgressText = (values: { done: string; total: string; percent: number }) => string;

function Status({ ctx, item, progress }: { ctx: PageContext; item: Summary; progress: ProgressText }) {
  const { done, percent } = progressOf(item);
  const n = (value: number) => formatNumber(ctx.lang, value);
  return (
    <>
      {ctx.t(`imports.status.${item.status}` as MessageKey)} ·{' '}
      <span>{progress({ done: n(done), total: n(item.rowsTotal), percent })}</span>
    </>
  );
}

/**
 * The imports page: the lead, the upload form (the hint ends with the template's link) with a refused
 * upload's reason, the recent uploads each linked to its page; `outcome` adds a column of the module's.
 */
export function ImportsOverview<S extends Summary>(props: {
  ctx: PageContext;
  base: string;
  csrf: string;
  error: string | null;
  texts: { lead: string; label: string; hint: string; template: string };
  accept: string;
  imports: S[];
  progress: ProgressText;
  outcome?: (item: S) => ComponentChildren;
}) {
  const { ctx, base, error, texts, outcome } = props;
  const { t, lang } = ctx;
  return (
    <>
      <p>{texts.lead}</p>
      <ErrorSummary title={t('admin.errors')} errors={error ? [{ field: 'file', message: error }] : []} />
      <form method="post" action={base} enctype="multipart/form-data" novalidate>
        <CsrfField token={props.csrf} />
        <Field
          type="file"
          name="file"
          label={texts.label}
          hint={
            <>
              {texts.hint} <a href={`${base}/modello.csv`}>{texts.template}</a>
            </>
          }
          accept={props.accept}
          error={error}
        />
        <button type="submit" class="btn btn-primary mt-4">
          {t('imports.upload')}
        </button>
      </form>
      <h2 class="h4 mt-5">{t('imports.recent')}</h2>
      {props.imports.length === 0 && <p>{t('imports.none')}</p>}
      {props.imports.length > 0 && (
        <table class="table" data-imports>
          <caption class="visually-hidden">{t('imports.recent')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('imports.fileName')}</th>
              <th scope="col">{t('imports.startedAt')}</th>
              <th scope="col">{t('imports.state')}</th>
              {outcome && <th scope="col">{t('imports.outcome')}</th>}
            </tr>
          </thead>
          <tbody>
            {props.imports.map((i) => (
              <tr data-import={i.id}>
                <td>
                  <a href={`${base}/${i.id}`}>{i.fileName}</a>
                </td>
                <td>{formatDate(lang, i.createdAt, 'moment')}</td>
                <td>
                  <Status ctx={ctx} item={i} progress={props.progress} />
                </td>
                {outcome && <td>{outcome(i)}</td>}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

/**
 * An upload's page: a note when the same file was uploaded before (`sameFile`, in the module's words),
 * its status and progress bar, a link that reloads the page until it is done, its counts per outcome;
 * then its rows in error (the first ones: the CSV report, linked, has them all), one line per problem
 * with the row, the module's own columns, the column and the problem.
 */
export function ImportDetail<S extends Summary, E extends { issues: readonly { field: string }[] }>(props: {
  ctx: PageContext;
  item: S;
  here: string;
  progress: ProgressText;
  sameFile: string | null;
  counts: readonly (readonly [keyof S['counts'] & string, string])[];
  errors: E[];
  caption: string;
  /** "The first {shown} rows with errors are shown…", in the module's words. */
  truncated: (shown: number) => string;
  row: (e: E) => string | number;
  columns: readonly { header: string; cell: (e: E) => ComponentChildren }[];
  issueText: (issue: E['issues'][number]) => string;
}) {
  const { ctx, item, errors, columns, row } = props;
  const { t, lang } = ctx;
  const { done, percent } = progressOf(item);
  return (
    <>
      {props.sameFile && (
        <div class="alert alert-info" role="note">
          {props.sameFile}
        </div>
      )}
      <div role="status" data-import-status={item.status} data-percent={percent}>
        <p class="mb-1">
          <Status ctx={ctx} item={item} progress={props.progress} />
        </p>
        <progress class="w-100" max={item.rowsTotal} value={done} aria-label={t('imports.progressLabel')}>
          {`${percent}%`}
        </progress>
      </div>
      {item.status !== 'done' && (
        <p>
          <a class="btn btn-outline-primary" href={props.here} data-reload>
            {t('imports.reload')}
          </a>
        </p>
      )}
      <dl class="row mt-3">
        {props.counts.map(([outcome, label]) => (
          <>
            <dt class="col-sm-4">{label}</dt>
            <dd class="col-sm-8" data-count={outcome}>
              {formatNumber(lang, (item.counts as Record<string, number>)[outcome] ?? 0)}
            </dd>
          </>
        ))}
      </dl>
      {errors.length > 0 && (
        <>
          <p>
            <a href={`${props.here}/errori.csv`} download>
              {t('imports.errorReport')}
            </a>
          </p>
          {item.counts.error > errors.length && <p>{props.truncated(errors.length)}</p>}
          <table class="table" data-row-errors>
            <caption>{props.caption}</caption>
            <thead>
              <tr>
                <th scope="col">{t('imports.row')}</th>
                {columns.map((c) => (
                  <th scope="col">{c.header}</th>
                ))}
                <th scope="col">{t('imports.column')}</th>
                <th scope="col">{t('imports.problem')}</th>
              </tr>
            </thead>
            <tbody>
              {errors.flatMap((e) =>
                e.issues.map((issue) => (
                  <tr data-row={row(e)}>
                    <td>{row(e)}</td>
                    {columns.map((c) => (
                      <td>{c.cell(e)}</td>
                    ))}
                    <td>{issue.field}</td>
                    <td>{props.issueText(issue)}</td>
                  </tr>
                )),
              )}
            </tbody>
          </table>
        </>
      )}
    </>
  );
}
