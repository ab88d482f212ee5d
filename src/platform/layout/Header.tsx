import { ASSETS, icon, type PageContext, type PortalBrand } from './context.ts';
import { langSwitchUrl } from './lang.ts';

// Modello Comuni header: slim bar (owner, language, personal area), centre (brand), navbar (main menu).
export function Header({ ctx, brand }: { ctx: PageContext; brand: PortalBrand | null }) {
  const { t } = ctx;
  const home = brand ? `/${brand.slug}` : '/';
  const title = brand?.name ?? 'Convergenza';
  const site = brand?.websiteUrl ?? null;
  const menu = brand?.kind === 'comune';
  return (
    <header class="it-header-wrapper" data-bs-target="#header-nav-wrapper">
      <div class="it-header-slim-wrapper">
        <div class="container">
          <div class="row">
            <div class="col-12">
              <div class="it-header-slim-wrapper-content">
                <a class="d-lg-block navbar-brand" href={brand ? `/${brand.sad.slug}` : '/'}>
                  {brand?.sad.name ?? 'Convergenza'}
                </a>
                <nav class="it-header-slim-right-zone" aria-label={t('header.tools')}>
                  <ul class="list-inline mb-0 me-3 lang-switch">
                    {(['it', 'en'] as const).map((lang) => (
                      <li class="list-inline-item">
                        <a
                          class="text-white"
                          href={langSwitchUrl(ctx.url, lang)}
                          lang={lang}
                          hrefLang={lang}
                          aria-current={lang === ctx.lang ? 'true' : undefined}
                        >
                          {lang === 'it' ? 'ITA' : 'ENG'}
                          <span class="visually-hidden"> – {lang === 'it' ? 'Italiano' : 'English'}</span>
                        </a>
                      </li>
                    ))}
                  </ul>
                  {ctx.user ? (
                    <div class="it-access-top-wrapper">
                      <span class="text-white me-2 d-none d-lg-inline">{ctx.user.name}</span>
                      <a class="btn btn-primary btn-sm" href="/esci">
                        {t('header.logout')}
                      </a>
                    </div>
                  ) : (
                    brand?.kind === 'comune' && (
                      <div class="it-access-top-wrapper">
                        <a
                          class="btn btn-primary btn-icon btn-full"
                          href={`/${brand.slug}/area-personale`}
                          data-element="personal-area-login"
                        >
                          <span class="rounded-icon" aria-hidden="true">
                            <svg class="icon icon-primary" aria-hidden="true">
                              <use href={icon('it-user')} />
                            </svg>
                          </span>
                          {/* Icon only below lg, as in the Modello Comuni, but never without a name. */}
                          <span class="d-none d-lg-block">{t('header.login')}</span>
                          <span class="visually-hidden d-lg-none">{t('header.login')}</span>
                        </a>
                      </div>
                    )
                  )}
                </nav>
              </div>
            </div>
          </div>
        </div>
      </div>
      <div class="it-nav-wrapper">
        <div class="it-header-center-wrapper">
          <div class="container">
            <div class="row">
              <div class="col-12">
                <div class="it-header-center-content-wrapper">
                  <div class="it-brand-wrapper">
                    <a href={home}>
                      <img
                        class="icon"
                        src={brand?.coatOfArmsUrl ?? `/static/emblem/${brand?.slug ?? 'convergenza'}.svg`}
                        alt=""
                        width="48"
                        height="48"
                      />
                      <div class="it-brand-text">
                        <div class="it-brand-title">{title}</div>
                      </div>
                    </a>
                  </div>
                </div>
              </div>
            </div>
          </div>
        </div>
        {menu && brand && (
          <div class="it-header-navbar-wrapper" id="header-nav-wrapper">
            <div class="container">
              <div class="row">
                <div class="col-12">
                  <nav class="navbar navbar-expand-lg has-megamenu" aria-label={t('nav.main')}>
                    <button
                      class="custom-navbar-toggler"
                      type="button"
                      aria-controls="nav-main"
                      aria-expanded="false"
                      aria-label={t('header.menu.open')}
                      data-bs-toggle="navbarcollapsible"
                      data-bs-target="#nav-main"
                    >
                      <svg class="icon" aria-hidden="true">
                        <use href={icon('it-burger')} />
                      </svg>
                    </button>
                    <div class="navbar-collapsable" id="nav-main">
                      <div class="overlay" />
                      <div class="close-div">
                        <button class="btn close-menu" type="button">
                          <span class="visually-hidden">{t('header.menu.close')}</span>
                          <svg class="icon" aria-hidden="true">
                            <use href={icon('it-close-big')} />
                          </svg>
                        </button>
                      </div>
                      <div class="menu-wrapper">
                        <ul class="navbar-nav" data-element="main-navigation">
                          <li class="nav-item">
                            <a class="nav-link" href={site ?? home} data-element="management">
                              <span>{t('nav.management')}</span>
                            </a>
                          </li>
                          <li class="nav-item">
                            <a class="nav-link" href={site ?? home} data-element="news">
                              <span>{t('nav.news')}</span>
                            </a>
                          </li>
                          <li class="nav-item">
                            <a class="nav-link" href={`/${brand.slug}/servizi`} data-element="all-services">
                              <span>{t('nav.services')}</span>
                            </a>
                          </li>
                          <li class="nav-item">
                            <a class="nav-link" href={site ?? home} data-element="live">
                              <span>{t('nav.live', { name: brand.shortName })}</span>
                            </a>
                          </li>
                        </ul>
                      </div>
                    </div>
                  </nav>
                </div>
              </div>
            </div>
          </div>
        )}
      </div>
    </header>
  );
}

export const BOOTSTRAP_CSS = `${ASSETS}/css/bootstrap-italia.min.css`;
