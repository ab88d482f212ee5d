// The parts of the pages every file import shares (payments positions, registry records), inside each
// module's own frame: the upload form, the recent uploads, an upload's state (its progress, no automatic
// refresh: a link reloads it) and its counts per outcome. What differs comes from the module: what a row
// is called in the progress line, what uploading the same file again does, its own columns.
import type { ComponentChildren } from 'preact';
import { formatDate, formatNumber, type MessageKey } from '../i18n/index.ts';
import type { PageContext } from '../layout/context.ts';
import { CsrfField, ErrorSummary, FileField } from '../layout/forms.tsx';
import type { ImportSummary } from './import-jobs.repo.ts';

type Summary = ImportSummary<'queued' | 'error'>;

export const progressOf = (i: Summary) => {
  const done = i.rowsTotal - i.counts.queued;
  return { done, percent: i.rowsTotal > 0 ? Math.floor((done * 100) / i.rowsTotal) : 100 };
};

/** The module's progress line, e.g. "{done} righe elaborate su {total} ({percent}%)". */
export type ProgressText = (values: { done: string; total: string; percent: number }) => string;

function Progress({ ctx, item, text }: { ctx: PageContext; item: Summary; text: ProgressText }) {
  const { done, percent } = progressOf(item);
  const n = (value: number) => formatNumber(ctx.lang, value);
  return <span>{text({ done: n(done), total: n(item.rowsTotal), percent })}</span>;
}

const statusText = (ctx: PageContext, item: Summary) => ctx.t(`imports.status.${item.status}` as MessageKey);

export function UploadForm(props: {
  ctx: PageContext;
  action: string;
  csrf: string;
  error: string | null;
  label: string;
  hint: ComponentChildren;
  accept: string;
}) {
  const { ctx, error } = props;
  return (
    <>
      <ErrorSummary title={ctx.t('admin.errors')} errors={error ? [{ field: 'file', message: error }] : []} />
      <form method="post" action={props.action} enctype="multipart/form-data" novalidate>
        <CsrfField token={props.csrf} />
        <FileField name="file" label={props.label} hint={props.hint} accept={props.accept} error={error} />
        <button type="submit" class="btn btn-primary mt-4">
          {ctx.t('imports.upload')}
        </button>
      </form>
    </>
  );
}

/** The recent uploads, each linked to its page; `outcome` adds a column of the module's. */
export function RecentImports<S extends Summary>(props: {
  ctx: PageContext;
  base: string;
  imports: S[];
  progress: ProgressText;
  outcome?: (item: S) => ComponentChildren;
}) {
  const { ctx, base, outcome } = props;
  const { t, lang } = ctx;
  return (
    <>
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
                  {statusText(ctx, i)} · <Progress ctx={ctx} item={i} text={props.progress} />
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
 * An upload's state: a note when the same file was uploaded before (`sameFile`: what that means, in the
 * module's words), its status and progress bar, a link that reloads the page until it is done, and its
 * counts per outcome.
 */
export function ImportState<S extends Summary>(props: {
  ctx: PageContext;
  item: S;
  here: string;
  progress: ProgressText;
  sameFile: string | null;
  counts: readonly (readonly [keyof S['counts'] & string, string])[];
}) {
  const { ctx, item } = props;
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
          {statusText(ctx, item)}: <Progress ctx={ctx} item={item} text={props.progress} />
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
    </>
  );
}

/** The link to an upload's full error report (CSV) and, when the page shows only the first, a note. */
export function ErrorReportLink(props: { ctx: PageContext; here: string; shown: number; total: number }) {
  const { t } = props.ctx;
  return (
    <>
      <p>
        <a href={`${props.here}/errori.csv`} download>
          {t('imports.errorReport')}
        </a>
      </p>
      {props.total > props.shown && <p>{t('imports.errorsTruncated', { shown: props.shown })}</p>}
    </>
  );
}
