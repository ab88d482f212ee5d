// The frame of the ente admin's identity pages (/{slug}/admin/…): the ente resolved from the path, the
// policy check (its ente admin, or an admin of its SAD), and the page with the ente's brand.
import type { FastifyRequest } from 'fastify';
import type { ComponentChildren } from 'preact';
import { can } from '../../platform/auth/policy.ts';
import { PlatformErrors } from '../../platform/errors.ts';
import type { PageContext, PortalBrand } from '../../platform/layout/context.ts';
import { Layout } from '../../platform/layout/Layout.tsx';
import { type EnteDirectory, toBrand } from '../tenancy/index.ts';

export type EnteWithSad = NonNullable<Awaited<ReturnType<EnteDirectory['bySlug']>>>;

/**
 * Resolves /:slug to its ente, frames the page with its brand, and lets in only who may manage the
 * ente's staff (its ente admin, or an admin of its SAD).
 */
export function enteAdminScope(directory: EnteDirectory) {
  return async (request: FastifyRequest): Promise<EnteWithSad> => {
    const { slug } = request.params as { slug: string };
    const found = /^[a-z0-9-]{1,63}$/.test(slug) ? await directory.bySlug(slug) : null;
    if (!found) throw PlatformErrors.notFound('ente');
    request.brand = toBrand(found);
    if (!request.principal) throw PlatformErrors.unauthenticated();
    const { ente } = found;
    if (!can(request.principal, 'staff.manage', { enteId: ente.id, sadId: ente.sadId ?? ente.id })) {
      throw PlatformErrors.forbidden();
    }
    return found;
  };
}

/** The frame of an ente admin page: the ente's brand, breadcrumbs, a title and its content. */
export function AdminFrame(props: {
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

export { sendPage } from '../../platform/layout/Layout.tsx';
