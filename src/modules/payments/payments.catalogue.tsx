// The catalogue of payable items on the ente admin's payments page: the list, and the pages that add,
// edit, deactivate and reactivate an item (an item in use is never deleted: positions refer to it).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Db } from '../../platform/db/database.ts';
import { PlatformErrors } from '../../platform/errors.ts';
import type { Lang } from '../../platform/i18n/index.ts';
import type { PageContext, PortalBrand } from '../../platform/layout/context.ts';
import { CsrfField, ErrorSummary, Field, PostButton, SelectField } from '../../platform/layout/forms.tsx';
import {
  type Errors,
  errorSummary,
  type Found,
  PaymentsFrame,
  pageErrors,
  sendPage,
} from './payments.admin-frame.tsx';
import { ITEM_CODE } from './payments.rules.ts';
import { ITEM_KINDS, type PaymentItem } from './payments.schema.ts';
import { checkItem, findItem, type ItemInput, saveItem } from './payments.settings.ts';

const euros = {
  it: new Intl.NumberFormat('it-IT', { style: 'currency', currency: 'EUR' }),
  en: new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'EUR' }),
};
export const formatEuros = (lang: Lang, cents: number) => euros[lang].format(cents / 100);
/** Cents as typed back into a form: "16,00" (the Italian way, which the parser also reads). */
const amountText = (cents: number | null) =>
  cents === null ? '' : (cents / 100).toFixed(2).replace('.', ',');

export function CatalogueSection(props: {
  ctx: PageContext;
  brand: PortalBrand;
  items: PaymentItem[];
  csrf: string;
}) {
  const { ctx, brand, items, csrf } = props;
  const { t } = ctx;
  const base = `/${brand.slug}/admin/pagamenti/voci`;
  return (
    <>
      <h2 class="h3 mt-5">{t('payments.catalogue.title')}</h2>
      <p>{t('payments.catalogue.lead')}</p>
      {items.length === 0 ? (
        <p>{t('payments.catalogue.none')}</p>
      ) : (
        <table class="table">
          <caption class="visually-hidden">{t('payments.catalogue.title')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('payments.item.code')}</th>
              <th scope="col">{t('payments.item.label')}</th>
              <th scope="col">{t('payments.item.kind')}</th>
              <th scope="col">{t('payments.item.amountShort')}</th>
              <th scope="col">{t('payments.item.status')}</th>
              <th scope="col">
                <span class="visually-hidden">{t('payments.catalogue.edit')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {items.map((item) => (
              <tr data-item={item.code}>
                <td>{item.code}</td>
                <td>{item.label}</td>
                <td>{t(`payments.kind.${item.kind}`)}</td>
                <td>
                  {item.defaultAmountCents === null ? '—' : formatEuros(ctx.lang, item.defaultAmountCents)}
                </td>
                <td>{t(item.active ? 'payments.item.active' : 'payments.item.inactive')}</td>
                <td class="d-flex gap-2 align-items-center">
                  <a href={`${base}/${item.code}`}>
                    {t('payments.catalogue.edit')}
                    <span class="visually-hidden"> {item.label}</span>
                  </a>
                  <PostButton
                    action={`${base}/${item.code}/stato`}
                    csrf={csrf}
                    label={`${t(item.active ? 'payments.catalogue.deactivate' : 'payments.catalogue.activate')}: ${item.label}`}
                    button="btn btn-outline-secondary btn-sm"
                    hidden={{ active: item.active ? '0' : '1' }}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <a class="btn btn-outline-primary mt-2" href={`${base}/nuova`}>
        {t('payments.catalogue.add')}
      </a>
    </>
  );
}

type ItemForm = Omit<ItemInput, 'active'> & { active: boolean };

function ItemPage(props: {
  ctx: PageContext;
  brand: PortalBrand;
  form: ItemForm;
  errors: Errors;
  csrf: string;
  mode: 'create' | 'update';
}) {
  const { ctx, brand, form, errors, mode } = props;
  const { t } = ctx;
  const back = `/${brand.slug}/admin/pagamenti`;
  const action = mode === 'create' ? `${back}/voci` : `${back}/voci/${form.code}`;
  const error = (name: string) => errors[name] && t(errors[name]!);
  const title = t(mode === 'create' ? 'payments.catalogue.add' : 'payments.catalogue.editTitle');
  return (
    <PaymentsFrame
      ctx={ctx}
      brand={brand}
      title={title}
      trail={[{ label: t('payments.admin.title'), href: back }]}
    >
      <ErrorSummary title={t('admin.errors')} errors={errorSummary(t, errors)} />
      <form method="post" action={action} novalidate>
        <CsrfField token={props.csrf} />
        {mode === 'create' ? (
          <Field
            name="code"
            label={t('payments.item.code')}
            value={form.code}
            maxLength={32}
            error={error('code')}
          />
        ) : (
          <p>
            {t('payments.item.code')}: <strong>{form.code}</strong>
          </p>
        )}
        <Field
          name="label"
          label={t('payments.item.label')}
          value={form.label}
          maxLength={140}
          error={error('label')}
        />
        <SelectField
          name="kind"
          label={t('payments.item.kind')}
          options={ITEM_KINDS.map((k) => ({ value: k, label: t(`payments.kind.${k}`) }))}
          value={form.kind}
          error={error('kind')}
        />
        <Field
          name="amount"
          label={t('payments.item.amount')}
          value={form.amount}
          inputMode="text"
          maxLength={20}
          error={error('amount')}
        />
        <Field
          name="taxonomy"
          label={t('payments.item.taxonomy')}
          value={form.taxonomy}
          maxLength={12}
          error={error('taxonomy')}
        />
        <div class="form-check mt-4">
          <input id="active" name="active" type="checkbox" value="1" checked={form.active} />
          <label for="active">{t('payments.item.active')}</label>
        </div>
        <button type="submit" class="btn btn-primary mt-4">
          {t('admin.save')}
        </button>
      </form>
      <p class="mt-5">
        <a href={back}>{t('payments.catalogue.back')}</a>
      </p>
    </PaymentsFrame>
  );
}

export function cataloguePages(
  app: FastifyInstance,
  deps: { db: Db; scope: (request: FastifyRequest) => Promise<Found> },
) {
  const hide = { schema: { hide: true } };
  const actor = (request: FastifyRequest) => ({ subject: request.principal!.subject, requestId: request.id });
  const body = (request: FastifyRequest) => (request.body ?? {}) as Record<string, unknown>;
  const text = (request: FastifyRequest, name: string) => {
    const value = body(request)[name];
    return typeof value === 'string' ? value.slice(0, 300) : '';
  };
  const formOf = (request: FastifyRequest, code: string): ItemForm => ({
    code,
    label: text(request, 'label'),
    kind: text(request, 'kind'),
    amount: text(request, 'amount'),
    taxonomy: text(request, 'taxonomy'),
    active: text(request, 'active') === '1',
  });
  const page = (
    request: FastifyRequest,
    reply: FastifyReply,
    form: ItemForm,
    errors: Errors,
    mode: 'create' | 'update',
    status = 200,
  ) =>
    sendPage(
      reply,
      <ItemPage
        ctx={request.pageContext()}
        brand={request.brand!}
        form={form}
        errors={errors}
        csrf={reply.generateCsrf()}
        mode={mode}
      />,
      status,
    );
  const itemOf = async (request: FastifyRequest, found: Found) => {
    const { code } = request.params as { code: string };
    const item = ITEM_CODE.test(code) ? await findItem(deps.db, found.ente.id, code) : undefined;
    if (!item) throw PlatformErrors.notFound('item');
    return item;
  };
  const save = async (
    request: FastifyRequest,
    reply: FastifyReply,
    found: Found,
    form: ItemForm,
    mode: 'create' | 'update',
  ) => {
    const { issues } = checkItem(form);
    if (issues.length > 0) return page(request, reply, form, pageErrors(issues), mode, 400);
    try {
      await saveItem(deps.db, actor(request), found.ente.id, form, mode);
    } catch (error) {
      if ((error as { code?: string }).code !== 'ITEM_EXISTS') throw error;
      return page(request, reply, form, { code: 'payments.rule.itemExists' }, mode, 409);
    }
    return reply.redirect(`/${found.ente.slug}/admin/pagamenti?voce=1`, 303);
  };

  app.get('/:slug/admin/pagamenti/voci/nuova', hide, async (request, reply) => {
    await deps.scope(request);
    const form = { code: '', label: '', kind: 'service_fee', amount: '', taxonomy: '', active: true };
    return page(request, reply, form, {}, 'create');
  });

  app.post('/:slug/admin/pagamenti/voci', hide, async (request, reply) => {
    const found = await deps.scope(request);
    return save(request, reply, found, formOf(request, text(request, 'code')), 'create');
  });

  app.get('/:slug/admin/pagamenti/voci/:code', hide, async (request, reply) => {
    const item = await itemOf(request, await deps.scope(request));
    const form = { ...item, amount: amountText(item.defaultAmountCents) };
    return page(request, reply, form, {}, 'update');
  });

  app.post('/:slug/admin/pagamenti/voci/:code', hide, async (request, reply) => {
    const found = await deps.scope(request);
    const item = await itemOf(request, found);
    return save(request, reply, found, formOf(request, item.code), 'update');
  });

  app.post('/:slug/admin/pagamenti/voci/:code/stato', hide, async (request, reply) => {
    const found = await deps.scope(request);
    const item = await itemOf(request, found);
    const form = {
      ...item,
      amount: amountText(item.defaultAmountCents),
      active: text(request, 'active') === '1',
    };
    await saveItem(deps.db, actor(request), found.ente.id, form, 'update');
    return reply.redirect(`/${found.ente.slug}/admin/pagamenti?voce=1`, 303);
  });
}
