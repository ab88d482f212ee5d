// Server-rendered pages of the public portal. Every page works without JavaScript.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { can } from '../../platform/auth/policy.ts';
import type { Db } from '../../platform/db/database.ts';
import { PlatformErrors } from '../../platform/errors.ts';
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

  app.get('/', { schema: { hide: true } }, async (request, reply) => {
    const { items } = await service.listEnti(db, { kind: 'sad', limit: 100, offset: 0 });
    if (items.length === 0) throw PlatformErrors.notFound('aggregation');
    return reply.redirect(`/${items[0]!.slug}${request.lang === 'it' ? '' : `?lang=${request.lang}`}`);
  });

  app.get('/:slug', slugRoute, async (request, reply) => {
    const { ente, sad } = request.ente!;
    const ctx = request.pageContext();
    if (ente.kind === 'sad') {
      const q = String((request.query as { q?: string }).q ?? '').slice(0, 100);
      const { items } = await service.listEnti(db, {
        sadId: ente.id,
        kind: 'comune',
        q,
        limit: 1000,
        offset: 0,
      });
      return html(
        reply,
        renderPage(<AggregationHome ctx={ctx} brand={request.brand!} sad={ente} comuni={items} q={q} />),
      );
    }
    return html(reply, renderPage(<EnteHome ctx={ctx} brand={request.brand!} ente={ente} sad={sad} />));
  });

  app.get('/:slug/servizi', slugRoute, async (request, reply) => {
    const { t } = request;
    const brand = request.brand!;
    return html(
      reply,
      renderPage(
        <InfoPage
          ctx={request.pageContext()}
          brand={brand}
          title={t('services.title')}
          paragraphs={[t('services.lead', { name: brand.name }), t('home.services.none')]}
        />,
      ),
    );
  });

  app.get('/:slug/faq', slugRoute, async (request, reply) =>
    html(reply, renderPage(<FaqPage ctx={request.pageContext()} brand={request.brand!} />)),
  );

  app.get('/:slug/segnala-disservizio', slugRoute, async (request, reply) => {
    const { t } = request;
    const brand = request.brand!;
    const to = brand.email ?? brand.pec;
    return html(
      reply,
      renderPage(
        <InfoPage
          ctx={request.pageContext()}
          brand={brand}
          title={t('report.title')}
          paragraphs={[t('report.lead')]}
        >
          <p>{to ? <a href={`mailto:${to}`}>{t('report.write', { email: to })}</a> : t('report.none')}</p>
        </InfoPage>,
      ),
    );
  });

  app.get('/:slug/note-legali', slugRoute, async (request, reply) => {
    const { t } = request;
    return html(
      reply,
      renderPage(
        <InfoPage
          ctx={request.pageContext()}
          brand={request.brand!}
          title={t('legal.title')}
          paragraphs={[t('legal.license'), t('legal.software')]}
        />,
      ),
    );
  });

  app.get('/:slug/privacy', slugRoute, async (request, reply) => {
    const { t } = request;
    const brand = request.brand!;
    return html(
      reply,
      renderPage(
        <InfoPage
          ctx={request.pageContext()}
          brand={brand}
          title={t('privacy.title')}
          paragraphs={[
            t('privacy.controller', { name: brand.name }),
            t('privacy.processor', { sad: brand.sad.name }),
            t('privacy.cookies'),
          ]}
        />,
      ),
    );
  });

  app.get('/:slug/accessibilita', slugRoute, async (request, reply) => {
    const { t } = request;
    const brand = request.brand!;
    return html(
      reply,
      renderPage(
        <InfoPage
          ctx={request.pageContext()}
          brand={brand}
          title={t('accessibility.title')}
          paragraphs={[t('accessibility.body', { name: brand.name })]}
        >
          {brand.accessibilityUrl && <a href={brand.accessibilityUrl}>{t('accessibility.agid')}</a>}
        </InfoPage>,
      ),
    );
  });

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
        />,
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
