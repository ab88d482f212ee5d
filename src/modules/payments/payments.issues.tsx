// The operators' worklist of receipts that need a person, /{slug}/backoffice/pagamenti/segnalazioni:
// an unknown IUV (nothing credited), an amount that differs, a notice paid twice, a payment after the
// cancellation. Each is closed with a note saying what was done; the service audits it.
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Db } from '../../platform/db/database.ts';
import { AppError } from '../../platform/errors.ts';
import type { PageContext, PortalBrand } from '../../platform/layout/context.ts';
import { CsrfField, ErrorSummary, Field } from '../../platform/layout/forms.tsx';
import type { EnteDirectory } from '../tenancy/index.ts';
import { Notice, sendPage } from './payments.admin-frame.tsx';
import { BackofficeFrame, backofficeBase, backofficeScope } from './payments.backoffice-frame.tsx';
import { euro, groupedNotice, instant } from './payments.present.ts';
import { listReceiptIssues, resolveReceiptIssue } from './payments.service.ts';
import type { ReceiptIssue } from './reconcile.repo.ts';

const LIMIT = 200;
/** A form field name per issue (receipt ids are free text): stable between the page and its post. */
export const noteField = (receiptId: string) =>
  `nota-${createHash('sha256').update(receiptId).digest('hex').slice(0, 12)}`;

function IssuesPage(props: {
  ctx: PageContext;
  brand: PortalBrand;
  issues: ReceiptIssue[];
  all: boolean;
  csrf: string;
  error: { receiptId: string; message: string } | null;
  notice: string | null;
}) {
  const { ctx, brand, issues, csrf, error } = props;
  const { t, lang } = ctx;
  const base = `${backofficeBase(brand)}/segnalazioni`;
  return (
    <BackofficeFrame ctx={ctx} brand={brand} title={t('payments.bo.tab.issues')} tab="issues">
      <p>{t('payments.issues.lead')}</p>
      {props.notice && <Notice text={props.notice} />}
      <ErrorSummary
        title={t('admin.errors')}
        errors={error ? [{ field: noteField(error.receiptId), message: error.message }] : []}
      />
      <p>
        <a href={props.all ? base : `${base}?tutte=1`}>
          {t(props.all ? 'payments.issues.onlyOpen' : 'payments.issues.all')}
        </a>
      </p>
      {issues.length === 0 && <p data-issues-none>{t('payments.issues.none')}</p>}
      {issues.map((issue) => (
        <section
          class="card card-bg my-4"
          data-issue={issue.receiptId}
          aria-labelledby={`h-${noteField(issue.receiptId)}`}
        >
          <div class="card-body">
            <h2 class="h5" id={`h-${noteField(issue.receiptId)}`}>
              {t(`payments.issue.${issue.kind}` as 'payments.issue.unknown_iuv')}
            </h2>
            <dl class="row mb-0">
              <dt class="col-sm-4">{t('payments.issues.receipt')}</dt>
              <dd class="col-sm-8">{issue.receiptId}</dd>
              <dt class="col-sm-4">{t('payments.col.notice')}</dt>
              <dd class="col-sm-8">
                {issue.noticeNumber ? groupedNotice(issue.noticeNumber) : `IUV ${issue.iuv}`}
              </dd>
              <dt class="col-sm-4">{t('payments.col.amount')}</dt>
              <dd class="col-sm-8">{euro(lang, issue.amountCents)}</dd>
              <dt class="col-sm-4">{t('payments.issues.paidAt')}</dt>
              <dd class="col-sm-8">{issue.paymentAt ? instant(lang, issue.paymentAt) : '–'}</dd>
              <dt class="col-sm-4">{t('payments.issues.psp')}</dt>
              <dd class="col-sm-8">{issue.pspName ?? '–'}</dd>
              {issue.positionId && (
                <>
                  <dt class="col-sm-4">{t('payments.issues.position')}</dt>
                  <dd class="col-sm-8">
                    <a href={`${backofficeBase(brand)}/posizioni/${issue.positionId}`}>
                      {t('payments.issues.open')}
                    </a>
                  </dd>
                </>
              )}
              {issue.resolvedAt && (
                <>
                  <dt class="col-sm-4">{t('payments.issues.resolved')}</dt>
                  <dd class="col-sm-8">{`${instant(lang, issue.resolvedAt)} · ${issue.resolvedBy ?? ''} · ${issue.note ?? ''}`}</dd>
                </>
              )}
            </dl>
            {!issue.resolvedAt && (
              <form method="post" action={base} novalidate>
                <CsrfField token={csrf} />
                <input type="hidden" name="receiptId" value={issue.receiptId} />
                <Field
                  name={noteField(issue.receiptId)}
                  label={t('payments.issues.note')}
                  maxLength={1000}
                  error={error?.receiptId === issue.receiptId ? error.message : undefined}
                />
                <button type="submit" class="btn btn-primary mt-3">
                  {t('payments.issues.resolve')}
                </button>
              </form>
            )}
          </div>
        </section>
      ))}
    </BackofficeFrame>
  );
}

export function issuesBackofficePages(app: FastifyInstance, deps: { db: Db; directory: EnteDirectory }) {
  const scope = backofficeScope(deps.directory);
  const hide = { schema: { hide: true } };

  const show = async (
    request: FastifyRequest,
    reply: FastifyReply,
    enteId: string,
    error: { receiptId: string; message: string } | null = null,
  ) => {
    const query = request.query as { tutte?: string; risolta?: string };
    const all = query.tutte === '1';
    const issues = await listReceiptIssues(deps.db, enteId, { open: !all, limit: LIMIT, offset: 0 });
    const notice =
      query.risolta === '1'
        ? request.t('payments.issues.done')
        : query.risolta === '0'
          ? request.t('payments.issues.gone')
          : null;
    return sendPage(
      reply,
      <IssuesPage
        ctx={request.pageContext()}
        brand={request.brand!}
        issues={issues}
        all={all}
        csrf={reply.generateCsrf()}
        error={error}
        notice={error ? null : notice}
      />,
      error ? 400 : 200,
    );
  };

  app.get('/:slug/backoffice/pagamenti/segnalazioni', hide, async (request, reply) =>
    show(request, reply, (await scope(request)).ente.id),
  );

  app.post('/:slug/backoffice/pagamenti/segnalazioni', hide, async (request, reply) => {
    const found = await scope(request);
    const body = (request.body ?? {}) as Record<string, unknown>;
    const receiptId = typeof body.receiptId === 'string' ? body.receiptId.slice(0, 100) : '';
    const raw = body[noteField(receiptId)];
    const note = typeof raw === 'string' ? raw.trim() : '';
    const base = `${backofficeBase(request.brand!)}/segnalazioni`;
    if (!note)
      return show(request, reply, found.ente.id, {
        receiptId,
        message: request.t('payments.issues.noteRequired'),
      });
    if (note.length > 1000)
      return show(request, reply, found.ente.id, { receiptId, message: request.t('validation.tooLong') });
    try {
      await resolveReceiptIssue(
        deps.db,
        { subject: request.principal!.subject, requestId: request.id },
        found.ente.id,
        receiptId,
        note,
      );
    } catch (error) {
      // Already resolved by a colleague, or no such receipt: nothing to do.
      if (!(error instanceof AppError) || error.status !== 404) throw error;
      return reply.redirect(`${base}?risolta=0`, 303);
    }
    return reply.redirect(`${base}?risolta=1`, 303);
  });
}
