// Server-rendered pages of the public portal. Every page works without JavaScript.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ComponentChildren, VNode } from 'preact';
import { can } from '../../platform/auth/policy.ts';
import type { Db } from '../../platform/db/database.ts';
import { PlatformErrors } from '../../platform/errors.ts';
import type { MessageKey, Translate } from '../../platform/i18n/index.ts';
import type { PortalBrand } from '../../platform/layout/context.ts';
import { renderPage } from '../../platform/layout/Layout.tsx';
import { registerAdminPages } from './tenancy.admin.tsx';
import * as service from './tenancy.service.ts';
import { AggregationHome, EnteHome, emblemSvg, FaqPage, InfoPage } from './tenancy.views.tsx';

declare module 'fastify' {
  interface FastifyRequest {
    ente: service.EnteWithSad | null;
  }
}

const html = (reply: FastifyReply, body: string) => reply.type('text/html; charset=utf-8').send(body);

export async function tenancyPages(app: FastifyInstance, deps: { db: Db; directory: service.EnteDirectory }) {
  const { db, directory } = deps;
  app.decorateRequest('ente', null);

  /** Resolves /:slug/… to its ente, and frames the page (and any error page) with its brand. */
  const resolveEnte = async (request: FastifyRequest) => {
    const { slug } = request.params as { slug: string };
    const found = /^[a-z0-9-]{1,63}$/.test(slug) ? await directory.bySlug(slug) : null;
    if (!found) throw PlatformErrors.notFound('ente');
    request.ente = found;
    request.brand = service.toBrand(found);
  };
  const slugRoute = { preHandler: resolveEnte, schema: { hide: true } };

  /**
   * Sends a public page. For anonymous visitors its HTML depends only on the registry, the language and
   * the URL, so it is rendered once and reused until the registry changes (or the cache TTL passes).
   * URLs with other query parameters are rendered each time, so they cannot crowd out the cache.
   */
  const page = async (request: FastifyRequest, reply: FastifyReply, view: () => VNode | Promise<VNode>) => {
    const render = async () => renderPage(await view());
    const params = Object.keys((request.query as Record<string, unknown>) ?? {});
    const cacheable = !request.principal && params.every((name) => name === 'lang' || name === 'q');
    const body = cacheable
      ? await directory.derived(`page:${request.lang}:${request.url}`, render)
      : await render();
    return html(reply, body);
  };

  /** The SAD that runs the platform (its first): the home page of the site and of its own pages. */
  const toSad = async (request: FastifyRequest, reply: FastifyReply, page: string) => {
    const { items } = await service.listEnti(db, { kind: 'sad', limit: 1, offset: 0 });
    if (items.length === 0) throw PlatformErrors.notFound('aggregation');
    return reply.redirect(`/${items[0]!.slug}${page}${request.lang === 'it' ? '' : `?lang=${request.lang}`}`);
  };
  app.get('/', { schema: { hide: true } }, (request, reply) => toSad(request, reply, ''));
  // The platform's own pages (login, certificate verification, the SAD console) are the SAD's service:
  // their footer's legal notes, privacy notice and accessibility statement are the SAD's.
  for (const page of ['note-legali', 'privacy', 'accessibilita'])
    app.get(`/${page}`, { schema: { hide: true } }, (request, reply) => toSad(request, reply, `/${page}`));

  app.get('/:slug', slugRoute, async (request, reply) => {
    const { ente, sad } = request.ente!;
    const ctx = request.pageContext();
    if (ente.kind === 'comune') {
      return page(request, reply, () => <EnteHome ctx={ctx} brand={request.brand!} ente={ente} sad={sad} />);
    }
    const q = String((request.query as { q?: string }).q ?? '').slice(0, 100);
    return page(request, reply, async () => {
      const filter = { sadId: ente.id, kind: 'comune' as const, q, limit: 1000, offset: 0 };
      const { items } = await service.listEnti(db, filter);
      return <AggregationHome ctx={ctx} brand={request.brand!} sad={ente} comuni={items} q={q} />;
    });
  });

  /** A page of plain paragraphs (and optional extra content) under the ente's header. */
  const info =
    (
      title: MessageKey,
      paragraphs: (brand: PortalBrand, t: Translate) => string[],
      extra?: (brand: PortalBrand, t: Translate) => ComponentChildren,
    ) =>
    async (request: FastifyRequest, reply: FastifyReply) => {
      const { t } = request;
      const brand = request.brand!;
      return page(request, reply, () => (
        <InfoPage
          ctx={request.pageContext()}
          brand={brand}
          title={t(title)}
          paragraphs={paragraphs(brand, t)}
        >
          {extra?.(brand, t)}
        </InfoPage>
      ));
    };

  app.get(
    '/:slug/servizi',
    slugRoute,
    info('services.title', (brand, t) => [t('services.lead', { name: brand.name }), t('home.services.none')]),
  );
  app.get('/:slug/faq', slugRoute, async (request, reply) =>
    page(request, reply, () => <FaqPage ctx={request.pageContext()} brand={request.brand!} />),
  );
  app.get(
    '/:slug/segnala-disservizio',
    slugRoute,
    info(
      'report.title',
      (_brand, t) => [t('report.lead')],
      (brand, t) => {
        const to = brand.email ?? brand.pec;
        return (
          <p>{to ? <a href={`mailto:${to}`}>{t('report.write', { email: to })}</a> : t('report.none')}</p>
        );
      },
    ),
  );
  app.get(
    '/:slug/note-legali',
    slugRoute,
    info('legal.title', (_brand, t) => [t('legal.license'), t('legal.software')]),
  );
  app.get(
    '/:slug/privacy',
    slugRoute,
    info('privacy.title', (brand, t) => [
      t('privacy.controller', { name: brand.name }),
      t('privacy.processor', { sad: brand.sad.name }),
      t('privacy.cookies'),
    ]),
  );
  app.get(
    '/:slug/accessibilita',
    slugRoute,
    info(
      'accessibility.title',
      (brand, t) => [t('accessibility.body', { name: brand.name })],
      (brand, t) => brand.accessibilityUrl && <a href={brand.accessibilityUrl}>{t('accessibility.agid')}</a>,
    ),
  );

  app.get('/:slug/area-personale', slugRoute, async (request, reply) => {
    const { ente } = request.ente!;
    const { t } = request;
    if (!request.principal) throw PlatformErrors.unauthenticated();
    if (!can(request.principal, 'personal-area.access', { enteId: ente.id, sadId: ente.sadId ?? ente.id })) {
      throw PlatformErrors.forbidden();
    }
    const name = request.principal.displayName ?? request.principal.subject;
    return html(
      reply,
      renderPage(
        <InfoPage
          ctx={request.pageContext()}
          brand={request.brand!}
          title={t('personal.title')}
          paragraphs={[t('personal.welcome', { name })]}
        >
          <ul>
            <li>
              <a href={`/${ente.slug}/area-personale/certificati`}>{t('certs.title')}</a>
            </li>
            <li>
              <a href={`/${ente.slug}/area-personale/pagamenti`}>{t('payments.citizen.title')}</a>
            </li>
            <li>
              <a href={`/profilo?next=${encodeURIComponent(`/${ente.slug}/area-personale`)}`}>
                {t('profile.title')}
              </a>
            </li>
            <li>
              <a href="/sessioni">{t('sessions.title')}</a>
            </li>
          </ul>
        </InfoPage>,
      ),
    );
  });

  app.get('/:slug/tema.css', slugRoute, async (request, reply) => {
    const color = request.brand!.primaryColor ?? '#0066cc';
    const rgb = [1, 3, 5].map((i) => Number.parseInt(color.slice(i, i + 2), 16)).join(', ');
    reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=300');
    return `:root{--bs-primary:${color};--bs-primary-rgb:${rgb}}.it-header-center-wrapper,.it-header-navbar-wrapper,.btn-primary{background-color:${color}}.btn-primary{border-color:${color}}`;
  });

  app.get('/static/emblem/:slug', { schema: { hide: true } }, async (request, reply) => {
    const slug = (request.params as { slug: string }).slug.replace(/\.svg$/, '');
    const found = /^[a-z0-9-]{1,63}$/.test(slug) ? await directory.bySlug(slug) : null;
    const name = found ? service.displayName(found.ente) : 'Convergenza';
    const color = found?.ente.branding.primaryColor ?? '#0066cc';
    reply.type('image/svg+xml').header('cache-control', 'public, max-age=3600');
    return emblemSvg(name, color);
  });

  registerAdminPages(app, { db, directory, resolveEnte });
}
