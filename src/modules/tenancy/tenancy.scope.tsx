// The scope and the frame of an ente's management pages (/{slug}/admin/…, /{slug}/backoffice/…): the
// ente resolved from the path, the page branded as the ente, and a policy check on who may enter.
import type { FastifyRequest } from 'fastify';
import type { ComponentChildren } from 'preact';
import type { Principal } from '../../platform/auth/policy.ts';
import { PlatformErrors } from '../../platform/errors.ts';
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
