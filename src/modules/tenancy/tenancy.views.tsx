// Views of the public portal: the aggregation home (a SAD and its comuni), an ente's home page and the
// pages linked from every footer.
import { formatNumber } from '../../platform/i18n/index.ts';
import type { PageContext, PortalBrand } from '../../platform/layout/context.ts';
import { Layout } from '../../platform/layout/Layout.tsx';
import type { Ente } from './tenancy.schema.ts';

interface PageProps {
  ctx: PageContext;
  brand: PortalBrand;
}

export function AggregationHome({
  ctx,
  brand,
  sad,
  comuni,
  q,
}: PageProps & { sad: Ente; comuni: Ente[]; q: string }) {
  const { t } = ctx;
  const aggregation = sad.aggregationName ?? sad.name;
  return (
    <Layout ctx={ctx} brand={brand} title={t('aggregation.title', { aggregation })}>
      <div class="row mt-5 mb-4">
        <div class="col-lg-8">
          <h1 class="mb-3">{t('aggregation.title', { aggregation })}</h1>
          <p class="lead">{t('aggregation.lead', { sad: sad.name })}</p>
        </div>
      </div>
      {/* biome-ignore lint/a11y/useSemanticElements: the <search> element is not yet announced by all screen readers */}
      <form class="row g-2 mb-4" method="get" action={`/${sad.slug}`} role="search">
        <div class="col-md-6">
          <div class="form-group mb-0">
            <label for="q" class="active">
              {t('aggregation.search')}
            </label>
            <input
              type="search"
              class="form-control"
              id="q"
              name="q"
              value={q}
              maxLength={100}
              autocomplete="off"
            />
          </div>
        </div>
        <div class="col-md-2 d-flex align-items-end">
          <button type="submit" class="btn btn-primary">
            {t('aggregation.search')}
          </button>
        </div>
      </form>
      <h2 class="h4" id="comuni-title">
        {t('aggregation.count', { count: comuni.length })}
      </h2>
      <ul class="comuni-list mb-5" aria-labelledby="comuni-title" data-element="comuni-list">
        {comuni.map((comune) => (
          <li>
            <a href={`/${comune.slug}`} data-ente={comune.slug}>
              {comune.name}
            </a>
            {comune.population !== null && comune.populationYear !== null && (
              <small class="d-block text-secondary">
                {t('aggregation.population', {
                  year: comune.populationYear,
                  population: formatNumber(ctx.lang, comune.population),
                })}
              </small>
            )}
          </li>
        ))}
      </ul>
    </Layout>
  );
}

export function EnteHome({ ctx, brand, ente, sad }: PageProps & { ente: Ente; sad: Ente }) {
  const { t } = ctx;
  const rows: [string, string][] = [];
  if (ente.istatCode) rows.push([t('home.istat'), ente.istatCode]);
  if (ente.belfioreCode) rows.push([t('home.belfiore'), ente.belfioreCode]);
  if (ente.provinceCode) rows.push([t('home.province'), ente.provinceCode]);
  if (ente.population !== null && ente.populationYear !== null) {
    rows.push([t('home.population', { year: ente.populationYear }), formatNumber(ctx.lang, ente.population)]);
  }
  return (
    <Layout
      ctx={ctx}
      brand={brand}
      title={t('breadcrumb.home')}
      description={t('home.lead', { name: brand.name })}
    >
      <div class="row mt-5">
        <div class="col-lg-8">
          <h1 class="mb-3">{brand.name}</h1>
          <p class="lead">{t('home.lead', { name: brand.name })}</p>
        </div>
      </div>
      <section class="mt-4" aria-labelledby="services-title">
        <h2 id="services-title" class="h3">
          {t('home.services')}
        </h2>
        <p>{t('home.services.none')}</p>
        <a class="btn btn-outline-primary" href={`/${brand.slug}/servizi`}>
          {t('nav.services')}
        </a>
      </section>
      <div class="row my-5">
        <section class="col-md-6" aria-labelledby="info-title">
          <h2 id="info-title" class="h4">
            {t('home.info')}
          </h2>
          <dl class="row">
            {rows.map(([label, value]) => (
              <>
                <dt class="col-7">{label}</dt>
                <dd class="col-5">{value}</dd>
              </>
            ))}
          </dl>
          <p>{t('home.aggregation', { aggregation: sad.aggregationName ?? sad.name, sad: sad.name })}</p>
        </section>
        <section class="col-md-6" aria-labelledby="contacts-title">
          <h2 id="contacts-title" class="h4">
            {t('home.contacts')}
          </h2>
          <ul class="list-unstyled">
            {brand.websiteUrl && (
              <li>
                {t('home.website')}: <a href={brand.websiteUrl}>{brand.websiteUrl}</a>
              </li>
            )}
            {brand.email && (
              <li>
                {t('footer.email')}: <a href={`mailto:${brand.email}`}>{brand.email}</a>
              </li>
            )}
            {brand.pec && (
              <li>
                {t('footer.pec')}: <a href={`mailto:${brand.pec}`}>{brand.pec}</a>
              </li>
            )}
            {brand.phone && (
              <li>
                {t('footer.phone')}: {brand.phone}
              </li>
            )}
            {brand.address && <li>{brand.address}</li>}
            {brand.fiscalCode && (
              <li>
                {t('footer.fiscalCode')}: {brand.fiscalCode}
              </li>
            )}
          </ul>
        </section>
      </div>
    </Layout>
  );
}

/** A plain content page with the ente's breadcrumb. */
export function InfoPage({
  ctx,
  brand,
  title,
  paragraphs,
  children,
}: PageProps & { title: string; paragraphs: string[]; children?: preact.ComponentChildren }) {
  const { t } = ctx;
  return (
    <Layout
      ctx={ctx}
      brand={brand}
      title={title}
      breadcrumbs={[{ label: t('breadcrumb.home'), href: `/${brand.slug}` }, { label: title }]}
    >
      <div class="row my-4">
        <div class="col-lg-8">
          <h1 class="mb-4">{title}</h1>
          {paragraphs.map((text) => (
            <p>{text}</p>
          ))}
          {children}
        </div>
      </div>
    </Layout>
  );
}

export function FaqPage({ ctx, brand }: PageProps) {
  const { t } = ctx;
  const vars = { name: brand.name, sad: brand.sad.name };
  const items = [
    [t('faq.q1'), t('faq.a1')],
    [t('faq.q2'), t('faq.a2', vars)],
    [t('faq.q3'), t('faq.a3')],
  ] as const;
  return (
    <InfoPage ctx={ctx} brand={brand} title={t('faq.title')} paragraphs={[]}>
      {items.map(([question, answer]) => (
        <section class="mb-4">
          <h2 class="h4">{question}</h2>
          <p>{answer}</p>
        </section>
      ))}
    </InfoPage>
  );
}

/** An emblem for enti without a coat of arms image: a shield with the initials. */
export function emblemSvg(name: string, color: string): string {
  const initials = name
    .replace(/^(Comune di|Città metropolitana di|Provincia di)\s+/i, '')
    .split(/[\s-]+/)
    .filter((w) => /^[A-ZÀ-Ý]/.test(w))
    .slice(0, 2)
    .map((w) => w[0])
    .join('');
  const safe = initials.replace(/[<>&"']/g, '');
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 48 48" role="img"><path d="M6 4h36v20c0 11-8 18-18 21C14 42 6 35 6 24z" fill="#fff" stroke="${color}" stroke-width="3"/><text x="24" y="30" text-anchor="middle" font-family="Titillium Web, sans-serif" font-weight="700" font-size="16" fill="${color}">${safe}</text></svg>`;
}
