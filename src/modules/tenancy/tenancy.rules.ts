// Pure rules of the tenancy area: identifiers, colours, slugs. No I/O.

/** Check digit of an 11-digit numeric fiscal code / VAT number (the same algorithm for both). */
export function isValidNumericFiscalCode(code: string): boolean {
  if (!/^[0-9]{11}$/.test(code)) return false;
  let sum = 0;
  for (let i = 0; i < 10; i++) {
    let digit = code.charCodeAt(i) - 48;
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return (10 - (sum % 10)) % 10 === code.charCodeAt(10) - 48;
}

function luminance(hex: string): number {
  const channels = [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16) / 255);
  const [r, g, b] = channels.map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4)) as [
    number,
    number,
    number,
  ];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG contrast ratio of a #rrggbb colour against white text. */
export function contrastWithWhite(hex: string): number {
  return 1.05 / (luminance(hex) + 0.05);
}

/** "Quarto d'Altino" → "quarto-d-altino", "Scorzè" → "scorze". */
export function slugify(name: string): string {
  return name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63);
}

/** The demo host name of a comune's services portal, after the reserved pattern comune.<name>.<prov>.it. */
export function servicesHost(name: string, provinceCode: string): string {
  return `servizi.comune.${slugify(name).replaceAll('-', '')}.${provinceCode.toLowerCase()}.it`;
}

const HOST = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/;
export const isValidHost = (host: string) => host.length <= 253 && HOST.test(host);

/** The IPA code of a comune follows the convention c_ + lower-case Belfiore code. */
export const comuneIpaCode = (belfiore: string) => `c_${belfiore.toLowerCase()}`;

/** First path segments the platform uses itself: no ente may take them as its address. */
export const RESERVED_SLUGS = new Set([
  'api',
  'sad',
  'static',
  'status',
  'livez',
  'readyz',
  'metrics',
  'dati',
  'analisi',
  'atlante',
  'catalog',
  'favicon-svg',
  'accedi',
  'esci',
  'oidc',
  'profilo',
  'sandbox',
  'sessioni',
  'verifica',
  'note-legali',
  'privacy',
  'accessibilita',
]);
