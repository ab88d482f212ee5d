// The frame of the operators' payments pages, /{slug}/backoffice/pagamenti…: the ente from the path, the
// policy check (payments.operate: its ente admin, or its operators of the "pagamenti" or "tributi" area
// or of every area), the page with the ente's brand and the tabs between the back office's pages.
import type { ComponentChildren } from 'preact';
import { can } from '../../platform/auth/policy.ts';
import type { MessageKey } from '../../platform/i18n/index.ts';
import type { PageContext, PortalBrand } from '../../platform/layout/context.ts';
import { Layout } from '../../platform/layout/Layout.tsx';
import { type EnteDirectory, enteScope } from '../tenancy/index.ts';

/** Service areas of the operators who work on payments. */
export const PAYMENT_AREAS = ['pagamenti', 'tributi'] as const;

export const backofficeBase = (brand: PortalBrand) => `/${brand.slug}/backoffice/pagamenti`;

export const backofficeScope = (directory: EnteDirectory) =>
  enteScope(directory, (principal, ente) =>
    PAYMENT_AREAS.some((area) => can(principal, 'payments.operate', { ...ente, area })),
  );

export type Tab = 'positions' | 'issues' | 'report' | 'imports';
const TABS: [Tab, string, MessageKey][] = [
  ['positions', '', 'payments.bo.tab.positions'],
  ['issues', '/segnalazioni', 'payments.bo.tab.issues'],
  ['report', '/riconciliazione', 'payments.bo.tab.report'],
  ['imports', '/importazioni', 'payments.bo.tab.imports'],
];

export function BackofficeFrame(props: {
  ctx: PageContext;
  brand: PortalBrand;
  title: string;
  tab: Tab;
  /** A page below a tab (a position, an import): the tab's page is in the breadcrumbs. */
  sub?: boolean;
  children: ComponentChildren;
}) {
  const { ctx, brand, title, tab } = props;
  const { t } = ctx;
  const base = backofficeBase(brand);
  const [, path, label] = TABS.find(([name]) => name === tab)!;
  const crumbs = [
    { label: t('breadcrumb.home'), href: `/${brand.slug}` },
    ...(props.sub || tab !== 'positions' ? [{ label: t('payments.bo.title'), href: base }] : []),
    ...(props.sub && tab !== 'positions' ? [{ label: t(label), href: `${base}${path}` }] : []),
    { label: title },
  ];
  return (
    <Layout ctx={ctx} brand={brand} title={title} breadcrumbs={crumbs}>
      <nav class="mt-3" aria-label={t('payments.bo.title')}>
        <ul class="nav nav-tabs">
          {TABS.map(([name, href, text]) => (
            <li class="nav-item">
              <a
                class={name === tab ? 'nav-link active' : 'nav-link'}
                href={`${base}${href}`}
                aria-current={name === tab ? 'page' : undefined}
              >
                {t(text)}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <div class="my-4">
        <h1 class="mb-4">{title}</h1>
        {props.children}
      </div>
    </Layout>
  );
}
