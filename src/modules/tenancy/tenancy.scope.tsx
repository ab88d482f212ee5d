// The scope and the frame of an ente's management pages (/{slug}/admin/…, /{slug}/backoffice/…): the
// ente resolved from the path, the page branded as the ente, and a policy check on who may enter.
import type { FastifyRequest } from 'fastify';
import type { ComponentChildren } from 'preact';
import type { Principal } from '../../platform/auth/policy.ts';
import { PlatformErrors } from '../../platform/errors.ts';
import type { MessageKey } from '../../platform/i18n/index.ts';
import type { PageContext, PortalBrand } from '../../platform/layout/context.ts';
import { Layout } from '../../platform/layout/Layout.tsx';
import { type EnteDirectory, toBrand } from './tenancy.service.ts';

export type EnteWithSad = NonNullable<Awaited<ReturnType<EnteDirectory['bySlug']>>>;
export type EnteResource = { enteId: string; sadId: string };

/** Resolves /:slug (404), brands the page, and lets in only a principal `allowed` on that ente (401/403). */
export function enteScope(
  directory: EnteDirectory,
  allowed: (principal: Principal, ente: EnteResource) => boolean,
) {
  return async (request: FastifyRequest): Promise<EnteWithSad> => {
    const { slug } = request.params as { slug: string };
    const found = /^[a-z0-9-]{1,63}$/.test(slug) ? await directory.bySlug(slug) : null;
    if (!found) throw PlatformErrors.notFound('ente');
    request.brand = toBrand(found);
    if (!request.principal) throw PlatformErrors.unauthenticated();
    const { ente } = found;
    if (!allowed(request.principal, { enteId: ente.id, sadId: ente.sadId ?? ente.id })) {
      throw PlatformErrors.forbidden();
    }
    return found;
  };
}

/** The frame of an ente's management page: the ente's brand, breadcrumbs, a title and its content. */
export function EnteFrame(props: {
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

/** A tab of a back-office section: its name, its path below the section's address, its label. */
export type SectionTab<T extends string> = readonly [T, string, MessageKey];

/**
 * The frame of a back-office section with tabs (payments, registry office…): breadcrumbs through the
 * section and the current tab, the tabs, a title. The first tab is the section's own page.
 */
export function TabbedFrame<T extends string>(props: {
  ctx: PageContext;
  brand: PortalBrand;
  title: string;
  /** The section's name (breadcrumbs, the tabs' label) and address. */
  section: string;
  base: string;
  tabs: readonly SectionTab<T>[];
  tab: T;
  /** A page below a tab (a position, an import): the tab's page is in the breadcrumbs. */
  sub?: boolean | undefined;
  children: ComponentChildren;
}) {
  const { ctx, brand, title, tab, base, section, tabs } = props;
  const { t } = ctx;
  const [, path, label] = tabs.find(([name]) => name === tab)!;
  const home = tab === tabs[0]![0];
  const crumbs = [
    { label: t('breadcrumb.home'), href: `/${brand.slug}` },
    ...(props.sub || !home ? [{ label: section, href: base }] : []),
    ...(props.sub && !home ? [{ label: t(label), href: `${base}${path}` }] : []),
    { label: title },
  ];
  return (
    <Layout ctx={ctx} brand={brand} title={title} breadcrumbs={crumbs}>
      <nav class="mt-3" aria-label={section}>
        <ul class="nav nav-tabs">
          {tabs.map(([name, href, text]) => (
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

/** The frame of a page of a comune's personal area (payments, certificates…), below the area's home. */
export function PersonalAreaFrame(props: {
  ctx: PageContext;
  brand: PortalBrand;
  title: string;
  /** The service's list, when this page is one of its items. */
  parent?: { label: string; href: string } | undefined;
  children: ComponentChildren;
}) {
  const { ctx, brand, title } = props;
  const { t } = ctx;
  const crumbs = [
    { label: t('breadcrumb.home'), href: `/${brand.slug}` },
    { label: t('personal.title'), href: `/${brand.slug}/area-personale` },
    ...(props.parent ? [props.parent] : []),
    { label: title },
  ];
  return (
    <Layout ctx={ctx} brand={brand} title={title} breadcrumbs={crumbs}>
      <div class="row my-4">
        <div class="col-lg-9">
          <h1 class="mb-4">{title}</h1>
          {props.children}
        </div>
      </div>
    </Layout>
  );
}
