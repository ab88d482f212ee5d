// The SAD console's service figures: certificates issued by each comune of the aggregation per month, type
// and channel (online or at the counter), with how many were exempt from stamp duty; for a range of months
// and optionally one comune, on the page or as CSV.
import type { FastifyInstance } from 'fastify';
import { todayInRome } from '../../platform/dates.ts';
import type { Db } from '../../platform/db/database.ts';
import { AppError } from '../../platform/errors.ts';
import { csvDocument, sendCsv } from '../../platform/http/csv.ts';
import type { PageContext } from '../../platform/layout/context.ts';
import { ErrorSummary, Field, SelectField } from '../../platform/layout/forms.tsx';
import { Layout, sendPage } from '../../platform/layout/Layout.tsx';
import { type CertificateType, certificateFigures, type EnteFigures } from '../certificates/index.ts';
import { displayName } from '../tenancy/index.ts';
import * as service from './sad.service.ts';

interface FiguresForm {
  dal: string;
  al: string;
  ente: string;
}

/** The last twelve months, as months in Italy (the figures count by the month in Europe/Rome). */
function defaultRange(): { dal: string; al: string } {
  const al = todayInRome().slice(0, 7);
  const [year, month] = al.split('-').map(Number) as [number, number];
  const first = new Date(Date.UTC(year, month - 12, 1)).toISOString().slice(0, 7);
  return { dal: first, al };
}
function FiguresPage(props: {
  ctx: PageContext;
  scope: service.SadScope;
  form: FiguresForm;
  errors: Partial<Record<keyof FiguresForm, string>>;
  figures: EnteFigures[];
}) {
  const { ctx, scope, form, errors, figures } = props;
  const { t } = ctx;
  const name = (enteId: string) => displayName(scope.enti.get(enteId)!);
  const rows = figures.flatMap((f) => f.rows.map((r) => ({ ...r, enteId: f.enteId })));
  const total = rows.reduce((sum, r) => sum + r.issued, 0);
  const query = new URLSearchParams({
    dal: form.dal,
    al: form.al,
    ...(form.ente ? { ente: form.ente } : {}),
  });
  const summary = Object.entries(errors).map(([field, message]) => ({ field, message: message! }));
  return (
    <Layout
      ctx={ctx}
      brand={null}
      title={t('sad.figures.title')}
      breadcrumbs={[{ label: t('sad.title'), href: '/sad' }, { label: t('sad.figures.title') }]}
    >
      <h1 class="mt-4 mb-3">{t('sad.figures.title')}</h1>
      <p>{t('sad.figures.lead')}</p>
      <ErrorSummary title={t('certs.form.errors')} errors={summary} />
      <form method="get" action="/sad/certificati" class="mb-4" novalidate>
        <div class="row">
          <div class="col-md-3">
            <Field
              name="dal"
              label={t('sad.figures.from')}
              type="month"
              value={form.dal}
              error={errors.dal}
            />
          </div>
          <div class="col-md-3">
            <Field name="al" label={t('sad.figures.to')} type="month" value={form.al} error={errors.al} />
          </div>
          <div class="col-md-6">
            <SelectField
              name="ente"
              label={t('sad.figures.ente')}
              value={form.ente}
              options={[
                { value: '', label: t('sad.figures.allEnti') },
                ...[...scope.enti.values()].map((e) => ({ value: e.slug, label: displayName(e) })),
              ]}
            />
          </div>
        </div>
        <button type="submit" class="btn btn-outline-primary">
          {t('counter.filter')}
        </button>{' '}
        <a
          class="btn btn-outline-secondary"
          href={`/sad/certificati?${query}&formato=csv`}
          data-download="csv"
        >
          {t('sad.figures.csv')}
        </a>
      </form>
      <p aria-live="polite" data-total={total}>
        {t('sad.figures.total', { n: total })}
      </p>
      {rows.length > 0 && (
        <div class="table-responsive">
          <table class="table table-sm" data-figures>
            <caption class="visually-hidden">{t('sad.figures.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('sad.figures.ente')}</th>
                <th scope="col">{t('sad.figures.month')}</th>
                <th scope="col">{t('certs.col.type')}</th>
                <th scope="col">{t('certs.col.channel')}</th>
                <th scope="col" class="text-end">
                  {t('sad.figures.issued')}
                </th>
                <th scope="col" class="text-end">
                  {t('sad.figures.exempt')}
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr>
                  <td>{name(r.enteId)}</td>
                  <td class="text-nowrap">{r.month}</td>
                  <td>{t(`certs.type.${r.type}`)}</td>
                  <td>{t(`counter.channel.${r.channel}`)}</td>
                  <td class="text-end">{r.issued}</td>
                  <td class="text-end">{r.exempt}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Layout>
  );
}

export function sadFiguresPages(app: FastifyInstance, deps: { db: Db }) {
  app.get('/sad/certificati', { schema: { hide: true } }, async (request, reply) => {
    const scope = await service.scopeOf(deps.db, request.principal);
    const query = request.query as Record<string, unknown>;
    const fallback = defaultRange();
    const form: FiguresForm = {
      dal: String(query.dal ?? fallback.dal).slice(0, 7),
      al: String(query.al ?? fallback.al).slice(0, 7),
      ente: String(query.ente ?? '').slice(0, 63),
    };
    const chosen = [...scope.enti.values()].filter((e) => !form.ente || e.slug === form.ente);
    let figures: EnteFigures[] = [];
    let errors: Partial<Record<keyof FiguresForm, string>> = {};
    try {
      figures = await certificateFigures(
        deps.db,
        chosen.map((e) => e.id),
        { from: form.dal, to: form.al },
      );
    } catch (error) {
      if (!(error instanceof AppError) || error.code !== 'VALIDATION_FAILED') throw error;
      const fields = { from: 'dal', to: 'al' } as const;
      errors = Object.fromEntries(
        error.fields.map((f) => [fields[f.field as 'from' | 'to'], request.t('sad.figures.badMonth')]),
      );
    }
    if (query.formato === 'csv' && Object.keys(errors).length === 0) {
      const rows = figures.flatMap((f) =>
        f.rows.map((r) => [
          displayName(scope.enti.get(f.enteId)!),
          scope.enti.get(f.enteId)!.istatCode ?? '',
          r.month,
          r.type as CertificateType,
          r.channel,
          r.issued,
          r.exempt,
        ]),
      );
      const header = ['ente', 'codice_istat', 'mese', 'tipo', 'canale', 'rilasciati', 'esenti'];
      return sendCsv(reply, csvDocument(header, rows), `certificati-${form.dal}-${form.al}.csv`);
    }
    return sendPage(
      reply,
      <FiguresPage ctx={request.pageContext()} scope={scope} form={form} errors={errors} figures={figures} />,
      Object.keys(errors).length > 0 ? 400 : 200,
    );
  });
}
