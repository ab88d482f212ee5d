// The ente admin's payments page, /{slug}/admin/pagamenti: the pagoPA settings (creditor fiscal code,
// segregation code, IBAN, postal account, CBILL, pagoPA intermediary and station, GPD subscription key,
// which is write-only) and the catalogue of payable items (payments.catalogue.tsx). Plain HTML forms
// with CSRF, errors next to each field and a summary at the top; every change is audited by the service.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Db } from '../../platform/db/database.ts';
import type { MessageKey } from '../../platform/i18n/index.ts';
import type { PageContext, PortalBrand } from '../../platform/layout/context.ts';
import { CsrfField, ErrorSummary, Field } from '../../platform/layout/forms.tsx';
import type { EnteDirectory } from '../tenancy/index.ts';
import {
  type Errors,
  errorSummary,
  type Found,
  Notice,
  PaymentsFrame,
  pageErrors,
  paymentsAdminScope,
  sendPage,
} from './payments.admin-frame.tsx';
import { CatalogueSection, cataloguePages } from './payments.catalogue.tsx';
import type { PaymentItem, PaymentSettings } from './payments.schema.ts';
import {
  checkSettings,
  listItems,
  paymentSettings,
  type SettingsInput,
  saveSettings,
} from './payments.settings.ts';

type SettingsForm = Omit<SettingsInput, 'gpdKey'>;

const SETTINGS_FIELDS = [
  ['creditorFiscalCode', 'payments.field.creditorFiscalCode', 11, 'numeric'],
  ['segregationCode', 'payments.field.segregationCode', 2, 'numeric'],
  ['iban', 'payments.field.iban', 34, 'text'],
  ['postalAccount', 'payments.field.postalAccount', 12, 'numeric'],
  ['cbill', 'payments.field.cbill', 5, 'text'],
  ['intermediaryFiscalCode', 'payments.field.intermediaryFiscalCode', 11, 'numeric'],
  ['stationId', 'payments.field.stationId', 14, 'text'],
] as const;

function PaymentsPage(props: {
  ctx: PageContext;
  brand: PortalBrand;
  settings: PaymentSettings | undefined;
  form: SettingsForm;
  errors: Errors;
  items: PaymentItem[];
  csrf: string;
  notice: MessageKey | null;
}) {
  const { ctx, brand, settings, form, errors, csrf } = props;
  const { t } = ctx;
  const error = (name: string) => errors[name] && t(errors[name]!);
  return (
    <PaymentsFrame ctx={ctx} brand={brand} title={t('payments.admin.title')}>
      <p>{t('payments.admin.lead', { name: brand.name })}</p>
      {props.notice && <Notice text={t(props.notice)} />}
      <h2 class="h3 mt-5">{t('payments.settings.title')}</h2>
      {!settings && <p data-payments-unconfigured>{t('payments.settings.none')}</p>}
      <ErrorSummary title={t('admin.errors')} errors={errorSummary(t, errors)} />
      <form method="post" action={`/${brand.slug}/admin/pagamenti`} novalidate>
        <CsrfField token={csrf} />
        {SETTINGS_FIELDS.map(([name, label, maxLength, inputMode]) => (
          <Field
            name={name}
            label={t(label)}
            value={form[name]}
            maxLength={maxLength + 8}
            inputMode={inputMode}
            error={error(name)}
          />
        ))}
        <Field
          name="gpdKey"
          label={t(settings?.hasGpdKey ? 'payments.field.gpdKey.keep' : 'payments.field.gpdKey')}
          type="password"
          autocomplete="new-password"
          maxLength={200}
          error={error('gpdKey')}
        />
        <button type="submit" class="btn btn-primary mt-4">
          {t('admin.save')}
        </button>
      </form>
      <CatalogueSection ctx={ctx} brand={brand} items={props.items} csrf={csrf} />
    </PaymentsFrame>
  );
}

export function paymentsAdminPages(
  app: FastifyInstance,
  deps: { db: Db; directory: EnteDirectory; sealKey: string },
) {
  const scope = paymentsAdminScope(deps.directory);
  const hide = { schema: { hide: true } };
  const base = (found: Found) => `/${found.ente.slug}/admin/pagamenti`;

  const show = async (
    request: FastifyRequest,
    reply: FastifyReply,
    found: Found,
    form: SettingsForm | null,
    errors: Errors,
    status = 200,
  ) => {
    const enteId = found.ente.id;
    const settings = await paymentSettings(deps.db, enteId);
    const query = request.query as { salvato?: string; voce?: string };
    const notice =
      query.salvato === '1'
        ? 'payments.settings.saved'
        : query.voce === '1'
          ? 'payments.catalogue.saved'
          : null;
    return sendPage(
      reply,
      <PaymentsPage
        ctx={request.pageContext()}
        brand={request.brand!}
        settings={settings}
        form={
          form ?? {
            creditorFiscalCode: settings?.creditorFiscalCode ?? found.ente.fiscalCode ?? '',
            segregationCode: settings?.segregationCode ?? '',
            iban: settings?.iban ?? '',
            postalAccount: settings?.postalAccount ?? '',
            cbill: settings?.cbill ?? '',
            intermediaryFiscalCode: settings?.intermediaryFiscalCode ?? '',
            stationId: settings?.stationId ?? '',
          }
        }
        errors={errors}
        items={await listItems(deps.db, enteId)}
        csrf={reply.generateCsrf()}
        notice={form ? null : notice}
      />,
      status,
    );
  };

  app.get('/:slug/admin/pagamenti', hide, async (request, reply) =>
    show(request, reply, await scope(request), null, {}),
  );

  app.post('/:slug/admin/pagamenti', hide, async (request, reply) => {
    const found = await scope(request);
    const body = (request.body ?? {}) as Record<string, unknown>;
    const field = (name: string) =>
      typeof body[name] === 'string' ? (body[name] as string).slice(0, 300) : '';
    const input: SettingsInput = {
      creditorFiscalCode: field('creditorFiscalCode'),
      segregationCode: field('segregationCode'),
      iban: field('iban'),
      postalAccount: field('postalAccount'),
      cbill: field('cbill'),
      intermediaryFiscalCode: field('intermediaryFiscalCode'),
      stationId: field('stationId'),
      gpdKey: field('gpdKey'),
    };
    const { gpdKey: _secret, ...form } = input;
    const before = await paymentSettings(deps.db, found.ente.id);
    const { issues } = checkSettings(input, before?.hasGpdKey ?? false);
    if (issues.length > 0) return show(request, reply, found, form, pageErrors(issues), 400);
    try {
      await saveSettings(
        deps.db,
        deps.sealKey,
        { subject: request.principal!.subject, requestId: request.id },
        found.ente.id,
        input,
      );
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code !== 'CREDITOR_TAKEN' && code !== 'CREDITOR_FIXED') throw error;
      const message =
        code === 'CREDITOR_TAKEN' ? 'payments.rule.creditorTaken' : 'payments.rule.creditorFixed';
      return show(request, reply, found, form, { creditorFiscalCode: message }, 409);
    }
    return reply.redirect(`${base(found)}?salvato=1`, 303);
  });

  cataloguePages(app, { db: deps.db, scope });
}
