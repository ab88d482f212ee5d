// The SAD admin invites the staff of member enti: the account is created with its role and an
// activation link is e-mailed to the person and also shown, to hand over another way if need be.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Db } from '../../platform/db/database.ts';
import { PlatformErrors } from '../../platform/errors.ts';
import type { MessageKey } from '../../platform/i18n/index.ts';
import type { PageContext } from '../../platform/layout/context.ts';
import { CsrfField, ErrorSummary, Field } from '../../platform/layout/forms.tsx';
import { Layout, renderPage } from '../../platform/layout/Layout.tsx';
import { type IdentityDeps, invitationUrl, inviteStaff, type StaffRole } from '../identity/index.ts';
import { displayName } from '../tenancy/index.ts';
import * as service from './sad.service.ts';

const ROLES: StaffRole[] = ['operator', 'ente_admin', 'data_publisher', 'analyst', 'sad_admin'];
type Form = { ente: string; email: string; name: string; role: string; areas: string };
type Errors = Partial<Record<keyof Form, MessageKey>>;

function StaffPage(props: {
  ctx: PageContext;
  scope: service.SadScope;
  form: Form;
  errors: Errors;
  csrf: string;
  result: { link: string | null; mailedTo: string | null } | null;
}) {
  const { ctx, scope, form, errors, csrf, result } = props;
  const { t } = ctx;
  const invalid = (Object.keys(errors) as (keyof Form)[]).map((field) => ({
    field,
    message: t(errors[field]!),
  }));
  return (
    <Layout
      ctx={ctx}
      brand={null}
      title={t('staff.title')}
      breadcrumbs={[{ label: t('sad.title'), href: '/sad' }, { label: t('staff.title') }]}
    >
      <div class="row mb-5">
        <div class="col-lg-8">
          <h1 class="mb-3">{t('staff.title')}</h1>
          <p>{t('staff.lead')}</p>
          {result && (
            <div class="alert alert-success" role="status">
              {result.link ? (
                <>
                  <p class="mb-1">{t('staff.link')}</p>
                  <code data-invitation>{result.link}</code>
                  {result.mailedTo && (
                    <p class="mt-2 mb-0">{t('staff.mailed', { email: result.mailedTo })}</p>
                  )}
                </>
              ) : (
                t('staff.granted')
              )}
            </div>
          )}
          <ErrorSummary title={t('admin.errors')} errors={invalid} />
          <form method="post" action="/sad/staff" novalidate>
            <CsrfField token={csrf} />
            <div class="select-wrapper mt-4">
              <label for="ente">{t('staff.ente')}</label>
              <select id="ente" name="ente">
                {[...scope.enti.values()].map((e) => (
                  <option value={e.id} selected={e.id === form.ente}>
                    {displayName(e)}
                  </option>
                ))}
              </select>
            </div>
            <Field
              name="name"
              label={t('staff.name')}
              value={form.name}
              error={errors.name && t(errors.name)}
              autocomplete="off"
            />
            <Field
              name="email"
              label={t('field.email')}
              type="email"
              value={form.email}
              error={errors.email && t(errors.email)}
              autocomplete="off"
            />
            <div class="select-wrapper mt-4">
              <label for="role">{t('staff.role')}</label>
              <select id="role" name="role">
                {ROLES.map((role) => (
                  <option value={role} selected={role === form.role}>
                    {t(`role.${role}`)}
                  </option>
                ))}
              </select>
            </div>
            <Field name="areas" label={t('staff.areas')} value={form.areas} />
            <button class="btn btn-primary mt-4" type="submit">
              {t('staff.submit')}
            </button>
          </form>
        </div>
      </div>
    </Layout>
  );
}

export function sadStaffPages(
  app: FastifyInstance,
  deps: { db: Db; identity: IdentityDeps; publicUrl: string },
) {
  const hide = { schema: { hide: true } };
  const show = (
    request: FastifyRequest,
    reply: FastifyReply,
    scope: service.SadScope,
    form: Form,
    errors: Errors,
    result: { link: string | null; mailedTo: string | null } | null,
    status = 200,
  ) =>
    reply
      .code(status)
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .send(
        renderPage(
          <StaffPage
            ctx={request.pageContext()}
            scope={scope}
            form={form}
            errors={errors}
            csrf={reply.generateCsrf()}
            result={result}
          />,
        ),
      );

  app.get('/sad/staff', hide, async (request, reply) => {
    const scope = await service.scopeOf(deps.db, request.principal);
    return show(
      request,
      reply,
      scope,
      { ente: '', email: '', name: '', role: 'operator', areas: '' },
      {},
      null,
    );
  });

  app.post('/sad/staff', hide, async (request, reply) => {
    const scope = await service.scopeOf(deps.db, request.principal);
    const body = (request.body ?? {}) as Record<string, unknown>;
    const field = (name: keyof Form) =>
      String(body[name] ?? '')
        .trim()
        .slice(0, 254);
    const form: Form = {
      ente: field('ente'),
      email: field('email'),
      name: field('name'),
      role: field('role'),
      areas: field('areas'),
    };
    const ente = scope.enti.get(form.ente);
    // An ente outside the admin's SADs is "not found"; a SAD admin role only on a SAD itself.
    if (!ente) throw PlatformErrors.notFound('ente');
    const role = ROLES.find((r) => r === form.role && (r !== 'sad_admin' || ente.kind === 'sad'));
    const errors: Errors = {};
    if (!form.name) errors.name = 'validation.required';
    if (!/^[^@\s]+@[^@\s]+\.[^@\s]{2,}$/.test(form.email)) errors.email = 'validation.email';
    if (!role || Object.keys(errors).length > 0) return show(request, reply, scope, form, errors, null, 400);
    const areas = form.areas
      ? form.areas
          .split(',')
          .map((a) => a.trim())
          .filter(Boolean)
      : undefined;
    const { invitation, mailed } = await inviteStaff(deps.identity, request.principal!.subject, {
      email: form.email,
      displayName: form.name,
      enteId: ente.id,
      role,
      ...(role === 'operator' && areas ? { areas } : {}),
    });
    const link = invitation ? invitationUrl(deps.publicUrl, invitation) : null;
    const mailedTo = mailed ? form.email : null;
    return show(request, reply, scope, { ...form, email: '', name: '', areas: '' }, {}, { link, mailedTo });
  });
}
