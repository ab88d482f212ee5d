// The registry office's counter, /{slug}/backoffice/anagrafe (policy registry.operate): an operator finds
// a person by fiscal code (each consultation audited), issues a certificate for a citizen without SPID —
// exempt, paid with a marca da bollo recorded by its number, or behind a pagoPA notice printed for the
// citizen — and works the ente's certificates: list with filters, download, notice, revocation.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { recordAudit } from '../../platform/audit/audit.ts';
import { withTenant } from '../../platform/db/tenant.ts';
import { AppError, PlatformErrors } from '../../platform/errors.ts';
import type { MessageKey } from '../../platform/i18n/index.ts';
import { isUuid } from '../../platform/ids.ts';
import { sendPage } from '../../platform/layout/Layout.tsx';
import { getDebtPosition, paymentSettings, sendNotice } from '../payments/index.ts';
import { isValidFiscalCode, registryBase, registryScope } from '../registry/index.ts';
import { type EnteDirectory, isValidNumericFiscalCode } from '../tenancy/index.ts';
import { type CertificateType, isCertificateType } from './certificate-types.ts';
import { sendCertificatePdf } from './certificates.citizen.tsx';
import {
  CounterPage,
  IssuedList,
  type IssueErrors,
  type IssueForm,
  type ListForm,
} from './certificates.counter.views.tsx';
import { listOfficeCertificates, revokeCertificate, typeChoices } from './certificates.manage.ts';
import { OfficeCertificate } from './certificates.office.views.tsx';
import type { CertificateStatus, Channel } from './certificates.repo.ts';
import { type CertificatesDeps, findCertificate, requestCertificate } from './certificates.service.ts';
import { findExemption } from './exemptions.ts';

const PAGE_SIZE = 25;
const EMPTY: IssueForm = {
  tipo: '',
  bollo: 'pagopa',
  esenzione: '',
  contrassegno: '',
  pagatore: '',
  pagatore_nome: '',
};
/** The service's fields about who pays, as the counter form's fields and messages. */
const PAYER_ERRORS: Record<string, [keyof IssueForm, MessageKey]> = {
  payer: ['pagatore', 'counter.error.payerMinor'],
  payerFiscalCode: ['pagatore', 'counter.error.payer'],
  payerName: ['pagatore_nome', 'counter.error.payerName'],
};
const field = (body: Record<string, unknown>, name: string, max: number) =>
  String(body[name] ?? '')
    .trim()
    .slice(0, max);

export function counterPages(app: FastifyInstance, deps: CertificatesDeps & { directory: EnteDirectory }) {
  const hide = { schema: { hide: true } };
  const scope = registryScope(deps.directory);
  const actor = (request: FastifyRequest) => request.principal!.userId ?? request.principal!.subject;

  /** The counter page, with the person of `cf` looked up (and the consultation audited) when valid. */
  const showCounter = async (
    request: FastifyRequest,
    reply: FastifyReply,
    cf: string,
    form: IssueForm = EMPTY,
    errors: IssueErrors = {},
    status = 200,
  ) => {
    const { ente } = await scope(request);
    const fiscalCode = cf.toUpperCase();
    let found = null;
    let notFound = false;
    let pagopa = false;
    if (fiscalCode && !isValidFiscalCode(fiscalCode)) {
      errors = { ...errors, cf: request.t('counter.error.cf') };
      status = 400;
    } else if (fiscalCode) {
      found = await typeChoices(deps, ente.id, fiscalCode).catch((error) => {
        if (error instanceof AppError && error.code === 'SUBJECT_NOT_FOUND') return null;
        throw error;
      });
      notFound = !found;
      pagopa = await withTenant(deps.db, ente.id, async (trx) => {
        await recordAudit(trx, {
          enteId: ente.id,
          actor: actor(request),
          action: 'registry.consult',
          targetType: 'person',
          requestId: request.id,
          content: { fiscalCode, found: !notFound, purpose: 'certificate' },
        });
        return Boolean(await paymentSettings(trx, ente.id));
      });
    }
    return sendPage(
      reply,
      <CounterPage
        ctx={request.pageContext()}
        brand={request.brand!}
        csrf={reply.generateCsrf()}
        cf={fiscalCode}
        found={found}
        notFound={notFound}
        pagopa={pagopa}
        form={form}
        errors={errors}
      />,
      status,
    );
  };

  app.get('/:slug/backoffice/anagrafe', hide, async (request, reply) => {
    const { cf } = request.query as { cf?: unknown };
    // Pasted codes come with stray spaces; a longer text stays invalid rather than cut to 16.
    const code = String(cf ?? '')
      .replace(/\s/g, '')
      .slice(0, 40);
    if (cf !== undefined && code === '')
      return showCounter(request, reply, '', EMPTY, { cf: request.t('counter.error.cfMissing') }, 400);
    return showCounter(request, reply, code);
  });

  app.post('/:slug/backoffice/anagrafe/rilascio', hide, async (request, reply) => {
    const { ente } = await scope(request);
    const body = (request.body ?? {}) as Record<string, unknown>;
    const cf = field(body, 'cf', 16).toUpperCase();
    const form: IssueForm = {
      tipo: field(body, 'tipo', 40),
      bollo: field(body, 'bollo', 20),
      esenzione: field(body, 'esenzione', 40),
      contrassegno: field(body, 'contrassegno', 20).replace(/\s/g, ''),
      pagatore: field(body, 'pagatore', 40).replace(/\s/g, '').toUpperCase(),
      // One line as the notice prints it: line breaks and control characters pasted in become spaces.
      pagatore_nome: field(body, 'pagatore_nome', 200).replace(/[\s\p{Cc}]+/gu, ' '),
    };
    // Who pays matters only for a pagoPA notice; with an exemption or a marca it is not asked.
    const paying = form.bollo === 'pagopa';
    const { t } = request;
    const errors: IssueErrors = {};
    if (!isCertificateType(form.tipo)) errors.tipo = t('certs.error.tipo');
    if (!['pagopa', 'contrassegno', 'esenzione'].includes(form.bollo))
      errors.bollo = t('counter.error.bollo');
    if (form.bollo === 'esenzione' && !findExemption(form.esenzione))
      errors.esenzione = t('counter.error.esenzione');
    if (form.bollo === 'contrassegno' && !/^\d{14}$/.test(form.contrassegno))
      errors.contrassegno = t('counter.error.contrassegno');
    if (
      paying &&
      form.pagatore &&
      !isValidFiscalCode(form.pagatore) &&
      !isValidNumericFiscalCode(form.pagatore)
    )
      errors.pagatore = t('counter.error.payer');
    if (paying && !form.pagatore && form.pagatore_nome) errors.pagatore = t('counter.error.payerCode');
    if (paying && form.pagatore_nome.length > 140) errors.pagatore_nome = t('counter.error.payerNameLong');
    if (Object.keys(errors).length > 0) return showCounter(request, reply, cf, form, errors, 400);
    try {
      const created = await requestCertificate(deps, {
        enteId: ente.id,
        requester: { kind: 'operator', userId: actor(request) },
        subjectFiscalCode: cf,
        type: form.tipo,
        exemptionCode: form.bollo === 'esenzione' ? form.esenzione : null,
        stampDutyMark: form.bollo === 'contrassegno' ? form.contrassegno : null,
        payer: paying && form.pagatore ? { fiscalCode: form.pagatore, fullName: form.pagatore_nome } : null,
        channel: 'counter',
        requestId: request.id,
      });
      return reply.redirect(`${registryBase(request.brand!)}/certificati/${created.id}`, 303);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      if (error.code === 'CERTIFICATE_UNAVAILABLE')
        return showCounter(request, reply, cf, form, { tipo: error.message }, 422);
      if (error.code === 'SUBJECT_NOT_FOUND') return showCounter(request, reply, cf, form, {}, 404);
      // No pagoPA settings yet: the €16 can only be a marca da bollo here, or an exemption.
      if (error.code === 'PAYMENTS_NOT_CONFIGURED')
        return showCounter(request, reply, cf, form, { bollo: request.t('counter.error.noPayments') }, 409);
      const payerError =
        error.code === 'VALIDATION_FAILED' && error.fields.find((f) => Object.hasOwn(PAYER_ERRORS, f.field));
      if (payerError) {
        const [name, message] = PAYER_ERRORS[payerError.field]!;
        return showCounter(request, reply, cf, form, { [name]: request.t(message) }, 422);
      }
      if (error.code === 'VALIDATION_FAILED' && error.fields.some((f) => f.field === 'stampDutyMark'))
        return showCounter(
          request,
          reply,
          cf,
          form,
          { contrassegno: request.t('counter.error.markUsed') },
          409,
        );
      throw error;
    }
  });

  app.get('/:slug/backoffice/anagrafe/certificati', hide, async (request, reply) => {
    const { ente } = await scope(request);
    const query = request.query as Record<string, unknown>;
    const form: ListForm = {
      numero: field(query, 'numero', 20).toUpperCase(),
      cf: field(query, 'cf', 16).toUpperCase(),
      tipo: isCertificateType(query.tipo) ? query.tipo : '',
      stato: ['issued', 'awaiting_payment', 'revoked'].includes(String(query.stato))
        ? String(query.stato)
        : '',
      canale: ['online', 'counter'].includes(String(query.canale)) ? String(query.canale) : '',
    };
    const page = Math.max(1, Math.min(10_000, Number.parseInt(field(query, 'pagina', 6), 10) || 1));
    const { items, total } = await listOfficeCertificates(
      deps.db,
      ente.id,
      {
        number: form.numero || undefined,
        fiscalCode: form.cf || undefined,
        type: (form.tipo || undefined) as CertificateType | undefined,
        status: (form.stato || undefined) as CertificateStatus | undefined,
        channel: (form.canale || undefined) as Channel | undefined,
      },
      { limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE },
    );
    return sendPage(
      reply,
      <IssuedList
        ctx={request.pageContext()}
        brand={request.brand!}
        form={form}
        items={items}
        total={total}
        page={page}
        pages={Math.max(1, Math.ceil(total / PAGE_SIZE))}
      />,
    );
  });

  const officeCertificate = async (request: FastifyRequest) => {
    const { ente } = await scope(request);
    const { id } = request.params as { id: string };
    const row = isUuid(id) ? await findCertificate(deps.db, ente.id, id) : undefined;
    if (!row) throw PlatformErrors.notFound('certificate');
    return row;
  };
  const showCertificate = async (
    request: FastifyRequest,
    reply: FastifyReply,
    state: { reason?: string; error?: string; confirmError?: string } = {},
    status = 200,
  ) => {
    const row = await officeCertificate(request);
    return sendPage(
      reply,
      <OfficeCertificate
        ctx={request.pageContext()}
        brand={request.brand!}
        csrf={reply.generateCsrf()}
        certificate={row}
        reason={state.reason ?? ''}
        error={state.error}
        confirmError={state.confirmError}
        notice={row.status === 'awaiting_payment'}
      />,
      status,
    );
  };

  app.get('/:slug/backoffice/anagrafe/certificati/:id', hide, (request, reply) =>
    showCertificate(request, reply),
  );

  app.get('/:slug/backoffice/anagrafe/certificati/:id/pdf', hide, async (request, reply) => {
    const row = await officeCertificate(request);
    if (!row.pdf) throw PlatformErrors.notFound('certificate');
    return sendCertificatePdf(reply, row);
  });

  app.get('/:slug/backoffice/anagrafe/certificati/:id/avviso', hide, async (request, reply) => {
    const row = await officeCertificate(request);
    const position = row.payment_position_id
      ? await getDebtPosition(deps.db, row.ente_id, row.payment_position_id)
      : undefined;
    if (!position) throw PlatformErrors.notFound('payment notice');
    return sendNotice(reply, deps.db, position, request.brand!, request.lang);
  });

  app.post('/:slug/backoffice/anagrafe/certificati/:id/revoca', hide, async (request, reply) => {
    const row = await officeCertificate(request);
    const body = (request.body ?? {}) as Record<string, unknown>;
    const reason = field(body, 'motivo', 600);
    // Revocation cannot be undone: the clerk ticks that they know it.
    if (field(body, 'conferma', 1) !== '1')
      return showCertificate(
        request,
        reply,
        { reason, confirmError: request.t('counter.error.revokeConfirm') },
        400,
      );
    try {
      await revokeCertificate(deps.db, {
        enteId: row.ente_id,
        id: row.id,
        reason,
        actor: actor(request),
        requestId: request.id,
      });
    } catch (error) {
      if (
        !(error instanceof AppError) ||
        !['VALIDATION_FAILED', 'CERTIFICATE_NOT_ISSUED'].includes(error.code)
      )
        throw error;
      const key: MessageKey =
        error.code === 'VALIDATION_FAILED' ? 'counter.error.reason' : 'counter.error.notIssued';
      return showCertificate(request, reply, { reason, error: request.t(key) }, error.status);
    }
    return reply.redirect(`${registryBase(request.brand!)}/certificati/${row.id}`, 303);
  });
}
