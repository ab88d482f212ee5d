// JSON API of the registry of enti: GET is public (it is the public list of member bodies); changes
// need the ente admin or the SAD admin. Another ente's id answers 404, as if it did not exist.
import type { FastifyInstance } from 'fastify';
import { type Static, Type } from 'typebox';
import { can } from '../../platform/auth/policy.ts';
import type { Db } from '../../platform/db/database.ts';
import { PlatformErrors } from '../../platform/errors.ts';
import { API_PREFIX, RATE_LIMIT_HEADERS, withErrors } from '../../platform/http/api.ts';
import {
  type Ente,
  EnteCreateSchema,
  EnteListQuery,
  EnteListSchema,
  EntePatchSchema,
  EnteSchema,
  EnteSummarySchema,
} from './tenancy.schema.ts';
import * as service from './tenancy.service.ts';

const IdParams = Type.Object({ id: Type.String({ format: 'uuid', description: 'Identifier of the ente.' }) });

export function toSummary(ente: Ente, publicUrl: string) {
  return {
    id: ente.id,
    kind: ente.kind,
    sad_id: ente.sadId,
    slug: ente.slug,
    official_name: service.displayName(ente),
    istat_code: ente.istatCode,
    belfiore_code: ente.belfioreCode,
    tax_code: ente.fiscalCode,
    ipa_code: ente.ipaCode,
    province_code: ente.provinceCode,
    region: ente.region,
    population: ente.population,
    population_year: ente.populationYear,
    portal_url: `${publicUrl}/${ente.slug}`,
  };
}

function toDetail(ente: Ente, hosts: string[], boundary: unknown, publicUrl: string) {
  const { branding, contacts } = ente;
  return {
    ...toSummary(ente, publicUrl),
    aggregation_name: ente.aggregationName,
    branding: {
      ...(branding.primaryColor ? { primary_color: branding.primaryColor } : {}),
      ...(branding.coatOfArmsUrl ? { coat_of_arms_url: branding.coatOfArmsUrl } : {}),
    },
    contacts: {
      ...(contacts.email ? { email: contacts.email } : {}),
      ...(contacts.pec ? { pec: contacts.pec } : {}),
      ...(contacts.phone ? { phone: contacts.phone } : {}),
      ...(contacts.address ? { address: contacts.address } : {}),
      ...(contacts.website ? { website_url: contacts.website } : {}),
      ...(contacts.accessibilityUrl ? { accessibility_url: contacts.accessibilityUrl } : {}),
    },
    hosts,
    boundary,
    created_at: ente.createdAt.toISOString(),
    updated_at: ente.updatedAt.toISOString(),
  };
}

const ok = (description: string, schemaRef: string) => ({
  description,
  headers: RATE_LIMIT_HEADERS,
  content: { 'application/json': { schema: { $ref: `${schemaRef}#` } } },
});

export async function tenancyRoutes(
  app: FastifyInstance,
  deps: { db: Db; directory: service.EnteDirectory; publicUrl: string; refreshHosts: () => Promise<void> },
) {
  const { db, directory, publicUrl } = deps;
  app.addSchema(EnteSummarySchema);
  app.addSchema(EnteSchema);
  app.addSchema(EnteListSchema);
  app.addSchema(EntePatchSchema);
  app.addSchema(EnteCreateSchema);

  app.get(
    `${API_PREFIX}/enti`,
    {
      schema: {
        tags: ['enti'],
        operationId: 'list_enti',
        summary: 'List the SADs and member comuni',
        description: 'The public registry of the bodies served by this installation, in pages.',
        querystring: EnteListQuery,
        response: withErrors({ 200: ok('A page of enti.', 'EnteList') }, [400]),
      },
    },
    async (request, reply) => {
      const query = request.query as Static<typeof EnteListQuery>;
      const limit = query.limit ?? 100;
      const offset = query.offset ?? 0;
      const filter = { sadId: query.sad_id, kind: query.kind, q: query.q, limit, offset };
      // The registry is public and changes rarely: the serialised answer is reused until it changes.
      const body = await directory.derived(`api:enti:${JSON.stringify(filter)}`, async () => {
        const { items, total } = await service.listEnti(db, filter);
        return JSON.stringify({ items: items.map((e) => toSummary(e, publicUrl)), total, limit, offset });
      });
      return reply.type('application/json; charset=utf-8').send(body);
    },
  );

  app.get(
    `${API_PREFIX}/enti/:id`,
    {
      schema: {
        tags: ['enti'],
        operationId: 'show_ente',
        summary: 'One SAD or comune',
        description: 'Codes, branding, contacts, host names and boundary of one ente.',
        params: IdParams,
        response: withErrors({ 200: ok('The ente.', 'Ente') }),
      },
    },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      const body = await directory.derived(`api:ente:${id}`, async () => {
        const { ente, hosts } = await service.getEnte(db, id);
        return JSON.stringify(toDetail(ente, hosts, await service.getBoundary(db, id), publicUrl));
      });
      return reply.type('application/json; charset=utf-8').send(body);
    },
  );

  app.patch(
    `${API_PREFIX}/enti/:id`,
    {
      schema: {
        tags: ['enti'],
        operationId: 'edit_ente',
        summary: 'Change the contacts, branding or codes of an ente',
        description:
          'A JSON Merge Patch: objects merge key by key, null removes a key. Ente admin or SAD admin.',
        params: IdParams,
        body: {
          content: { 'application/merge-patch+json': { schema: { $ref: 'EntePatch#' } } },
          required: true,
        },
        response: withErrors({ 200: ok('The updated ente.', 'Ente') }, [400, 401, 404, 415]),
      },
    },
    async (request) => {
      const { id } = request.params as { id: string };
      if (!request.principal) throw PlatformErrors.unauthenticated();
      if (!String(request.headers['content-type']).startsWith('application/merge-patch+json')) {
        throw PlatformErrors.unsupportedMediaType('application/merge-patch+json');
      }
      const found = await service.getEnte(db, id).catch(() => null);
      const resource = found && { enteId: id, sadId: found.ente.sadId ?? id };
      if (!resource || !can(request.principal, 'ente.update', resource))
        throw PlatformErrors.notFound('ente');
      const body = request.body as Static<typeof EntePatchSchema> & {
        branding?: Record<string, string | null>;
        contacts?: Record<string, string | null>;
      };
      const updated = await service.updateEnte(
        db,
        directory,
        { subject: request.principal.subject, requestId: request.id },
        id,
        {
          fiscalCode: body.tax_code,
          ipaCode: body.ipa_code,
          branding: body.branding && {
            primaryColor: body.branding.primary_color,
            coatOfArmsUrl: body.branding.coat_of_arms_url,
          },
          contacts: body.contacts && {
            email: body.contacts.email,
            pec: body.contacts.pec,
            phone: body.contacts.phone,
            address: body.contacts.address,
            website: body.contacts.website_url,
            accessibilityUrl: body.contacts.accessibility_url,
          },
        },
      );
      return toDetail(updated, found!.hosts, await service.getBoundary(db, id), publicUrl);
    },
  );

  app.post(
    `${API_PREFIX}/enti`,
    {
      schema: {
        tags: ['enti'],
        operationId: 'onboard_comune',
        summary: 'Onboard a comune into a SAD',
        description:
          'Creates the comune from the national reference data (ISTAT and Belfiore codes, population, boundary). SAD admin only.',
        body: { $ref: 'EnteCreate#' },
        response: withErrors(
          {
            201: {
              ...ok('The new ente.', 'Ente'),
              headers: {
                ...RATE_LIMIT_HEADERS,
                Location: { type: 'string', format: 'uri', description: 'URL of the new ente.' },
              },
            },
          },
          [400, 401, 403, 409, 415],
        ),
      },
    },
    async (request, reply) => {
      const body = request.body as Static<typeof EnteCreateSchema>;
      if (!request.principal) throw PlatformErrors.unauthenticated();
      if (!can(request.principal, 'ente.create', { enteId: body.sad_id, sadId: body.sad_id })) {
        throw PlatformErrors.forbidden();
      }
      const created = await service.onboardComune(
        db,
        { subject: request.principal.subject, requestId: request.id },
        {
          istatCode: body.istat_code,
          sadId: body.sad_id,
          fiscalCode: body.tax_code,
          slug: body.slug,
          hosts: body.hosts,
        },
      );
      directory.invalidate();
      await deps.refreshHosts();
      const { hosts } = await service.getEnte(db, created.id);
      reply.code(201).header('location', `${publicUrl}${API_PREFIX}/enti/${created.id}`);
      return toDetail(created, hosts, await service.getBoundary(db, created.id), publicUrl);
    },
  );
}
