// The frame of the registry office's back-office pages, /{slug}/backoffice/anagrafe…: the ente from the
// path, the policy check (registry.operate: its ente admin, or its operators of the "anagrafe" area or of
// every area), the ente's brand and the tabs between counter issuing, issued certificates and imports.
import type { ComponentChildren } from 'preact';
import { can } from '../../platform/auth/policy.ts';
import type { MessageKey } from '../../platform/i18n/index.ts';
import type { PageContext, PortalBrand } from '../../platform/layout/context.ts';
import { Layout } from '../../platform/layout/Layout.tsx';
import { type EnteDirectory, enteScope } from '../tenancy/index.ts';

/** The service area of the registry office's operators. */
export const REGISTRY_AREA = 'anagrafe';

export const registryBase = (brand: PortalBrand) => `/${brand.slug}/backoffice/anagrafe`;

export const registryScope = (directory: EnteDirectory) =>
  enteScope(directory, (principal, ente) =>
    can(principal, 'registry.operate', { ...ente, area: REGISTRY_AREA }),
  );

export type RegistryTab = 'counter' | 'issued' | 'imports';
const TABS: [RegistryTab, string, MessageKey][] = [
  ['counter', '', 'registry.bo.tab.counter'],
  ['issued', '/certificati', 'registry.bo.tab.issued'],
  ['imports', '/importazioni', 'registry.bo.tab.imports'],
];

export function RegistryFrame(props: {
  ctx: PageContext;
  brand: PortalBrand;
  title: string;
  tab: RegistryTab;
  /** A page below a tab (a certificate, an import): the tab's page is in the breadcrumbs. */
  sub?: boolean;
  children: ComponentChildren;
}) {
  const { ctx, brand, title, tab } = props;
  const { t } = ctx;
  const base = registryBase(brand);
  const [, path, label] = TABS.find(([name]) => name === tab)!;
  const crumbs = [
    { label: t('breadcrumb.home'), href: `/${brand.slug}` },
    ...(props.sub || tab !== 'counter' ? [{ label: t('registry.bo.title'), href: base }] : []),
    ...(props.sub && tab !== 'counter' ? [{ label: t(label), href: `${base}${path}` }] : []),
    { label: title },
  ];
  return (
    <Layout ctx={ctx} brand={brand} title={title} breadcrumbs={crumbs}>
      <nav class="mt-3" aria-label={t('registry.bo.title')}>
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
