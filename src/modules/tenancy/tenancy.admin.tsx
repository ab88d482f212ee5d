// The ente admin's page for the comune's contacts, codes and colour: a plain HTML form with CSRF
// protection, errors next to each field and a summary at the top.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { can } from '../../platform/auth/policy.ts';
import type { Db } from '../../platform/db/database.ts';
import { PlatformErrors } from '../../platform/errors.ts';
import type { MessageKey } from '../../platform/i18n/index.ts';
import type { PageContext, PortalBrand } from '../../platform/layout/context.ts';
import { CsrfField, ErrorSummary, Field } from '../../platform/layout/forms.tsx';
import { Layout, renderPage } from '../../platform/layout/Layout.tsx';
import { contrastWithWhite, isValidNumericFiscalCode } from './tenancy.rules.ts';
import type { Ente, EntePatch } from './tenancy.schema.ts';
import * as service from './tenancy.service.ts';

const FIELDS = [
  ['email', 'field.email', 'email'],
  ['pec', 'field.pec', 'email'],
  ['phone', 'field.phone', 'tel'],
  ['address', 'field.address', 'text'],
  ['website', 'field.website', 'url'],
  ['accessibilityUrl', 'field.accessibilityUrl', 'url'],
  ['primaryColor', 'field.primaryColor', 'text'],
  ['fiscalCode', 'field.fiscalCode', 'text'],
  ['ipaCode', 'field.ipaCode', 'text'],
] as const;
type FieldName = (typeof FIELDS)[number][0];
type Form = Record<FieldName, string>;
type Errors = Partial<Record<FieldName, MessageKey>>;

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]{2,}$/;
const URL_RE = /^https?:\/\/[^\s/$.?#].[^\s]*$/i;

function formOf(ente: Ente): Form {
  return {
    email: ente.contacts.email ?? '',
    pec: ente.contacts.pec ?? '',
    phone: ente.contacts.phone ?? '',
    address: ente.contacts.address ?? '',
    website: ente.contacts.website ?? '',
    accessibilityUrl: ente.contacts.accessibilityUrl ?? '',
    primaryColor: ente.branding.primaryColor ?? '',
    fiscalCode: ente.fiscalCode ?? '',
    ipaCode: ente.ipaCode ?? '',
  };
}

export function validateForm(body: Record<string, unknown>): { form: Form; errors: Errors } {
  const form = Object.fromEntries(
    FIELDS.map(([name]) => [name, typeof body[name] === 'string' ? (body[name] as string).trim() : '']),
  ) as Form;
  const errors: Errors = {};
  for (const [name] of FIELDS) if (form[name].length > 300) errors[name] = 'validation.tooLong';
  for (const name of ['email', 'pec'] as const) {
    if (form[name] && !EMAIL.test(form[name])) errors[name] ??= 'validation.email';
  }
  for (const name of ['website', 'accessibilityUrl'] as const) {
    if (form[name] && !URL_RE.test(form[name])) errors[name] ??= 'validation.url';
  }
  if (form.phone && !/^\+?[0-9 ]{6,20}$/.test(form.phone)) errors.phone ??= 'validation.phone';
  if (form.primaryColor) {
    if (!/^#[0-9a-fA-F]{6}$/.test(form.primaryColor)) errors.primaryColor ??= 'validation.color';
    else if (contrastWithWhite(form.primaryColor) < 4.5) errors.primaryColor ??= 'validation.contrast';
  }
  if (form.fiscalCode && !isValidNumericFiscalCode(form.fiscalCode))
    errors.fiscalCode ??= 'validation.fiscalCode';
  if (form.ipaCode && !/^[a-z0-9_]{2,20}$/.test(form.ipaCode)) errors.ipaCode ??= 'validation.ipaCode';
  return { form, errors };
}

function toPatch(form: Form): EntePatch {
  const orNull = (value: string) => value || null;
  return {
    fiscalCode: orNull(form.fiscalCode),
    ipaCode: orNull(form.ipaCode),
    // Merge-patch semantics: null removes a key.
    branding: { primaryColor: orNull(form.primaryColor) },
    contacts: {
      email: orNull(form.email),
      pec: orNull(form.pec),
      phone: orNull(form.phone),
      address: orNull(form.address),
      website: orNull(form.website),
      accessibilityUrl: orNull(form.accessibilityUrl),
    },
  };
}

function AdminPage(props: {
  ctx: PageContext;
  brand: PortalBrand;
  form: Form;
  errors: Errors;
  saved: boolean;
  csrfToken: string;
}) {
  const { ctx, brand, form, errors, saved, csrfToken } = props;
  const { t } = ctx;
  const invalid = FIELDS.filter(([name]) => errors[name]);
  return (
    <Layout
      ctx={ctx}
      brand={brand}
      title={t('admin.title')}
      breadcrumbs={[{ label: t('breadcrumb.home'), href: `/${brand.slug}` }, { label: t('admin.title') }]}
    >
      <div class="row my-4">
        <div class="col-lg-8">
          <h1 class="mb-3">{t('admin.title')}</h1>
          <p>{t('admin.lead', { name: brand.name })}</p>
          <ul class="list-inline">
            <li class="list-inline-item">
              <a href={`/${brand.slug}/admin/personale`}>{t('admin.people')}</a>
            </li>
            <li class="list-inline-item">
              <a href={`/${brand.slug}/admin/accesso-operatori`}>{t('enterprise.title')}</a>
            </li>
            <li class="list-inline-item">
              <a href={`/${brand.slug}/admin/pagamenti`}>{t('admin.payments')}</a>
            </li>
            <li class="list-inline-item">
              <a href={`/${brand.slug}/admin/certificati`}>{t('certAdmin.title')}</a>
            </li>
            <li class="list-inline-item">
              <a href={`/${brand.slug}/backoffice/anagrafe`}>{t('registry.bo.title')}</a>
            </li>
          </ul>
          {saved && (
            <div class="alert alert-success" role="status">
              {t('admin.saved')}
            </div>
          )}
          <ErrorSummary
            title={t('admin.errors')}
            errors={invalid.map(([name, label]) => ({
              field: name,
              message: `${t(label)}: ${t(errors[name]!)}`,
            }))}
          />
          <form method="post" action={`/${brand.slug}/admin/ente`} novalidate>
            <CsrfField token={csrfToken} />
            {FIELDS.map(([name, label, type]) => (
              <Field
                name={name}
                label={t(label)}
                type={type}
                value={form[name]}
                error={errors[name] && t(errors[name]!)}
              />
            ))}
            <button type="submit" class="btn btn-primary mt-4">
              {t('admin.save')}
            </button>
          </form>
        </div>
      </div>
    </Layout>
  );
}

export function registerAdminPages(
  app: FastifyInstance,
  deps: { db: Db; directory: service.EnteDirectory; resolveEnte: (request: FastifyRequest) => Promise<void> },
) {
  const authorize = async (request: FastifyRequest) => {
    await deps.resolveEnte(request);
    const { ente } = request.ente!;
    if (!request.principal) throw PlatformErrors.unauthenticated();
    if (!can(request.principal, 'ente.update', { enteId: ente.id, sadId: ente.sadId ?? ente.id })) {
      throw PlatformErrors.forbidden();
    }
  };
  const route = { preHandler: authorize, schema: { hide: true } };

  app.get('/:slug/admin/ente', route, async (request, reply) => {
    const saved = (request.query as { saved?: string }).saved === '1';
    const page = (
      <AdminPage
        ctx={request.pageContext()}
        brand={request.brand!}
        form={formOf(request.ente!.ente)}
        errors={{}}
        saved={saved}
        csrfToken={reply.generateCsrf()}
      />
    );
    return reply.type('text/html; charset=utf-8').send(renderPage(page));
  });

  app.post('/:slug/admin/ente', route, async (request, reply) => {
    const { form, errors } = validateForm((request.body ?? {}) as Record<string, unknown>);
    const { ente } = request.ente!;
    if (Object.keys(errors).length > 0) {
      const page = (
        <AdminPage
          ctx={request.pageContext()}
          brand={request.brand!}
          form={form}
          errors={errors}
          saved={false}
          csrfToken={reply.generateCsrf()}
        />
      );
      return reply.code(400).type('text/html; charset=utf-8').send(renderPage(page));
    }
    await service.updateEnte(
      deps.db,
      deps.directory,
      { subject: request.principal!.subject, requestId: request.id },
      ente.id,
      toPatch(form),
    );
    return reply.redirect(`/${ente.slug}/admin/ente?saved=1`, 303);
  });
}
