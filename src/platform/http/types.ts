import type { Principal } from '../auth/policy.ts';
import type { Lang, Translate } from '../i18n/index.ts';
import type { PageContext, PortalBrand } from '../layout/context.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** false: a machine-to-machine form post (an OAuth token endpoint) that CSRF checks must skip. */
    csrf?: boolean;
  }

  interface FastifyRequest {
    lang: Lang;
    t: Translate;
    principal: Principal | null;
    /** The portal whose header and footer frame this page, once a module resolved it. */
    brand: PortalBrand | null;
    pageContext(): PageContext;
  }
}
