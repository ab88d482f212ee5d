// What every server-rendered page needs to know about the request it answers.
import type { Lang, Translate } from '../i18n/index.ts';

export interface PortalBrand {
  /** Display name, e.g. "Comune di Jesolo". */
  name: string;
  /** The bare name, e.g. "Jesolo". */
  shortName: string;
  slug: string;
  kind: 'sad' | 'comune';
  primaryColor: string | null;
  coatOfArmsUrl: string | null;
  websiteUrl: string | null;
  accessibilityUrl: string | null;
  fiscalCode: string | null;
  address: string | null;
  email: string | null;
  pec: string | null;
  phone: string | null;
  /** The SAD that runs the platform for this ente (itself, for a SAD). */
  sad: { name: string; slug: string };
}

export interface PageContext {
  lang: Lang;
  t: Translate;
  /** Path and query of this request, to build the language switch links. */
  url: string;
  requestId: string;
  demo: boolean;
  /** The signed-in user, if any (pages for anonymous visitors may be cached: see ADR 0005). */
  user: { name: string } | null;
}

export const ASSETS = '/static/bootstrap-italia';
export const icon = (name: string) => `${ASSETS}/svg/sprites.svg#${name}`;
