// Routing by host name: a request for servizi.comune.jesolo.ve.it/faq is served as /jesolo/faq.
// Fastify's rewriteUrl is synchronous, so the host map lives in memory and is refreshed periodically.
import type { IncomingMessage } from 'node:http';

const GLOBAL_PREFIXES = [
  '/static/',
  '/api/',
  '/status',
  '/livez',
  '/readyz',
  '/metrics',
  '/favicon.svg',
  '/sad',
  '/verifica',
  // The platform's own pages, the same on every host: login, logout, sessions, profile, federation,
  // the SAML endpoints and the test stand-ins.
  '/accedi',
  '/esci',
  '/sessioni',
  '/profilo',
  '/oidc/',
  '/.well-known/',
  '/sandbox/',
];

export class HostRouter {
  #slugByHost = new Map<string, string>();

  replace(entries: { host: string; slug: string }[]): void {
    this.#slugByHost = new Map(entries.map((e) => [e.host, e.slug]));
  }

  slugFor(hostHeader: string | undefined): string | undefined {
    if (!hostHeader || this.#slugByHost.size === 0) return undefined;
    return this.#slugByHost.get(hostHeader.toLowerCase().replace(/:\d+$/, ''));
  }

  rewrite(req: IncomingMessage): string {
    const url = req.url ?? '/';
    const slug = this.slugFor(req.headers.host);
    if (!slug) return url;
    if (url === `/${slug}` || url.startsWith(`/${slug}/`) || url.startsWith(`/${slug}?`)) return url;
    if (GLOBAL_PREFIXES.some((prefix) => url === prefix || url.startsWith(prefix))) return url;
    return url === '/' || url.startsWith('/?') ? `/${slug}${url.slice(1)}` : `/${slug}${url}`;
  }
}
