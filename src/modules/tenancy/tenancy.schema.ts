// Types of the tenancy area: its tables, its domain objects, and the API's request/response schemas.
import type { ColumnType, Generated, JSONColumnType } from 'kysely';
import { type Static, type TSchema, Type } from 'typebox';

export type EnteKind = 'sad' | 'comune';

export interface Branding {
  primaryColor?: string;
  coatOfArmsUrl?: string;
}

export interface Contacts {
  email?: string;
  pec?: string;
  phone?: string;
  address?: string;
  website?: string;
  accessibilityUrl?: string;
}

/** A GeoJSON Polygon or MultiPolygon in WGS84. */
export interface Geometry {
  type: 'Polygon' | 'MultiPolygon';
  coordinates: unknown[];
}

export interface EntiTable {
  id: Generated<string>;
  kind: EnteKind;
  sad_id: string | null;
  slug: string;
  name: string;
  aggregation_name: string | null;
  istat_code: string | null;
  belfiore_code: string | null;
  fiscal_code: string | null;
  ipa_code: string | null;
  province_code: string | null;
  region: string | null;
  population: number | null;
  population_year: number | null;
  boundary: JSONColumnType<Geometry | null, string | null, string | null>;
  branding: JSONColumnType<Branding, string, string>;
  contacts: JSONColumnType<Contacts, string, string>;
  created_at: Generated<Date>;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

export interface EnteHostsTable {
  ente_id: string;
  host: string;
  created_at: Generated<Date>;
}

export type TenancyTables = {
  enti: EntiTable;
  ente_hosts: EnteHostsTable;
};

export interface Ente {
  id: string;
  kind: EnteKind;
  sadId: string | null;
  slug: string;
  name: string;
  aggregationName: string | null;
  istatCode: string | null;
  belfioreCode: string | null;
  fiscalCode: string | null;
  ipaCode: string | null;
  provinceCode: string | null;
  region: string | null;
  population: number | null;
  populationYear: number | null;
  branding: Branding;
  contacts: Contacts;
  createdAt: Date;
  updatedAt: Date;
}

export interface NewEnte {
  kind: EnteKind;
  sadId: string | null;
  slug: string;
  name: string;
  aggregationName?: string | null;
  istatCode?: string | null;
  belfioreCode?: string | null;
  fiscalCode?: string | null;
  ipaCode?: string | null;
  provinceCode?: string | null;
  region?: string | null;
  population?: number | null;
  populationYear?: number | null;
  boundary?: Geometry | null;
  branding?: Branding;
  contacts?: Contacts;
  hosts?: string[];
}

/** What an ente admin may change. */
export type Nullable<T> = { [K in keyof T]?: T[K] | null };

/** What an ente admin may change; null removes a value (merge patch). */
export interface EntePatch {
  fiscalCode?: string | null;
  ipaCode?: string | null;
  branding?: Nullable<Branding>;
  contacts?: Nullable<Contacts>;
}

// ---- API schemas (snake_case names, aligned with the national ontologies where one exists) ----

const nullableString = (options: Record<string, unknown>) => Type.Union([Type.String(options), Type.Null()]);

const brandingFields = {
  primary_color: Type.String({ pattern: '^#[0-9a-fA-F]{6}$', description: 'Main colour, #rrggbb.' }),
  coat_of_arms_url: Type.String({ format: 'uri-reference', maxLength: 500 }),
};

const contactFields = {
  email: Type.String({ format: 'email', maxLength: 254 }),
  pec: Type.String({ format: 'email', maxLength: 254 }),
  phone: Type.String({ pattern: '^\\+?[0-9 ]{6,20}$', maxLength: 20 }),
  address: Type.String({ maxLength: 300 }),
  website_url: Type.String({ format: 'uri', pattern: '^https?://', maxLength: 500 }),
  accessibility_url: Type.String({ format: 'uri', pattern: '^https?://', maxLength: 500 }),
};

/** An object of optional fields; `nullable` also accepts null for each (merge patch: null removes it). */
function objectOf(fields: Record<string, TSchema>, nullable: boolean, description: string) {
  const properties = Object.fromEntries(
    Object.entries(fields).map(([key, schema]) => [
      key,
      Type.Optional(nullable ? Type.Union([schema, Type.Null()]) : schema),
    ]),
  );
  return Type.Object(properties, { additionalProperties: false, description });
}

export const BrandingSchema = objectOf(brandingFields, false, 'Look of the portal.');
export const ContactsSchema = objectOf(contactFields, false, 'Public contacts.');

export const EnteSummarySchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    kind: Type.Union([Type.Literal('sad'), Type.Literal('comune')]),
    sad_id: nullableString({ format: 'uuid' }),
    slug: Type.String({ maxLength: 63 }),
    official_name: Type.String({ maxLength: 200 }),
    istat_code: nullableString({ pattern: '^[0-9]{3}([0-9]{3})?$' }),
    belfiore_code: nullableString({ pattern: '^[A-Z][0-9]{3}$' }),
    tax_code: nullableString({ pattern: '^[0-9]{11}$' }),
    ipa_code: nullableString({ maxLength: 20 }),
    province_code: nullableString({ pattern: '^[A-Z]{2}$' }),
    region: nullableString({ maxLength: 100 }),
    population: Type.Union([Type.Integer({ format: 'int32', minimum: 0 }), Type.Null()]),
    population_year: Type.Union([
      Type.Integer({ format: 'int32', minimum: 1861, maximum: 2100 }),
      Type.Null(),
    ]),
    portal_url: Type.String({ format: 'uri' }),
  },
  { $id: 'EnteSummary', description: 'A SAD or a member comune.' },
);

export const EnteSchema = Type.Object(
  {
    ...EnteSummarySchema.properties,
    aggregation_name: nullableString({ maxLength: 200 }),
    branding: BrandingSchema,
    contacts: ContactsSchema,
    hosts: Type.Array(Type.String({ maxLength: 253 }), { maxItems: 20 }),
    boundary: Type.Union([
      Type.Object(
        {
          type: Type.Union([Type.Literal('Polygon'), Type.Literal('MultiPolygon')]),
          coordinates: Type.Array(Type.Unknown(), { maxItems: 100000 }),
        },
        { description: 'GeoJSON geometry, WGS84.' },
      ),
      Type.Null(),
    ]),
    created_at: Type.String({ format: 'date-time' }),
    updated_at: Type.String({ format: 'date-time' }),
  },
  { $id: 'Ente', description: 'A SAD or a member comune, with branding, contacts and boundary.' },
);

export const EnteListSchema = Type.Object(
  {
    items: Type.Array(EnteSummarySchema, { maxItems: 1000 }),
    total: Type.Integer({ format: 'int32', minimum: 0 }),
    limit: Type.Integer({ format: 'int32', minimum: 1 }),
    offset: Type.Integer({ format: 'int32', minimum: 0 }),
  },
  { $id: 'EnteList' },
);

export const EnteListQuery = Type.Object({
  sad_id: Type.Optional(Type.String({ format: 'uuid', description: 'Only the SAD and comuni of this SAD.' })),
  kind: Type.Optional(Type.Union([Type.Literal('sad'), Type.Literal('comune')])),
  q: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'Part of the name.' })),
  limit: Type.Optional(Type.Integer({ format: 'int32', minimum: 1, maximum: 1000, default: 100 })),
  offset: Type.Optional(Type.Integer({ format: 'int32', minimum: 0, maximum: 1000000, default: 0 })),
});
export type EnteListQuery = Static<typeof EnteListQuery>;

export const EntePatchSchema = Type.Object(
  {
    tax_code: Type.Optional(nullableString({ pattern: '^[0-9]{11}$' })),
    ipa_code: Type.Optional(nullableString({ pattern: '^[a-z0-9_]{2,20}$' })),
    branding: Type.Optional(objectOf(brandingFields, true, 'Branding changes; null removes a value.')),
    contacts: Type.Optional(objectOf(contactFields, true, 'Contact changes; null removes a value.')),
  },
  {
    additionalProperties: false,
    minProperties: 1,
    $id: 'EntePatch',
    description: 'JSON Merge Patch (RFC 7396).',
  },
);
export type EntePatchBody = Static<typeof EntePatchSchema>;

export const EnteCreateSchema = Type.Object(
  {
    istat_code: Type.String({ pattern: '^[0-9]{6}$', description: 'ISTAT code of the comune to onboard.' }),
    sad_id: Type.String({ format: 'uuid' }),
    tax_code: Type.Optional(Type.String({ pattern: '^[0-9]{11}$' })),
    slug: Type.Optional(Type.String({ pattern: '^[a-z0-9]+(-[a-z0-9]+)*$', maxLength: 63 })),
    hosts: Type.Optional(Type.Array(Type.String({ maxLength: 253 }), { maxItems: 5 })),
  },
  { additionalProperties: false, $id: 'EnteCreate' },
);
export type EnteCreateBody = Static<typeof EnteCreateSchema>;
