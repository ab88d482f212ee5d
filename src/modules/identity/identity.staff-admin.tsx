// The ente admin's staff pages under /{slug}/admin/personale: who works for the ente with which roles,
// invitations (the activation link shown as in the SAD console), role changes and revocations.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ComponentChildren } from 'preact';
import { PlatformErrors } from '../../platform/errors.ts';
import type { MessageKey } from '../../platform/i18n/index.ts';
import { isUuid } from '../../platform/ids.ts';
import { isMailAddress } from '../../platform/mail/mail.ts';
import type { EnteDirectory } from '../tenancy/index.ts';
import { type EnteWithSad, enteAdminScope, sendPage } from './identity.admin-frame.tsx';
import { type IdentityDeps, inviteStaff } from './identity.service.ts';
import {
  type ChangeForm,
  type Errors,
  type InviteForm,
  Notice,
  PersonPage,
  parseAreas,
  StaffList,
} from './identity.staff-admin.views.tsx';
import { invitationUrl } from './index.ts';
import { changeStaffRole, ENTE_ROLES, listStaff, revokeStaffGrant } from './staff-admin.ts';

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
    let invited: Awaited<ReturnType<typeof inviteStaff>>;
    try {
      invited = await inviteStaff(
        deps,
        request.principal!.subject,
        {
          email: form.email,
          displayName: form.name.slice(0, 200),
          enteId: found.ente.id,
          role,
          ...(role === 'operator' && areas.length > 0 ? { areas } : {}),
        },
        { onlyEnte: true },
      );
    } catch (error) {
      const refused = refusal(error);
      if (!refused) throw error;
      return showList(request, reply, found, form, { [refused.field]: refused.message });
    }
    const { invitation, mailed } = invited;
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
    const member = isUuid(userId) ? (await listStaff(deps, found.ente.id, userId))[0] : undefined;
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

/** The service's refusals a person can act on, as a message next to the field concerned. */
function refusal(error: unknown): { field: string; message: MessageKey } | null {
  const code = (error as { code?: string }).code;
  if (code === 'OWN_ADMIN_GRANT') return { field: 'role', message: 'people.error.own' };
  if (code === 'ROLE_HELD') return { field: 'role', message: 'people.error.held' };
  if (code === 'STAFF_ELSEWHERE') return { field: 'email', message: 'staff.elsewhere' };
  return null;
}
