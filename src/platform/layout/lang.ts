import type { Lang } from '../i18n/index.ts';

/** The same page in another language: the `lang` query parameter, which the server also keeps in a cookie. */
export function langSwitchUrl(url: string, lang: Lang): string {
  const parsed = new URL(url, 'http://x');
  parsed.searchParams.set('lang', lang);
  return `${parsed.pathname}${parsed.search}`;
}
