// The ente admin's staff pages under /{slug}/admin/personale: who works for the ente with which roles,
// invitations (the activation link shown as in the SAD console), role changes and revocations.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ComponentChildren } from 'preact';
import { PlatformErrors } from '../../platform/errors.ts';
import type { MessageKey, Translate } from '../../platform/i18n/index.ts';
import type { PageContext, PortalBrand } from '../../platform/layout/context.ts';
import { CsrfField, ErrorSummary, Field, PostButton, SelectField } from '../../platform/layout/forms.tsx';
import { isMailAddress } from '../../platform/mail/mail.ts';
import type { EnteDirectory } from '../tenancy/index.ts';
import { AdminFrame, type EnteWithSad, enteAdminScope, sendPage } from './identity.admin-frame.tsx';
import { type IdentityDeps, inviteStaff } from './identity.service.ts';
import { invitationUrl } from './index.ts';
import { changeStaffRole, ENTE_ROLES, listStaff, revokeStaffGrant, type StaffMember } from './staff-admin.ts';

type Errors = Partial<Record<string, MessageKey>>;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const roleOptions = (t: Translate) => ENTE_ROLES.map((role) => ({ value: role, label: t(`role.${role}`) }));
const grantLabel = (t: Translate, g: StaffMember['grants'][number]) =>
  `${t(`role.${g.role}`)}${g.areas ? ` (${t('people.areas', { areas: g.areas.join(', ') })})` : ''}`;
const summary = (t: Translate, errors: Errors) =>
  Object.entries(errors).map(([field, key]) => ({ field, message: t(key!) }));
const parseAreas = (text: string) =>
  text
    .split(',')
    .map((a) => a.trim().slice(0, 100))
    .filter(Boolean)
    .slice(0, 50);

type InviteForm = { name: string; email: string; role: string; areas: string };

function StaffList(props: {
  ctx: PageContext;
  brand: PortalBrand;
  staff: StaffMember[];
  form: InviteForm;
  errors: Errors;
  csrf: string;
  notice: ComponentChildren;
}) {
  const { ctx, brand, staff, form, errors } = props;
  const { t } = ctx;
  const base = `/${brand.slug}/admin/personale`;
  return (
    <AdminFrame ctx={ctx} brand={brand} title={t('people.title')}>
      <p>{t('people.lead', { name: brand.name })}</p>
      {props.notice}
      {staff.length === 0 ? (
        <p>{t('people.none')}</p>
      ) : (
        <table class="table">
          <caption class="visually-hidden">{t('people.title')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('staff.name')}</th>
              <th scope="col">{t('field.email')}</th>
              <th scope="col">{t('people.roles')}</th>
              <th scope="col">{t('people.status')}</th>
              <th scope="col">
                <span class="visually-hidden">{t('people.manage')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {staff.map((m) => (
              <tr data-staff={m.email}>
                <td>{m.displayName}</td>
                <td>{m.email}</td>
                <td>{m.grants.map((g) => grantLabel(t, g)).join('; ')}</td>
                <td>{t(m.active ? 'people.active' : 'people.pending')}</td>
                <td>
                  <a href={`${base}/${m.userId}`}>
                    {t('people.manage')}
                    <span class="visually-hidden"> {t('people.manageOf', { name: m.displayName })}</span>
                  </a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2 class="h3 mt-5">{t('people.invite')}</h2>
      <p>{t('people.invite.lead')}</p>
      <ErrorSummary title={t('admin.errors')} errors={summary(t, errors)} />
      <form method="post" action={base} novalidate>
        <CsrfField token={props.csrf} />
        <Field name="name" label={t('staff.name')} value={form.name} error={errors.name && t(errors.name)} />
        <Field
          name="email"
          label={t('field.email')}
          type="email"
          value={form.email}
          autocomplete="off"
          error={errors.email && t(errors.email)}
        />
        <SelectField
          name="role"
          label={t('staff.role')}
          options={roleOptions(t)}
          value={form.role}
          error={errors.role && t(errors.role)}
        />
        <Field name="areas" label={t('staff.areas')} value={form.areas} />
        <button class="btn btn-primary mt-4" type="submit">
          {t('staff.submit')}
        </button>
      </form>
    </AdminFrame>
  );
}

type ChangeForm = { from: string; role: string; areas: string };

function PersonPage(props: {
  ctx: PageContext;
  brand: PortalBrand;
  member: StaffMember;
  form: ChangeForm;
  errors: Errors;
  csrf: string;
  notice: ComponentChildren;
}) {
  const { ctx, brand, member, form, errors, csrf } = props;
  const { t } = ctx;
  const base = `/${brand.slug}/admin/personale`;
  const own = member.grants.filter((g) => ENTE_ROLES.includes(g.role));
  return (
    <AdminFrame
      ctx={ctx}
      brand={brand}
      title={member.displayName}
      trail={[{ label: t('people.title'), href: base }]}
    >
      <p>{t('people.person.lead', { name: member.displayName, email: member.email, ente: brand.name })}</p>
      {props.notice}
      <ul class="list-unstyled">
        {member.grants.map((g) => (
          <li class="d-flex align-items-center gap-3 mb-2" data-grant={g.role}>
            <span>{grantLabel(t, g)}</span>
            {ENTE_ROLES.includes(g.role) ? (
              <PostButton
                action={`${base}/${member.userId}/revoca`}
                csrf={csrf}
                label={`${t('people.revoke')}: ${t(`role.${g.role}`)}`}
                button="btn btn-outline-danger btn-sm"
                hidden={{ role: g.role }}
              />
            ) : (
              <em>{t('people.sadOnly')}</em>
            )}
          </li>
        ))}
      </ul>
      {own.length > 0 && (
        <>
          <h2 class="h3 mt-5">{t('people.change')}</h2>
          <ErrorSummary title={t('admin.errors')} errors={summary(t, errors)} />
          <form method="post" action={`${base}/${member.userId}/ruolo`} novalidate>
            <CsrfField token={csrf} />
            <SelectField
              name="from"
              label={t('people.change.from')}
              options={own.map((g) => ({ value: g.role, label: t(`role.${g.role}`) }))}
              value={form.from}
              error={errors.from && t(errors.from)}
            />
            <SelectField
              name="role"
              label={t('people.change.to')}
              options={roleOptions(t)}
              value={form.role}
              error={errors.role && t(errors.role)}
            />
            <Field name="areas" label={t('staff.areas')} value={form.areas} />
            <button class="btn btn-primary mt-4" type="submit">
              {t('people.change.submit')}
            </button>
          </form>
        </>
      )}
      <p class="mt-5">
        <a href={base}>{t('people.back')}</a>
      </p>
    </AdminFrame>
  );
}

const Notice = ({ text, link, mailed }: { text: string; link?: string; mailed?: string | null }) => (
  <div class="alert alert-success" role="status">
    <p class="mb-1">{text}</p>
    {link && <code data-invitation>{link}</code>}
    {mailed && <p class="mt-2 mb-0">{mailed}</p>}
  </div>
);

export function staffAdminPages(
  app: FastifyInstance,
  deps: IdentityDeps & { publicUrl: string; directory: EnteDirectory },
) {
  const scope = enteAdminScope(deps.directory);
  const hide = { schema: { hide: true } };
  const actorOf = (request: FastifyRequest) => ({
    subject: request.principal!.subject,
    requestId: request.id,
    ...(request.principal!.userId ? { userId: request.principal!.userId } : {}),
  });
  const field = (request: FastifyRequest, name: string) =>
    String(((request.body ?? {}) as Record<string, unknown>)[name] ?? '')
      .trim()
      .slice(0, 254);

  const showList = async (
    request: FastifyRequest,
    reply: FastifyReply,
    found: EnteWithSad,
    form: InviteForm,
    errors: Errors,
    notice: ComponentChildren = null,
  ) =>
    sendPage(
      reply,
      <StaffList
        ctx={request.pageContext()}
        brand={request.brand!}
        staff={await listStaff(deps, found.ente.id)}
        form={form}
        errors={errors}
        csrf={reply.generateCsrf()}
        notice={notice}
      />,
      Object.keys(errors).length > 0 ? 400 : 200,
    );

  const emptyInvite: InviteForm = { name: '', email: '', role: 'operator', areas: '' };

  app.get('/:slug/admin/personale', hide, async (request, reply) => {
    const found = await scope(request);
    const revoked = (request.query as { revocato?: string }).revocato === '1';
    const notice = revoked ? <Notice text={request.t('people.revoked')} /> : null;
    return showList(request, reply, found, emptyInvite, {}, notice);
  });

  app.post('/:slug/admin/personale', hide, async (request, reply) => {
    const found = await scope(request);
    const form: InviteForm = {
      name: field(request, 'name'),
      email: field(request, 'email'),
      role: field(request, 'role'),
      areas: field(request, 'areas'),
    };
    const role = ENTE_ROLES.find((r) => r === form.role);
    const errors: Errors = {};
    if (!form.name) errors.name = 'validation.required';
    if (!isMailAddress(form.email)) errors.email = 'validation.email';
    if (!role) errors.role = 'validation.role';
    if (!role || Object.keys(errors).length > 0) return showList(request, reply, found, form, errors);
    const areas = parseAreas(form.areas);
    const { invitation, mailed } = await inviteStaff(deps, request.principal!.subject, {
      email: form.email,
      displayName: form.name.slice(0, 200),
      enteId: found.ente.id,
      role,
      ...(role === 'operator' && areas.length > 0 ? { areas } : {}),
    });
    const { t } = request;
    const notice = invitation ? (
      <Notice
        text={t('staff.link')}
        link={invitationUrl(deps.publicUrl, invitation)}
        mailed={mailed ? t('staff.mailed', { email: form.email }) : null}
      />
    ) : (
      <Notice text={t('staff.granted')} />
    );
    return showList(request, reply, found, emptyInvite, {}, notice);
  });

  const memberOf = async (request: FastifyRequest, found: EnteWithSad) => {
    const { userId } = request.params as { userId: string };
    const member = UUID.test(userId) ? (await listStaff(deps, found.ente.id, userId))[0] : undefined;
    if (!member) throw PlatformErrors.notFound('staff member');
    return member;
  };

  const showPerson = async (
    request: FastifyRequest,
    reply: FastifyReply,
    found: EnteWithSad,
    form: ChangeForm | null,
    errors: Errors,
    status = 200,
  ) => {
    const member = await memberOf(request, found);
    const first = member.grants.find((g) => ENTE_ROLES.includes(g.role));
    const changed = (request.query as { cambiato?: string }).cambiato === '1';
    return sendPage(
      reply,
      <PersonPage
        ctx={request.pageContext()}
        brand={request.brand!}
        member={member}
        form={form ?? { from: first?.role ?? '', role: first?.role ?? 'operator', areas: '' }}
        errors={errors}
        csrf={reply.generateCsrf()}
        notice={changed && status === 200 ? <Notice text={request.t('people.changed')} /> : null}
      />,
      status,
    );
  };

  app.get('/:slug/admin/personale/:userId', hide, async (request, reply) =>
    showPerson(request, reply, await scope(request), null, {}),
  );

  app.post('/:slug/admin/personale/:userId/ruolo', hide, async (request, reply) => {
    const found = await scope(request);
    const member = await memberOf(request, found);
    const form: ChangeForm = {
      from: field(request, 'from'),
      role: field(request, 'role'),
      areas: field(request, 'areas'),
    };
    const from = member.grants.find((g) => g.role === form.from && ENTE_ROLES.includes(g.role))?.role;
    const to = ENTE_ROLES.find((r) => r === form.role);
    if (!from) return showPerson(request, reply, found, form, { from: 'validation.role' }, 400);
    if (!to) return showPerson(request, reply, found, form, { role: 'validation.role' }, 400);
    const areas = parseAreas(form.areas);
    try {
      await changeStaffRole(deps, actorOf(request), {
        enteId: found.ente.id,
        userId: member.userId,
        from,
        to,
        ...(areas.length > 0 ? { areas } : {}),
      });
    } catch (error) {
      const refused = refusal(error);
      if (!refused) throw error;
      return showPerson(request, reply, found, form, { [refused.field]: refused.message }, 409);
    }
    return reply.redirect(`/${found.ente.slug}/admin/personale/${member.userId}?cambiato=1`, 303);
  });

  app.post('/:slug/admin/personale/:userId/revoca', hide, async (request, reply) => {
    const found = await scope(request);
    const member = await memberOf(request, found);
    const role = member.grants.find((g) => g.role === field(request, 'role'))?.role;
    if (!role) throw PlatformErrors.notFound('grant');
    try {
      await revokeStaffGrant(deps, actorOf(request), {
        enteId: found.ente.id,
        userId: member.userId,
        role,
      });
    } catch (error) {
      const refused = refusal(error);
      if (!refused) throw error;
      return showPerson(request, reply, found, null, { [refused.field]: refused.message }, 409);
    }
    return reply.redirect(`/${found.ente.slug}/admin/personale?revocato=1`, 303);
  });
}

/** The service's refusals a person can act on, as a message next to the role field. */
function refusal(error: unknown): { field: string; message: MessageKey } | null {
  const code = (error as { code?: string }).code;
  if (code === 'OWN_ADMIN_GRANT') return { field: 'role', message: 'people.error.own' };
  if (code === 'ROLE_HELD') return { field: 'role', message: 'people.error.held' };
  return null;
}
