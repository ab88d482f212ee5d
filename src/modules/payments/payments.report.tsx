// The daily reconciliation report, /{slug}/backoffice/pagamenti/riconciliazione?giorno=YYYY-MM-DD (today
// in Italy by default), on a page and as CSV: receipts recorded and credited by item, receipts not
// credited, issues opened, positions paid and expired that day.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { todayInRome } from '../../platform/dates.ts';
import type { Db } from '../../platform/db/database.ts';
import { type Cell, csvAmount, csvDocument, sendCsv } from '../../platform/http/csv.ts';
import type { Translate } from '../../platform/i18n/index.ts';
import type { PageContext, PortalBrand } from '../../platform/layout/context.ts';
import { ErrorSummary, Field } from '../../platform/layout/forms.tsx';
import type { EnteDirectory } from '../tenancy/index.ts';
import { sendPage } from './payments.admin-frame.tsx';
import { BackofficeFrame, backofficeBase, backofficeScope } from './payments.backoffice-frame.tsx';
import { euro, day as formatDay } from './payments.present.ts';
import { isIsoDate } from './payments.rules.ts';
import { type DailyReport, dailyReport } from './report.ts';

const itemLabel = (t: Translate, code: string | null) => code ?? t('payments.report.noItem');
const resultLabel = (t: Translate, result: string) => t(`payments.result.${result}` as 'payments.result.ko');

/** The report as rows (section, label, count, amount): the page's tables and the CSV say the same. */
function reportRows(
  t: Translate,
  r: DailyReport,
): { section: string; label: string; count: number; cents: number | null }[] {
  return [
    {
      section: t('payments.report.receipts'),
      label: t('payments.report.recorded'),
      count: r.receipts.count,
      cents: r.receipts.creditedCents,
    },
    ...r.credited.map((c) => ({
      section: t('payments.report.credited'),
      label: itemLabel(t, c.itemCode),
      count: c.count,
      cents: c.totalCents,
    })),
    ...r.notCredited.map((c) => ({
      section: t('payments.report.notCredited'),
      label: resultLabel(t, c.result),
      count: c.count,
      cents: c.totalCents,
    })),
    ...r.issues.map((i) => ({
      section: t('payments.report.issues'),
      label: t(`payments.issue.${i.kind}` as 'payments.issue.unknown_iuv'),
      count: i.count,
      cents: null,
    })),
    {
      section: t('payments.report.positions'),
      label: t('payments.report.paid'),
      count: r.positions.paid,
      cents: null,
    },
    {
      section: t('payments.report.positions'),
      label: t('payments.report.expired'),
      count: r.positions.expired,
      cents: null,
    },
  ];
}

function ReportPage(props: {
  ctx: PageContext;
  brand: PortalBrand;
  report: DailyReport;
  error: string | null;
  typed: string;
}) {
  const { ctx, brand, report } = props;
  const { t, lang } = ctx;
  const base = `${backofficeBase(brand)}/riconciliazione`;
  const rows = reportRows(t, report);
  const sections = [...new Set(rows.map((r) => r.section))];
  return (
    <BackofficeFrame ctx={ctx} brand={brand} title={t('payments.bo.tab.report')} tab="report">
      <ErrorSummary
        title={t('admin.errors')}
        errors={props.error ? [{ field: 'giorno', message: props.error }] : []}
      />
      <form method="get" action={base} class="mb-4" novalidate>
        <Field
          name="giorno"
          type="date"
          label={t('payments.report.day')}
          value={props.typed}
          error={props.error ?? undefined}
        />
        <button type="submit" class="btn btn-primary mt-3">
          {t('payments.report.show')}
        </button>
      </form>
      <h2 class="h4" data-report-day={report.day}>
        {t('payments.report.of', { day: formatDay(report.day) })}
      </h2>
      <p>
        <a href={`${base}.csv?giorno=${report.day}`}>{t('payments.report.export')}</a>
      </p>
      {sections.map((section) => (
        <table class="table" data-section>
          <caption>{section}</caption>
          <thead>
            <tr>
              <th scope="col">{t('payments.report.what')}</th>
              <th scope="col" class="text-end">
                {t('payments.report.count')}
              </th>
              <th scope="col" class="text-end">
                {t('payments.col.amount')}
              </th>
            </tr>
          </thead>
          <tbody>
            {rows
              .filter((r) => r.section === section)
              .map((r) => (
                <tr>
                  <th scope="row">{r.label}</th>
                  <td class="text-end">{r.count}</td>
                  <td class="text-end text-nowrap">{r.cents === null ? '–' : euro(lang, r.cents)}</td>
                </tr>
              ))}
          </tbody>
        </table>
      ))}
    </BackofficeFrame>
  );
}

export function reportBackofficePages(app: FastifyInstance, deps: { db: Db; directory: EnteDirectory }) {
  const scope = backofficeScope(deps.directory);
  const hide = { schema: { hide: true } };
  const dayOf = (request: FastifyRequest) => {
    const raw = (request.query as { giorno?: unknown }).giorno;
    const typed = typeof raw === 'string' ? raw.trim().slice(0, 10) : '';
    return { typed, day: isIsoDate(typed) ? typed : todayInRome(), valid: !typed || isIsoDate(typed) };
  };

  app.get('/:slug/backoffice/pagamenti/riconciliazione', hide, async (request, reply) => {
    const found = await scope(request);
    const { typed, day, valid } = dayOf(request);
    return sendPage(
      reply,
      <ReportPage
        ctx={request.pageContext()}
        brand={request.brand!}
        report={await dailyReport(deps.db, found.ente.id, day)}
        error={valid ? null : request.t('payments.bo.rule.date')}
        typed={valid ? day : typed}
      />,
      valid ? 200 : 400,
    );
  });

  app.get('/:slug/backoffice/pagamenti/riconciliazione.csv', hide, async (request, reply) => {
    const found = await scope(request);
    const { day } = dayOf(request);
    const report = await dailyReport(deps.db, found.ente.id, day);
    const rows: Cell[][] = reportRows(request.t, report).map((r) => [
      report.day,
      r.section,
      r.label,
      r.count,
      r.cents === null ? '' : csvAmount(r.cents),
    ]);
    return sendCsv(
      reply,
      csvDocument(['giorno', 'sezione', 'voce', 'numero', 'importo'], rows),
      `riconciliazione-${found.ente.slug}-${day}.csv`,
    );
  });
}
