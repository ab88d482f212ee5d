import { describe, expect, it } from 'vitest';
import { computeFiscalCode, isValidFiscalCode } from './fiscal-code.ts';
import { generatePopulation, type PopulationOptions } from './population.ts';
import { allComuni } from './population-data.ts';
import { loadDemoCitizens } from './population-demo.ts';
import { CHILD, CIVIL_PARTNER, COHABITANT, type FamilyBundle, HEAD, SPOUSE } from './registry.schema.ts';

const jesolo = allComuni().find((c) => c.istatCode === '027019')!;
const options = (over: Partial<PopulationOptions> = {}): PopulationOptions => ({
  enteId: '11111111-1111-4111-8111-111111111111',
  comune: jesolo,
  size: 3000,
  seed: 'test',
  demoCitizens: loadDemoCitizens(),
  ...over,
});
const run = (over: Partial<PopulationOptions> = {}) => [...generatePopulation(options(over))];
const population = run();
const persons = population.flatMap((b) => b.persons);

describe('synthetic population', () => {
  it('has exactly the requested size', () => {
    expect(persons).toHaveLength(3000);
    expect(run({ size: 17 }).flatMap((b) => b.persons)).toHaveLength(17);
  });

  it('gives everyone a valid fiscal code, unique in the run, with omocodia where data collide', () => {
    const codes = persons.map((p) => p.fiscal_code);
    expect(codes.every(isValidFiscalCode)).toBe(true);
    expect(new Set(codes).size).toBe(codes.length);
    const omocodes = persons.filter((p) => {
      const base = computeFiscalCode({
        surname: p.surname,
        name: p.given_name,
        birthDate: p.birth_date,
        sex: p.sex,
        birthPlace: p.birth_comune_code ?? p.birth_country_code!,
      });
      return base !== p.fiscal_code;
    });
    expect(omocodes.length).toBeGreaterThan(0);
    for (const p of omocodes) {
      expect(p.fiscal_code.slice(12, 15), p.fiscal_code).toMatch(/[LMNPQRSTUV]/);
      // The holder of the plain code is someone else in the run (or reserved for a demo citizen).
      const twin = persons.find(
        (o) =>
          o !== p &&
          o.fiscal_code.slice(0, 11) === p.fiscal_code.slice(0, 11) &&
          o.birth_date === p.birth_date,
      );
      expect(twin, p.fiscal_code).toBeDefined();
    }
  });

  it('is deterministic: same seed, same output; another seed, other people', () => {
    expect(run()).toEqual(population);
    const other = run({ seed: 'other' }).flatMap((b) => b.persons);
    const ours = new Set(persons.map((p) => p.fiscal_code));
    expect(other.filter((p) => !ours.has(p.fiscal_code)).length).toBeGreaterThan(2900);
  });

  it('places births in real comuni and abroad, and AIRE families abroad', () => {
    const belfiore = new Set(allComuni().map((c) => c.belfiore));
    const inItaly = persons.filter((p) => p.birth_comune_code);
    expect(inItaly.every((p) => belfiore.has(p.birth_comune_code!))).toBe(true);
    expect(persons.some((p) => p.birth_country_code?.startsWith('Z'))).toBe(true);
    const aire = population.filter((b) => b.family.aire);
    expect(aire.length).toBeGreaterThan(0);
    for (const b of aire) {
      expect(b.family.country_code).toMatch(/^Z\d{3}$/);
      expect(b.persons.every((p) => p.aire)).toBe(true);
    }
    expect(population.filter((b) => !b.family.aire).every((b) => b.family.locality === 'Jesolo')).toBe(true);
  });

  it('builds consistent families: one head, spouses united, children younger than parents', () => {
    const sizes = population.map((b) => b.persons.length);
    expect(sizes.reduce((a, b) => a + b, 0) / sizes.length).toBeGreaterThan(2);
    expect(sizes.reduce((a, b) => a + b, 0) / sizes.length).toBeLessThan(2.8);
    for (const b of population) checkFamily(b);
    const kinds = new Set(population.flatMap((b) => b.unions.map((u) => u.kind)));
    expect(kinds).toEqual(new Set(['marriage', 'civil_union']));
    expect(population.some((b) => b.cohabitations.length > 0)).toBe(true);
  });

  it('holds the demo citizens of the comune with their families, and only there', () => {
    const zanetti = population[0]!;
    expect(zanetti.persons.map((p) => p.fiscal_code)).toEqual([
      'ZNTGLI84C52L736W',
      'ZNTMRC81S02C388P',
      'ZNTSFO12H65L736X',
    ]);
    expect(zanetti.members.map((m) => m.relationship_code)).toEqual([HEAD, SPOUSE, CHILD]);
    expect(zanetti.family.street).toBe('Via Bafile');
    expect(zanetti.family.civic_number).toBe('12');
    const portogruaro = allComuni().find((c) => c.istatCode === '027029')!;
    const rossato = run({ comune: portogruaro, size: 0 });
    expect(rossato.flatMap((b) => b.persons.map((p) => p.fiscal_code))).toEqual(['RSSPLA75D05G91QD']);
    expect(persons.some((p) => p.fiscal_code === 'RSSPLA75D05G91QD')).toBe(false);
  });
});

function checkFamily(b: FamilyBundle): void {
  const byId = new Map(b.persons.map((p) => [p.id, p]));
  const heads = b.members.filter((m) => m.relationship_code === HEAD);
  expect(heads).toHaveLength(1);
  expect(b.members.map((m) => m.member_order)).toEqual(b.persons.map((_, i) => i + 1));
  const head = byId.get(heads[0]!.person_id)!;
  const partners = b.members.filter((m) =>
    [SPOUSE, CIVIL_PARTNER, COHABITANT].includes(m.relationship_code as 2),
  );
  expect(partners.length).toBeLessThanOrEqual(1);
  const partner = partners[0] && byId.get(partners[0].person_id)!;
  const rel = partners[0]?.relationship_code;
  if (rel === SPOUSE || rel === CIVIL_PARTNER) {
    const status = rel === SPOUSE ? 2 : 6;
    expect([head.civil_status, partner!.civil_status]).toEqual([status, status]);
    expect(b.unions).toHaveLength(1);
    const union = b.unions[0]!;
    expect(new Set([union.party1_id, union.party2_id])).toEqual(new Set([head.id, partner!.id]));
    expect(union.kind).toBe(rel === SPOUSE ? 'marriage' : 'civil_union');
    if (rel === CIVIL_PARTNER) expect(head.sex).toBe(partner!.sex);
  } else {
    expect(b.unions).toHaveLength(0);
  }
  for (const c of b.cohabitations)
    expect(new Set([c.party1_id, c.party2_id])).toEqual(new Set([head.id, partner?.id]));
  for (const m of b.members.filter((x) => x.relationship_code === CHILD)) {
    const child = byId.get(m.person_id)!;
    for (const parent of [head, partner].filter((x) => x !== undefined)) {
      expect(child.birth_date > parent.birth_date, `${child.fiscal_code} vs ${parent.fiscal_code}`).toBe(
        true,
      );
    }
  }
}
