// The frame of the operators' payments pages, /{slug}/backoffice/pagamenti…: the ente from the path, the
// policy check (payments.operate: its ente admin, or its operators of the "pagamenti" or "tributi" area
// or of every area), the page with the ente's brand and the tabs between the back office's pages.
import type { ComponentChildren } from 'preact';
import { can } from '../../platform/auth/policy.ts';
import type { PageContext, PortalBrand } from '../../platform/layout/context.ts';
import { type EnteDirectory, enteScope, type SectionTab, TabbedFrame } from '../tenancy/index.ts';

/** Service areas of the operators who work on payments. */
export const PAYMENT_AREAS = ['pagamenti', 'tributi'] as const;

export const backofficeBase = (brand: PortalBrand) => `/${brand.slug}/backoffice/pagamenti`;

export const backofficeScope = (directory: EnteDirectory) =>
  enteScope(directory, (principal, ente) =>
    PAYMENT_AREAS.some((area) => can(principal, 'payments.operate', { ...ente, area })),
  );

export type Tab = 'positions' | 'issues' | 'report' | 'imports';
const TABS: SectionTab<Tab>[] = [
  ['positions', '', 'payments.bo.tab.positions'],
  ['issues', '/segnalazioni', 'payments.bo.tab.issues'],
  ['report', '/riconciliazione', 'payments.bo.tab.report'],
  ['imports', '/importazioni', 'payments.bo.tab.imports'],
];

export const BackofficeFrame = (props: {
  ctx: PageContext;
  brand: PortalBrand;
  title: string;
  tab: Tab;
  /** A page below a tab: the tab's page is in the breadcrumbs. */
  sub?: boolean;
  children: ComponentChildren;
}) => (
  <TabbedFrame
    {...props}
    section={props.ctx.t('payments.bo.title')}
    base={backofficeBase(props.brand)}
    tabs={TABS}
  />
);
