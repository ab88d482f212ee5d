// Messages in Italian (default) and English; a typed key per message, {name} placeholders.
import { en } from './en.ts';
import { it, type MessageKey } from './it.ts';

export type Lang = 'it' | 'en';
export const LANGS: readonly Lang[] = ['it', 'en'];
export type { MessageKey };

const catalogues: Record<Lang, Record<MessageKey, string>> = { it, en };

export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

function makeTranslator(lang: Lang): Translate {
  const messages = catalogues[lang];
  return (key, params) => {
    const text = messages[key];
    if (!params) return text;
    return text.replace(/\{(\w+)\}/g, (match, name: string) =>
      params[name] === undefined ? match : String(params[name]),
    );
  };
}

const translators: Record<Lang, Translate> = { it: makeTranslator('it'), en: makeTranslator('en') };

export function translator(lang: Lang): Translate {
  return translators[lang];
}

export function isLang(value: unknown): value is Lang {
  return value === 'it' || value === 'en';
}

const LOCALES: Record<Lang, string> = { it: 'it-IT', en: 'en-GB' };

// Built once: constructing an Intl.NumberFormat costs ~20 µs, formatting with one under 1 µs.
const numberFormats: Record<Lang, Intl.NumberFormat> = {
  it: new Intl.NumberFormat(LOCALES.it),
  en: new Intl.NumberFormat(LOCALES.en),
};

export function formatNumber(lang: Lang, value: number): string {
  return numberFormats[lang].format(value);
}

/** How a moment is shown: a day or a day and time, short (23/11/26) or long (23 novembre 2026). */
const DATE_STYLES = {
  day: { dateStyle: 'short' },
  longDay: { dateStyle: 'long' },
  moment: { dateStyle: 'short', timeStyle: 'short' },
  longMoment: { dateStyle: 'long', timeStyle: 'short' },
} as const satisfies Record<string, Intl.DateTimeFormatOptions>;
export type DateStyle = keyof typeof DATE_STYLES;

const dateFormats = Object.fromEntries(
  LANGS.map((lang) => [
    lang,
    Object.fromEntries(
      Object.entries(DATE_STYLES).map(([style, options]) => [
        style,
        new Intl.DateTimeFormat(LOCALES[lang], {
          ...options,
          timeZone: 'Europe/Rome',
        }),
      ]),
    ),
  ]),
) as Record<Lang, Record<DateStyle, Intl.DateTimeFormat>>;

/** A moment as read in Italy (Europe/Rome), in `lang`; the formats are built once, like the numbers'. */
export function formatDate(lang: Lang, at: Date, style: DateStyle): string {
  return dateFormats[lang][style].format(at);
}
