// Business rules of the tenancy area: onboarding, editing and looking up enti. No HTTP, no SQL.
import { recordAudit } from '../../platform/audit/audit.ts';
import { TtlCache } from '../../platform/cache.ts';
import type { Db } from '../../platform/db/database.ts';
import { withTenant } from '../../platform/db/tenant.ts';
import { type FieldError, PlatformErrors } from '../../platform/errors.ts';
import type { PortalBrand } from '../../platform/layout/context.ts';
import { aggregationSeed, comuneFacts } from './comuni-catalogue.ts';
import { TenancyErrors } from './tenancy.errors.ts';
import * as repo from './tenancy.repo.ts';
import {
  comuneIpaCode,
  contrastWithWhite,
  isValidHost,
  isValidNumericFiscalCode,
  RESERVED_SLUGS,
  servicesHost,
  slugify,
} from './tenancy.rules.ts';
import type { Ente, EntePatch, NewEnte } from './tenancy.schema.ts';

export interface Actor {
  subject: string;
  requestId?: string | null;
}

export interface EnteWithSad {
  ente: Ente;
  sad: Ente;
}

/**
 * Enti by slug, and what is derived from the registry alone (anonymous pages, public API answers),
 * cached in the process for a short time: every page needs its ente, and the registry changes rarely.
 * A change clears this process's copy at once; other processes see it within the TTL.
 */
export class EnteDirectory {
  #bySlug: TtlCache<EnteWithSad | null>;
  #derived: TtlCache<string>;

  constructor(
    private readonly db: Db,
    ttlMs = 30_000,
  ) {
    this.#bySlug = new TtlCache(ttlMs, 10_000);
    this.#derived = new TtlCache(ttlMs, 1_000);
  }

  bySlug(slug: string): Promise<EnteWithSad | null> {
    return this.#bySlug.through(slug, async () => {
      const ente = await repo.findBySlug(this.db, slug);
      if (!ente) return null;
      const sad = ente.sadId ? await repo.findById(this.db, ente.sadId) : ente;
      return sad ? { ente, sad } : null;
    });
  }

  /** A rendered page or serialised answer that depends only on the registry and the key. */
  derived(key: string, produce: () => Promise<string> | string): Promise<string> {
    return this.#derived.through(key, produce);
  }

  invalidate(): void {
    this.#bySlug.clear();
    this.#derived.clear();
  }
}

export function displayName(ente: Pick<Ente, 'kind' | 'name'>): string {
  return ente.kind === 'comune' ? `Comune di ${ente.name}` : ente.name;
}

export function toBrand({ ente, sad }: EnteWithSad): PortalBrand {
  return {
    name: displayName(ente),
    shortName: ente.name,
    slug: ente.slug,
    kind: ente.kind,
    primaryColor: ente.branding.primaryColor ?? null,
    coatOfArmsUrl: ente.branding.coatOfArmsUrl ?? null,
    websiteUrl: ente.contacts.website ?? null,
    accessibilityUrl: ente.contacts.accessibilityUrl ?? null,
    fiscalCode: ente.fiscalCode,
    address: ente.contacts.address ?? null,
    email: ente.contacts.email ?? null,
    pec: ente.contacts.pec ?? null,
    phone: ente.contacts.phone ?? null,
    sad: { name: sad.name, slug: sad.slug },
  };
}

/** Rules the schema cannot express; field names as the client sent them. */
export function checkPatch(patch: EntePatch, names: Record<string, string> = {}): FieldError[] {
  const errors: FieldError[] = [];
  const name = (field: string) => names[field] ?? field;
  if (patch.fiscalCode && !isValidNumericFiscalCode(patch.fiscalCode)) {
    errors.push({ field: name('tax_code'), message: 'has a wrong check digit' });
  }
  const color = patch.branding?.primaryColor;
  if (color && contrastWithWhite(color) < 4.5) {
    errors.push({
      field: name('branding.primary_color'),
      message: 'has contrast below 4.5:1 with white text',
    });
  }
  return errors;
}

export async function updateEnte(
  db: Db,
  directory: EnteDirectory,
  actor: Actor,
  enteId: string,
  patch: EntePatch,
): Promise<Ente> {
  const errors = checkPatch(patch);
  if (errors.length > 0) throw PlatformErrors.validation(errors);
  const updated = await withTenant(db, enteId, async (trx) => {
    const before = await repo.findById(trx, enteId);
    if (!before) return undefined;
    // Merge patch: objects merge key by key, null removes a key.
    const merged: EntePatch = {
      ...patch,
      ...(patch.branding ? { branding: mergePatch(before.branding, patch.branding) } : {}),
      ...(patch.contacts ? { contacts: mergePatch(before.contacts, patch.contacts) } : {}),
    };
    const after = await repo.updateEnte(trx, enteId, merged);
    if (!after) return undefined;
    await recordAudit(trx, {
      enteId,
      actor: actor.subject,
      action: 'ente.update',
      targetType: 'ente',
      targetId: enteId,
      requestId: actor.requestId,
      content: { changed: Object.keys(patch).sort(), patch: { ...patch } },
    });
    return after;
  });
  if (!updated) throw TenancyErrors.enteNotFound();
  directory.invalidate();
  return updated;
}

/** RFC 7396 on one level: absent keys stay, null (or empty) removes, anything else replaces. */
export function mergePatch<T extends object>(target: T, patch: { [K in keyof T]?: T[K] | null }): T {
  const out: Record<string, unknown> = { ...(target as Record<string, unknown>) };
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    if (value === null || value === '') delete out[key];
    else out[key] = value;
  }
  return out as T;
}

export interface OnboardInput {
  istatCode: string;
  sadId: string;
  fiscalCode?: string;
  slug?: string;
  hosts?: string[];
}

/** Adds a comune to a SAD from the reference data: codes, population, boundary, demo host name. */
export async function onboardComune(db: Db, actor: Actor, input: OnboardInput): Promise<Ente> {
  const sad = await repo.findById(db, input.sadId);
  if (sad?.kind !== 'sad') throw TenancyErrors.sadNotFound();
  const facts = comuneFacts(input.istatCode);
  if (!facts) throw TenancyErrors.comuneUnknown(input.istatCode);
  if (await repo.findByIstat(db, input.istatCode)) throw TenancyErrors.enteExists(input.istatCode);
  const fiscalCode = input.fiscalCode ?? facts.fiscalCode;
  const errors: FieldError[] = [];
  if (fiscalCode && !isValidNumericFiscalCode(fiscalCode)) {
    errors.push({ field: 'tax_code', message: 'has a wrong check digit' });
  }
  const hosts = input.hosts ?? [servicesHost(facts.name, facts.provinceCode)];
  hosts.forEach((host, i) => {
    if (!isValidHost(host)) errors.push({ field: `hosts.${i}`, message: 'is not a valid host name' });
  });
  if (errors.length > 0) throw PlatformErrors.validation(errors);
  const slug = input.slug ?? slugify(facts.name);
  if (RESERVED_SLUGS.has(slug) || (await repo.findBySlug(db, slug))) throw TenancyErrors.slugTaken(slug);

  const ente: NewEnte = {
    kind: 'comune',
    sadId: sad.id,
    slug,
    name: facts.name,
    istatCode: facts.istatCode,
    belfioreCode: facts.belfioreCode,
    fiscalCode: fiscalCode ?? null,
    ipaCode: comuneIpaCode(facts.belfioreCode),
    provinceCode: facts.provinceCode,
    region: facts.region,
    population: facts.population,
    populationYear: facts.populationYear,
    boundary: facts.boundary,
    hosts,
  };
  return db.transaction().execute(async (trx) => {
    const created = await repo.insertEnte(trx, ente).catch((error: Error & { constraint?: string }) => {
      if (/ente_hosts_host_idx/.test(String(error.message) + (error.constraint ?? ''))) {
        throw TenancyErrors.hostTaken(hosts.join(', '));
      }
      throw error;
    });
    await recordAudit(trx, {
      enteId: sad.id,
      actor: actor.subject,
      action: 'ente.onboard',
      targetType: 'ente',
      targetId: created.id,
      requestId: actor.requestId,
      content: { istat_code: facts.istatCode, slug, hosts },
    });
    return created;
  });
}

export type SeedProgress = (done: number, total: number, name: string) => void;

/** Loads an aggregation (its SAD and member comuni); enti already present are left as they are. */
export async function seedAggregation(
  db: Db,
  name: string,
  onProgress?: SeedProgress,
): Promise<{ sad: Ente; created: number; total: number }> {
  const seed = aggregationSeed(name);
  if (!seed) throw new Error(`unknown aggregation "${name}"`);
  const actor: Actor = { subject: 'system:seed' };
  let sad = await repo.findByIstat(db, seed.sad.istatCode);
  if (!sad) {
    sad = await db.transaction().execute(async (trx) => {
      const created = await repo.insertEnte(trx, {
        kind: 'sad',
        sadId: null,
        slug: seed.sad.slug,
        name: seed.sad.name,
        aggregationName: seed.sad.aggregationName,
        istatCode: seed.sad.istatCode,
        fiscalCode: seed.sad.fiscalCode,
        provinceCode: seed.sad.provinceCode,
        region: seed.sad.region,
      });
      await recordAudit(trx, {
        enteId: created.id,
        actor: actor.subject,
        action: 'ente.seed',
        targetType: 'ente',
        targetId: created.id,
        content: { aggregation: name },
      });
      return created;
    });
  }
  let created = 0;
  for (const [index, istatCode] of seed.comuni.entries()) {
    const facts = comuneFacts(istatCode);
    if (!(await repo.findByIstat(db, istatCode))) {
      await onboardComune(db, actor, { istatCode, sadId: sad.id });
      created++;
    }
    onProgress?.(index + 1, seed.comuni.length, facts?.name ?? istatCode);
  }
  return { sad, created, total: seed.comuni.length };
}

/**
 * The demo aggregation is loaded into an empty database, and completed if a first start was
 * interrupted while loading it; a database holding other enti is left alone.
 */
export async function demoSeedPending(db: Db, name: string): Promise<boolean> {
  const seed = aggregationSeed(name);
  if (!seed) return false;
  if ((await repo.countEnti(db)) === 0) return true;
  const sad = await repo.findByIstat(db, seed.sad.istatCode);
  if (!sad) return false;
  const { total } = await repo.list(db, { sadId: sad.id, kind: 'comune', limit: 1, offset: 0 });
  return total < seed.comuni.length;
}

export async function listEnti(db: Db, filter: repo.ListFilter) {
  return repo.list(db, filter);
}

export async function getEnte(db: Db, id: string): Promise<{ ente: Ente; hosts: string[] }> {
  const ente = await repo.findById(db, id);
  if (!ente) throw TenancyErrors.enteNotFound();
  return { ente, hosts: await repo.hostsOf(db, id) };
}

export const getBoundary = repo.findBoundary;
export const allHosts = repo.allHosts;

/** The ente a path belongs to (its first segment), or the first SAD: where a login's audit event goes. */
export async function enteForPath(db: Db, directory: EnteDirectory, path: string): Promise<string> {
  const slug = path.split(/[/?#]/)[1] ?? '';
  const found = /^[a-z0-9-]{1,63}$/.test(slug) ? await directory.bySlug(slug) : null;
  if (found) return found.ente.id;
  const { items } = await repo.list(db, { kind: 'sad', limit: 1, offset: 0 });
  return items[0]!.id;
}
