// The operators' payments back office, /{slug}/backoffice/pagamenti: positions of the ente filtered by
// state, debtor, item and due dates, page by page; the same list as CSV; one position with its
// documents. The receipts worklist, the daily reconciliation and the CSV import have their own files.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Db } from '../../platform/db/database.ts';
import { PlatformErrors } from '../../platform/errors.ts';
import { csvAmount, csvDocument, sendCsv } from '../../platform/http/csv.ts';
import { isUuid } from '../../platform/ids.ts';
import { formatDate, formatDateTime } from '../../platform/pdf/pdf-document.ts';
import type { EnteDirectory } from '../tenancy/index.ts';
import { sendPage } from './payments.admin-frame.tsx';
import {
  type FilterErrors,
  type FilterForm,
  PositionDetail,
  PositionsList,
} from './payments.backoffice.views.tsx';
import { backofficeScope } from './payments.backoffice-frame.tsx';
import { sendNotice, sendReceipt } from './payments.documents.ts';
import { mainOption, positionAmount, STATUS_LABELS } from './payments.present.ts';
import type { PositionFilter } from './payments.query.repo.ts';
import { isIsoDate } from './payments.rules.ts';
import { type DebtPosition, POSITION_STATUSES } from './payments.schema.ts';
import { getDebtPosition, listDebtPositions } from './payments.service.ts';
import { listItems } from './payments.settings.ts';

const PAGE_SIZE = 25;
/** The export reads the list in batches of this size, up to EXPORT_MAX rows. */
const EXPORT_BATCH = 500;
const EXPORT_MAX = 50_000;

type Filter = Omit<PositionFilter, 'limit' | 'offset'>;

/** The list's query string → a filter, the form as typed, and the problems next to each field. */
export function parseFilter(query: Record<string, unknown>, itemCodes: string[]) {
  const text = (name: string, max: number) =>
    typeof query[name] === 'string' ? (query[name] as string).trim().slice(0, max) : '';
  const form: FilterForm = {
    stato: text('stato', 20),
    cf: text('cf', 20).toUpperCase(),
    voce: text('voce', 40),
    dal: text('dal', 10),
    al: text('al', 10),
  };
  const errors: FilterErrors = {};
  const filter: Filter = {};
  const status = POSITION_STATUSES.find((s) => s === form.stato);
  if (status) filter.status = status;
  else form.stato = '';
  if (form.cf && !/^([A-Z0-9]{16}|[0-9]{11})$/.test(form.cf)) errors.cf = 'payments.bo.rule.fiscalCode';
  else if (form.cf) filter.debtorFiscalCode = form.cf;
  if (form.voce && !itemCodes.includes(form.voce)) errors.voce = 'payments.bo.rule.item';
  else if (form.voce) filter.itemCode = form.voce;
  for (const [field, key] of [
    ['dal', 'dueFrom'],
    ['al', 'dueTo'],
  ] as const) {
    if (form[field] && !isIsoDate(form[field])) errors[field] = 'payments.bo.rule.date';
    else if (form[field]) filter[key] = form[field];
  }
  if (filter.dueFrom && filter.dueTo && filter.dueFrom > filter.dueTo) errors.al = 'payments.bo.rule.range';
  const page = Math.min(Math.max(Number.parseInt(text('pagina', 6), 10) || 1, 1), 100_000);
  return { form, filter, errors, page };
}

export const EXPORT_HEADER = [
  'iupd',
  'codice_fiscale',
  'nominativo',
  'descrizione',
  'voce',
  'importo',
  'scadenza',
  'codice_avviso',
  'iuv',
  'stato',
  'creata_il',
  'pagata_il',
];

export function positionsBackofficePages(app: FastifyInstance, deps: { db: Db; directory: EnteDirectory }) {
  const scope = backofficeScope(deps.directory);
  const hide = { schema: { hide: true } };

  const filtered = async (request: FastifyRequest, enteId: string) => {
    const codes = (await listItems(deps.db, enteId)).map((i) => i.code);
    return parseFilter((request.query ?? {}) as Record<string, unknown>, codes);
  };

  app.get('/:slug/backoffice/pagamenti', hide, async (request, reply) => {
    const found = await scope(request);
    const enteId = found.ente.id;
    const items = await listItems(deps.db, enteId);
    const { form, filter, errors, page } = parseFilter(
      (request.query ?? {}) as Record<string, unknown>,
      items.map((i) => i.code),
    );
    const invalid = Object.keys(errors).length > 0;
    const { items: positions, total } = invalid
      ? { items: [], total: 0 }
      : await listDebtPositions(deps.db, enteId, {
          ...filter,
          limit: PAGE_SIZE,
          offset: (page - 1) * PAGE_SIZE,
        });
    const t = request.t;
    return sendPage(
      reply,
      <PositionsList
        ctx={request.pageContext()}
        brand={request.brand!}
        form={form}
        errors={Object.fromEntries(
          Object.entries(errors).map(([k, v]) => [k, t(v as 'payments.bo.rule.date')]),
        )}
        items={items}
        positions={positions}
        total={total}
        page={page}
        pages={Math.max(1, Math.ceil(total / PAGE_SIZE))}
      />,
      invalid ? 400 : 200,
    );
  });

  app.get('/:slug/backoffice/pagamenti/export.csv', hide, async (request, reply) => {
    const found = await scope(request);
    const { filter, errors } = await filtered(request, found.ente.id);
    if (Object.keys(errors).length > 0) throw PlatformErrors.validation([]);
    const rows: DebtPosition[] = [];
    for (let offset = 0; offset < EXPORT_MAX; offset += EXPORT_BATCH) {
      const page = await listDebtPositions(deps.db, found.ente.id, {
        ...filter,
        limit: EXPORT_BATCH,
        offset,
      });
      rows.push(...page.items);
      if (page.items.length < EXPORT_BATCH) break;
    }
    const t = request.t;
    const body = csvDocument(
      EXPORT_HEADER,
      rows.map((p) => {
        const main = mainOption(p);
        return [
          p.iupd,
          p.debtor.fiscalCode,
          p.debtor.fullName,
          p.description,
          p.itemCode,
          csvAmount(positionAmount(p)),
          formatDate(p.dueDate),
          main?.noticeNumber,
          main?.iuv,
          t(STATUS_LABELS[p.status]),
          formatDateTime('it', p.createdAt.toISOString()),
          p.paidAt ? formatDateTime('it', p.paidAt.toISOString()) : '',
        ];
      }),
    );
    return sendCsv(reply, body, `pagamenti-${found.ente.slug}.csv`);
  });

  const operatorPosition = async (request: FastifyRequest) => {
    const found = await scope(request);
    const { id } = request.params as { id: string };
    const position = isUuid(id) ? await getDebtPosition(deps.db, found.ente.id, id) : undefined;
    if (!position) throw PlatformErrors.notFound('payment');
    return position;
  };

  app.get('/:slug/backoffice/pagamenti/posizioni/:id', hide, async (request, reply) => {
    const position = await operatorPosition(request);
    return sendPage(
      reply,
      <PositionDetail ctx={request.pageContext()} brand={request.brand!} position={position} />,
    );
  });

  app.get('/:slug/backoffice/pagamenti/posizioni/:id/avviso', hide, async (request, reply) =>
    sendNotice(reply, deps.db, await operatorPosition(request), request.brand!, request.lang),
  );

  app.get('/:slug/backoffice/pagamenti/posizioni/:id/ricevute/:iuv', hide, async (request, reply) => {
    const position = await operatorPosition(request);
    return sendReceipt(
      reply,
      deps.db,
      position,
      (request.params as { iuv: string }).iuv,
      request.brand!,
      request.lang,
    );
  });
}
