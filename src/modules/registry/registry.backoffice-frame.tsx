// The frame of the registry office's back-office pages, /{slug}/backoffice/anagrafe…: the ente from the
// path, the policy check (registry.operate: its ente admin, or its operators of the "anagrafe" area or of
// every area), the ente's brand and the tabs between counter issuing, issued certificates and imports.
import type { ComponentChildren } from 'preact';
import { can } from '../../platform/auth/policy.ts';
import type { PageContext, PortalBrand } from '../../platform/layout/context.ts';
import { type EnteDirectory, enteScope, type SectionTab, TabbedFrame } from '../tenancy/index.ts';

/** The service area of the registry office's operators. */
export const REGISTRY_AREA = 'anagrafe';

export const registryBase = (brand: PortalBrand) => `/${brand.slug}/backoffice/anagrafe`;

export const registryScope = (directory: EnteDirectory) =>
  enteScope(directory, (principal, ente) =>
    can(principal, 'registry.operate', { ...ente, area: REGISTRY_AREA }),
  );

export type RegistryTab = 'counter' | 'issued' | 'imports';
const TABS: SectionTab<RegistryTab>[] = [
  ['counter', '', 'registry.bo.tab.counter'],
  ['issued', '/certificati', 'registry.bo.tab.issued'],
  ['imports', '/importazioni', 'registry.bo.tab.imports'],
];

export const RegistryFrame = (props: {
  ctx: PageContext;
  brand: PortalBrand;
  title: string;
  tab: RegistryTab;
  /** A page below a tab: the tab's page is in the breadcrumbs. */
  sub?: boolean;
  children: ComponentChildren;
}) => (
  <TabbedFrame
    {...props}
    section={props.ctx.t('registry.bo.title')}
    base={registryBase(props.brand)}
    tabs={TABS}
  />
);
