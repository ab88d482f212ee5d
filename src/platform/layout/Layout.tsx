import type { FastifyReply } from 'fastify';
import type { ComponentChildren } from 'preact';
import { renderToString } from 'preact-render-to-string';
import type { PageContext, PortalBrand } from './context.ts';
import { Footer } from './Footer.tsx';
import { PageState } from './forms.tsx';
import { BOOTSTRAP_CSS, Header } from './Header.tsx';

export interface Crumb {
  label: string;
  href?: string;
}

export interface LayoutProps {
  ctx: PageContext;
  brand: PortalBrand | null;
  title: string;
  description?: string;
  breadcrumbs?: Crumb[];
  children: ComponentChildren;
}

export function Layout({ ctx, brand, title, description, breadcrumbs, children }: LayoutProps) {
  const { t } = ctx;
  // The content is rendered first: an error summary in it turns the title into "Errore: …", the first
  // thing a screen reader says of the page that answers a failed submission.
  const page = { invalid: false };
  const content = renderToString(
    <PageState.Provider value={page}>
      <Breadcrumbs ctx={ctx} breadcrumbs={breadcrumbs} />
      {children}
    </PageState.Provider>,
  );
  const named = brand ? `${title} – ${brand.name}` : `${title} – Convergenza`;
  const fullTitle = page.invalid ? t('form.invalidTitle', { title: named }) : named;
  return (
    <html lang={ctx.lang}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{fullTitle}</title>
        {description && <meta name="description" content={description} />}
        {/* The video.js inside Bootstrap Italia's bundle injects an inline <style>, which the CSP blocks,
            unless an element with this class exists: its default rules come from this file instead. */}
        <link rel="stylesheet" href="/static/video-js-defaults.css" class="vjs-styles-defaults" />
        <link rel="stylesheet" href={BOOTSTRAP_CSS} />
        <link rel="stylesheet" href="/static/fonts.css" />
        <link rel="stylesheet" href="/static/convergenza.css" />
        {brand?.primaryColor && <link rel="stylesheet" href={`/${brand.slug}/tema.css`} />}
        <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
      </head>
      <body>
        <div class="skiplink">
          <a class="visually-hidden-focusable" href="#main-container">
            {t('skip.content')}
          </a>
          <a class="visually-hidden-focusable" href="#footer">
            {t('skip.footer')}
          </a>
        </div>
        {ctx.demo && (
          <div class="demo-banner" role="note">
            {t('test.environment')}
          </div>
        )}
        <Header ctx={ctx} brand={brand} />
        <main id="main-container">
          {/* Rendered (and escaped) by Preact above. */}
          <div class="container" dangerouslySetInnerHTML={{ __html: content }} />
        </main>
        <Footer ctx={ctx} brand={brand} />
        <script src="/static/bootstrap-italia/js/bootstrap-italia.bundle.min.js" defer />
      </body>
    </html>
  );
}

function Breadcrumbs({ ctx, breadcrumbs }: { ctx: PageContext; breadcrumbs: Crumb[] | undefined }) {
  if (!breadcrumbs || breadcrumbs.length === 0) return null;
  return (
    <nav class="breadcrumb-container mt-3" aria-label={ctx.t('breadcrumb.label')}>
      <ol class="breadcrumb p-0" data-element="breadcrumb">
        {breadcrumbs.map((crumb, index) => {
          const last = index === breadcrumbs.length - 1;
          return (
            <li
              class={last ? 'breadcrumb-item active' : 'breadcrumb-item'}
              aria-current={last ? 'page' : undefined}
            >
              {crumb.href && !last ? <a href={crumb.href}>{crumb.label}</a> : crumb.label}
              {!last && <span class="separator">/</span>}
            </li>
          );
        })}
      </ol>
    </nav>
  );
}

/** Renders a page to a complete HTML document. */
export function renderPage(node: preact.VNode): string {
  return `<!doctype html>${renderToString(node)}`;
}

/** Sends a page that must not be cached (signed-in pages, forms, answers to a post). */
export const sendPage = (reply: FastifyReply, page: preact.VNode, status = 200) =>
  reply
    .code(status)
    .type('text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .send(renderPage(page));
