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

// Built once: constructing an Intl.NumberFormat costs ~20 µs, formatting with one under 1 µs.
const numberFormats: Record<Lang, Intl.NumberFormat> = {
  it: new Intl.NumberFormat('it-IT'),
  en: new Intl.NumberFormat('en-GB'),
};

export function formatNumber(lang: Lang, value: number): string {
  return numberFormats[lang].format(value);
}
