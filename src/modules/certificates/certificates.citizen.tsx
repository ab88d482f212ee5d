// The citizen's certificates in the personal area, /{slug}/area-personale/certificati: the list, the
// request (for oneself or a member of one's registered family; exempt → issued at once, otherwise a
// €16 pagoPA position paid from the certificate's page, which Checkout comes back to), the certificate's
// page and the download of the PDF exactly as issued. Someone else's certificate is a 404.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { can } from '../../platform/auth/policy.ts';
import { AppError, PlatformErrors } from '../../platform/errors.ts';
import { sendPdf } from '../../platform/http/download.ts';
import type { MessageKey } from '../../platform/i18n/index.ts';
import { isUuid } from '../../platform/ids.ts';
import { sendPage } from '../../platform/layout/Layout.tsx';
import { citizenFiscalCode } from '../identity/index.ts';
import { getDebtPosition } from '../payments/index.ts';
import { type EnteDirectory, toBrand } from '../tenancy/index.ts';
import { isCertificateType } from './certificate-types.ts';
import {
  ChooseSubject,
  CitizenCertificate,
  CitizenCertificates,
  citizenBase,
  type FormErrors,
  type PayOutcome,
  RequestForm,
} from './certificates.citizen.views.tsx';
import {
  citizenMaySee,
  listCitizenCertificates,
  requestableSubjects,
  requestChoice,
} from './certificates.manage.ts';
import type * as repo from './certificates.repo.ts';
import { type CertificatesDeps, findCertificate, requestCertificate } from './certificates.service.ts';
import { findExemption } from './exemptions.ts';

const OUTCOMES: readonly PayOutcome[] = ['ok', 'annullato', 'errore'];
const FIELD_OF: Record<string, keyof FormErrors> = { type: 'tipo', exemptionCode: 'esenzione' };

/** Sends the PDF as issued; the file name carries the number. */
export const sendCertificatePdf = (reply: FastifyReply, row: repo.CertificateRow) =>
  sendPdf(reply, row.pdf!, `${row.number}.pdf`);

export function citizenCertificatePages(
  app: FastifyInstance,
  deps: CertificatesDeps & { directory: EnteDirectory },
) {
  const hide = { schema: { hide: true } };

  /** The ente and the signed-in citizen with the fiscal code their certificates are filed under. */
  const scope = async (request: FastifyRequest) => {
    const { slug } = request.params as { slug: string };
    const found = /^[a-z0-9-]{1,63}$/.test(slug) ? await deps.directory.bySlug(slug) : null;
    if (!found) throw PlatformErrors.notFound('ente');
    request.brand = toBrand(found);
    const principal = request.principal;
    if (!principal) throw PlatformErrors.unauthenticated();
    const { ente } = found;
    if (!can(principal, 'personal-area.access', { enteId: ente.id, sadId: ente.sadId ?? ente.id })) {
      throw PlatformErrors.forbidden();
    }
    const fiscalCode = await citizenFiscalCode(deps.db, principal.userId);
    return { enteId: ente.id, fiscalCode, userId: principal.userId ?? principal.subject };
  };
  const identified = async (request: FastifyRequest) => {
    const found = await scope(request);
    // Without a fiscal code (an eIDAS identity) the registry cannot be searched.
    if (!found.fiscalCode) throw PlatformErrors.notFound('certificate');
    return { ...found, fiscalCode: found.fiscalCode };
  };
  const own = async (request: FastifyRequest) => {
    const { enteId, fiscalCode } = await identified(request);
    const { id } = request.params as { id: string };
    const row = isUuid(id) ? await findCertificate(deps.db, enteId, id) : undefined;
    if (!row || !citizenMaySee(row, fiscalCode)) throw PlatformErrors.notFound('certificate');
    return row;
  };

  /** The request form for one person of the family (404 for anyone else). */
  const showForm = async (
    request: FastifyRequest,
    reply: FastifyReply,
    persona: string,
    state: {
      values?: { tipo?: string; esenzione?: string };
      errors?: FormErrors;
      registryReason?: boolean;
    } = {},
    status = state.errors ? 400 : 200,
  ) => {
    const { enteId, fiscalCode } = await identified(request);
    const choice = /^[A-Za-z0-9]{16}$/.test(persona)
      ? await requestChoice(deps, enteId, fiscalCode, persona)
      : null;
    if (!choice) throw PlatformErrors.notFound('person');
    return sendPage(
      reply,
      <RequestForm
        ctx={request.pageContext()}
        brand={request.brand!}
        csrf={reply.generateCsrf()}
        subject={choice.subject}
        types={choice.types}
        others={choice.others}
        {...state}
      />,
      status,
    );
  };

  app.get('/:slug/area-personale/certificati', hide, async (request, reply) => {
    const { enteId, fiscalCode } = await scope(request);
    const items = fiscalCode ? await listCitizenCertificates(deps.db, enteId, fiscalCode) : [];
    return sendPage(
      reply,
      <CitizenCertificates
        ctx={request.pageContext()}
        brand={request.brand!}
        items={items}
        identified={!!fiscalCode}
      />,
    );
  });

  app.get('/:slug/area-personale/certificati/nuovo', hide, async (request, reply) => {
    const { enteId, fiscalCode } = await identified(request);
    const persona = String((request.query as { persona?: unknown }).persona ?? '');
    if (persona) return showForm(request, reply, persona);
    const subjects = await requestableSubjects(deps, enteId, fiscalCode);
    if (subjects.length === 0) throw PlatformErrors.notFound('person');
    if (subjects.length === 1) return showForm(request, reply, subjects[0]!.person.fiscalCode);
    return sendPage(
      reply,
      <ChooseSubject ctx={request.pageContext()} brand={request.brand!} subjects={subjects} />,
    );
  });

  app.post('/:slug/area-personale/certificati', hide, async (request, reply) => {
    const { enteId, fiscalCode, userId } = await identified(request);
    const body = (request.body ?? {}) as Record<string, unknown>;
    const persona = String(body.persona ?? '').slice(0, 16);
    const values = {
      tipo: String(body.tipo ?? '').slice(0, 40),
      esenzione: String(body.esenzione ?? '').slice(0, 40),
    };
    const { t } = request;
    const errors: FormErrors = {};
    if (!isCertificateType(values.tipo)) errors.tipo = t('certs.error.tipo');
    if (values.esenzione && !findExemption(values.esenzione)) errors.esenzione = t('certs.error.esenzione');
    if (Object.keys(errors).length > 0) return showForm(request, reply, persona, { values, errors });
    try {
      const created = await requestCertificate(deps, {
        enteId,
        requester: { kind: 'citizen', userId, fiscalCode },
        subjectFiscalCode: persona,
        type: values.tipo,
        exemptionCode: values.esenzione || null,
        channel: 'online',
        requestId: request.id,
      });
      return reply.redirect(`${citizenBase(request.brand!)}/${created.id}`, 303);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      if (error.code === 'CERTIFICATE_UNAVAILABLE')
        return showForm(
          request,
          reply,
          persona,
          { values, errors: { tipo: error.message }, registryReason: true },
          422,
        );
      // The comune has not set up pagoPA yet: only exempt certificates can be asked for online.
      if (error.code === 'PAYMENTS_NOT_CONFIGURED')
        return showForm(
          request,
          reply,
          persona,
          { values, errors: { esenzione: t('certs.error.noPayments') } },
          409,
        );
      if (error.code === 'VALIDATION_FAILED') {
        for (const field of error.fields) {
          const name = FIELD_OF[field.field];
          if (name) errors[name] = t(`certs.error.${name}` as MessageKey);
        }
        if (Object.keys(errors).length > 0) return showForm(request, reply, persona, { values, errors });
      }
      throw error;
    }
  });

  app.get('/:slug/area-personale/certificati/:id', hide, async (request, reply) => {
    const row = await own(request);
    const position = row.payment_position_id
      ? ((await getDebtPosition(deps.db, row.ente_id, row.payment_position_id)) ?? null)
      : null;
    const query = request.query as { esito?: string };
    const outcome = OUTCOMES.find((o) => o === query.esito) ?? null;
    const here = `${citizenBase(request.brand!)}/${row.id}`;
    return sendPage(
      reply,
      <CitizenCertificate
        ctx={request.pageContext()}
        brand={request.brand!}
        csrf={reply.generateCsrf()}
        certificate={row}
        position={position}
        outcome={outcome}
        selfUrl={outcome ? `${here}?esito=${outcome}` : here}
      />,
    );
  });

  app.get('/:slug/area-personale/certificati/:id/pdf', hide, async (request, reply) => {
    const row = await own(request);
    if (row.status !== 'issued' || !row.pdf) throw PlatformErrors.notFound('certificate');
    return sendCertificatePdf(reply, row);
  });
}
