import type { PageContext, PortalBrand } from './context.ts';
import { Layout } from './Layout.tsx';

const KNOWN = new Set([401, 403, 404, 500, 503]);

export function ErrorPage({
  ctx,
  brand,
  status,
}: {
  ctx: PageContext;
  brand: PortalBrand | null;
  status: number;
}) {
  const { t } = ctx;
  const key = KNOWN.has(status) ? String(status) : status >= 500 ? '500' : 'generic';
  const title = t(`error.${key}.title` as 'error.404.title');
  return (
    <Layout ctx={ctx} brand={brand} title={title}>
      <div class="row my-5">
        <div class="col-lg-8">
          <h1 class="mb-3">{title}</h1>
          <p class="lead">{t(`error.${key}.body` as 'error.404.body')}</p>
          <p class="text-secondary">
            <small>{t('error.requestId', { id: ctx.requestId })}</small>
          </p>
          {status === 401 && (
            <a class="btn btn-primary me-2" href={`/accedi?next=${encodeURIComponent(ctx.url)}`}>
              {t('error.401.login')}
            </a>
          )}
          <a
            class={status === 401 ? 'btn btn-outline-primary' : 'btn btn-primary'}
            href={brand ? `/${brand.slug}` : '/'}
          >
            {t('error.back')}
          </a>
        </div>
      </div>
    </Layout>
  );
}
