import type { PageContext, PortalBrand } from './context.ts';

// Modello Comuni footer with the data-element contract: faq, report-inefficiency, accessibility-link,
// privacy-policy-link, legal-notes. Those pages, and the contacts, belong to an ente (a comune or a SAD).
// The platform's own pages (no ente: login, sessions, SAD console, certificate verification) are the
// service of the SAD that runs it: their footer keeps the legal notes, privacy notice and accessibility
// statement, at /note-legali, /privacy and /accessibilita (which lead to the SAD's), and no contacts or FAQ.
export function Footer({ ctx, brand }: { ctx: PageContext; brand: PortalBrand | null }) {
  const { t } = ctx;
  return (
    <footer class="it-footer" id="footer">
      <div class="it-footer-main">
        <div class="container">
          <div class="row">
            <div class="col-12 footer-items-wrapper logo-wrapper">
              <p class="footer-info mb-2">{t('footer.eu')}</p>
              <div class="it-brand-wrapper">
                <a href={brand ? `/${brand.slug}` : '/'}>
                  <div class="it-brand-text">
                    <h2 class="no_toc">{brand?.name ?? 'Convergenza'}</h2>
                  </div>
                </a>
              </div>
            </div>
          </div>
          {brand ? (
            <EnteFooter ctx={ctx} brand={brand} />
          ) : (
            <LegalLinks ctx={ctx} base="" accessibilityUrl={null} />
          )}
        </div>
      </div>
    </footer>
  );
}

/** The ente's contacts and its pages: FAQ, reporting an inefficiency, legal notes, privacy, accessibility. */
function EnteFooter({ ctx, brand }: { ctx: PageContext; brand: PortalBrand }) {
  const { t } = ctx;
  const base = `/${brand.slug}`;
  return (
    <>
      <div class="row">
        <div class="col-md-6 footer-items-wrapper">
          <h3 class="footer-heading-title">{t('footer.contacts')}</h3>
          <p class="footer-info">
            {brand.name}
            {brand.address && (
              <>
                <br />
                {brand.address}
              </>
            )}
            {brand.fiscalCode && (
              <>
                <br />
                {t('footer.fiscalCode')}: {brand.fiscalCode}
              </>
            )}
            {brand.email && (
              <>
                <br />
                {t('footer.email')}: <a href={`mailto:${brand.email}`}>{brand.email}</a>
              </>
            )}
            {brand.pec && (
              <>
                <br />
                {t('footer.pec')}: <a href={`mailto:${brand.pec}`}>{brand.pec}</a>
              </>
            )}
            {brand.phone && (
              <>
                <br />
                {t('footer.phone')}: <a href={`tel:${brand.phone.replace(/\s+/g, '')}`}>{brand.phone}</a>
              </>
            )}
          </p>
          {brand.kind === 'comune' && (
            <p class="footer-info">{t('footer.aggregation', { sad: brand.sad.name })}</p>
          )}
        </div>
        <div class="col-md-6 footer-items-wrapper">
          <h3 class="footer-heading-title">{t('nav.services')}</h3>
          <ul class="footer-list">
            <li>
              <a href={`${base}/faq`} data-element="faq">
                {t('footer.faq')}
              </a>
            </li>
            <li>
              <a href={`${base}/segnala-disservizio`} data-element="report-inefficiency">
                {t('footer.report')}
              </a>
            </li>
          </ul>
        </div>
      </div>
      <LegalLinks ctx={ctx} base={base} accessibilityUrl={brand.accessibilityUrl} />
    </>
  );
}

/** Legal notes, privacy notice and accessibility statement, under `base` (an ente's, or the site's). */
function LegalLinks(props: { ctx: PageContext; base: string; accessibilityUrl: string | null | undefined }) {
  const { t } = props.ctx;
  const { base } = props;
  return (
    <div class="row">
      <div class="col-12 footer-items-wrapper">
        <div class="footer-bottom">
          <a href={`${base}/note-legali`} data-element="legal-notes">
            {t('footer.legal')}
          </a>
          <a href={`${base}/privacy`} data-element="privacy-policy-link">
            {t('footer.privacy')}
          </a>
          <a href={props.accessibilityUrl ?? `${base}/accessibilita`} data-element="accessibility-link">
            {t('footer.accessibility')}
          </a>
        </div>
      </div>
    </div>
  );
}
