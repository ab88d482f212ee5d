// The frame of the ente admin's payments pages (/{slug}/admin/pagamenti…): the ente resolved from the
// path, the policy check (its ente admin, or an admin of its SAD), the page with the ente's brand, and
// field errors as page messages.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ComponentChildren, VNode } from 'preact';
import { can } from '../../platform/auth/policy.ts';
import { PlatformErrors } from '../../platform/errors.ts';
import type { MessageKey, Translate } from '../../platform/i18n/index.ts';
import type { PageContext, PortalBrand } from '../../platform/layout/context.ts';
import { Layout, renderPage } from '../../platform/layout/Layout.tsx';
import { type EnteDirectory, toBrand } from '../tenancy/index.ts';
import type { FieldIssue, Rule } from './payments.rules.ts';

export type Errors = Partial<Record<string, MessageKey>>;
export type Found = NonNullable<Awaited<ReturnType<EnteDirectory['bySlug']>>>;

const RULE_KEYS: Partial<Record<Rule, MessageKey>> = {
  required: 'validation.required',
  tooLong: 'validation.tooLong',
  enteFiscalCode: 'validation.fiscalCode',
  segregationCode: 'payments.rule.segregationCode',
  iban: 'payments.rule.iban',
  postalAccount: 'payments.rule.postalAccount',
  cbill: 'payments.rule.cbill',
  gpdKey: 'payments.rule.gpdKey',
  itemCode: 'payments.rule.itemCode',
  itemKind: 'payments.rule.itemKind',
  amount: 'payments.rule.amount',
  taxonomy: 'payments.rule.taxonomy',
};

/** Field issues as page messages, one per field. */
export const pageErrors = (issues: FieldIssue[]): Errors =>
  Object.fromEntries(issues.map((i) => [i.field, RULE_KEYS[i.rule] ?? 'validation.required']));

export const errorSummary = (t: Translate, errors: Errors) =>
  Object.entries(errors).map(([field, key]) => ({ field, message: t(key!) }));

/** Resolves /:slug, frames the page with the ente's brand, and lets in its ente admin or a SAD admin. */
export function paymentsAdminScope(directory: EnteDirectory) {
  return async (request: FastifyRequest): Promise<Found> => {
    const { slug } = request.params as { slug: string };
    const found = /^[a-z0-9-]{1,63}$/.test(slug) ? await directory.bySlug(slug) : null;
    if (!found) throw PlatformErrors.notFound('ente');
    request.brand = toBrand(found);
    if (!request.principal) throw PlatformErrors.unauthenticated();
    const { ente } = found;
    if (!can(request.principal, 'payments.manage', { enteId: ente.id, sadId: ente.sadId ?? ente.id })) {
      throw PlatformErrors.forbidden();
    }
    return found;
  };
}

export function PaymentsFrame(props: {
  ctx: PageContext;
  brand: PortalBrand;
  title: string;
  trail?: { label: string; href: string }[];
  children: ComponentChildren;
}) {
  const { ctx, brand, title } = props;
  const home = { label: ctx.t('breadcrumb.home'), href: `/${brand.slug}` };
  return (
    <Layout
      ctx={ctx}
      brand={brand}
      title={title}
      breadcrumbs={[home, ...(props.trail ?? []), { label: title }]}
    >
      <div class="row my-4">
        <div class="col-lg-9">
          <h1 class="mb-3">{title}</h1>
          {props.children}
        </div>
      </div>
    </Layout>
  );
}

export const sendPage = (reply: FastifyReply, page: VNode, status = 200) =>
  reply
    .code(status)
    .type('text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .send(renderPage(page));

export const Notice = ({ text }: { text: string }) => (
  <div class="alert alert-success" role="status">
    {text}
  </div>
);
