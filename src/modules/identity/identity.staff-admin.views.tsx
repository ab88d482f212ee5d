// The ente admin's staff pages, the views: the list with the invitation form, and one person's roles.
import type { ComponentChildren } from 'preact';
import type { MessageKey, Translate } from '../../platform/i18n/index.ts';
import type { PageContext, PortalBrand } from '../../platform/layout/context.ts';
import { CsrfField, ErrorSummary, Field, PostButton, SelectField } from '../../platform/layout/forms.tsx';
import { AdminFrame } from './identity.admin-frame.tsx';
import { ENTE_ROLES, type StaffMember } from './staff-admin.ts';

export type Errors = Partial<Record<string, MessageKey>>;

const roleOptions = (t: Translate) => ENTE_ROLES.map((role) => ({ value: role, label: t(`role.${role}`) }));
const grantLabel = (t: Translate, g: StaffMember['grants'][number]) =>
  `${t(`role.${g.role}`)}${g.areas ? ` (${t('people.areas', { areas: g.areas.join(', ') })})` : ''}`;
const summary = (t: Translate, errors: Errors) =>
  Object.entries(errors).map(([field, key]) => ({ field, message: t(key!) }));
export const parseAreas = (text: string) =>
  text
    .split(',')
    .map((a) => a.trim().slice(0, 100))
    .filter(Boolean)
    .slice(0, 50);

export type InviteForm = { name: string; email: string; role: string; areas: string };

export function StaffList(props: {
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

export type ChangeForm = { from: string; role: string; areas: string };

export function PersonPage(props: {
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

export const Notice = ({ text, link, mailed }: { text: string; link?: string; mailed?: string | null }) => (
  <div class="alert alert-success" role="status">
    <p class="mb-1">{text}</p>
    {link && <code data-invitation>{link}</code>}
    {mailed && <p class="mt-2 mb-0">{mailed}</p>}
  </div>
);
