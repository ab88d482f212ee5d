// Applies a chunk of import records (all of one phase) to the registry, in the caller's tenant transaction:
// each record is checked against the registry as it stands (the family a person joins, the persons a
// marriage binds, the head and the order on the family sheet), then created, updated when its data
// differ, or left unchanged, matched by its natural key (fiscal code, family number, parties and date).
// Reads and writes go in bulk, a few statements per chunk. No HTTP.
import { randomUUID } from 'node:crypto';
import type { AnyDb } from '../../platform/db/database.ts';
import * as registry from './registry.repo.ts';
import { HEAD, type MemberRow } from './registry.schema.ts';
import type { QueuedRow, Settled } from './registry-import.repo.ts';
import * as repo from './registry-import.repo.ts';
import {
  type CohabitationDraft,
  type Draft,
  draftRecord,
  type FamilyDraft,
  type PersonDraft,
  type RowIssue,
  type UnionDraft,
} from './registry-import-rows.ts';

type Item<D extends Draft> = { row: QueuedRow; draft: D };
type Member = Omit<MemberRow, 'ente_id'>;

const same = <T extends object>(a: T, b: T, fields: (keyof T)[]) => fields.every((f) => a[f] === b[f]);
const error = (row: QueuedRow, issues: RowIssue[]): Settled => ({
  rowNumber: row.rowNumber,
  outcome: 'error',
  issues,
});
const KEY_COLUMN: Record<number, string> = { 1: 'codice_famiglia', 2: 'codice_fiscale', 3: 'codice_fiscale' };

/** Checks, applies and settles the records; returns their outcomes. */
export async function applyChunk(trx: AnyDb, enteId: string, importId: string, rows: QueuedRow[]) {
  const phase = rows[0]!.phase;
  const settled: Settled[] = [];
  const valid: Item<Draft>[] = [];
  for (const row of rows) {
    const { draft, issues } = draftRecord(row);
    if (row.repeats) issues.unshift({ field: KEY_COLUMN[phase]!, rule: 'duplicate', other: row.repeats });
    if (draft && issues.length === 0) valid.push({ row, draft });
    else settled.push(error(row, issues));
  }
  const of = <D extends Draft>(kinds: Draft['kind'][]) =>
    valid.filter((i) => kinds.includes(i.draft.kind)) as Item<D>[];
  settled.push(
    ...(phase === 1
      ? await applyFamilies(trx, enteId, of<FamilyDraft>(['famiglia']))
      : phase === 2
        ? await applyPersons(trx, enteId, of<PersonDraft>(['persona']))
        : await applyBonds(
            trx,
            enteId,
            of<UnionDraft | CohabitationDraft>(['matrimonio', 'unione_civile', 'convivenza']),
          )),
  );
  await repo.settleRows(trx, enteId, importId, settled);
  return settled;
}

async function applyFamilies(trx: AnyDb, enteId: string, items: Item<FamilyDraft>[]): Promise<Settled[]> {
  const codes = items.map((i) => i.draft.family.family_code);
  const existing = new Map(
    (await registry.findFamiliesByCodes(trx, enteId, codes)).map((f) => [f.family_code, f]),
  );
  const inserts: object[] = [];
  const updates: object[] = [];
  const settled = items.map(({ row, draft }): Settled => {
    const current = existing.get(draft.family.family_code);
    const next = { id: current?.id ?? randomUUID(), ...draft.family };
    const changed = !current || !same(current, next, Object.keys(draft.family) as (keyof typeof next)[]);
    if (changed) (current ? updates : inserts).push({ ente_id: enteId, ...next });
    return { rowNumber: row.rowNumber, outcome: !current ? 'created' : changed ? 'updated' : 'unchanged' };
  });
  await registry.insertJson(trx, 'registry_families', inserts);
  await registry.updateJson(trx, 'registry_families', updates);
  return settled;
}

/** The family sheets the chunk touches: who holds which order, who is the head; kept up to date as it goes. */
class FamilySheets {
  readonly #byPerson = new Map<string, Member>();
  readonly #orders = new Map<string, Map<number, string>>();
  readonly #heads = new Map<string, string>();

  constructor(rows: Member[]) {
    for (const row of rows) this.put(row);
  }

  of = (personId: string) => this.#byPerson.get(personId);

  /** Where the person goes on the sheet: the order asked for, the one they hold, or the first free one. */
  place(personId: string, familyId: string, m: NonNullable<PersonDraft['membership']>): number | RowIssue {
    const head = this.#heads.get(familyId);
    if (m.relationship === HEAD && head && head !== personId)
      return { field: 'relazione_parentela', rule: 'headTaken' };
    const orders = this.#orders.get(familyId) ?? new Map<number, string>();
    const held = this.of(personId);
    const taken = (n: number) => orders.has(n) && orders.get(n) !== personId;
    let order = m.order ?? (held?.family_id === familyId ? held.member_order : null);
    if (order === null) {
      // The head first; the others from 2, leaving 1 to a head who may come later.
      order = m.relationship === HEAD && !taken(1) ? 1 : 2;
      while (order <= 99 && taken(order)) order++;
    }
    return order > 99 || taken(order) ? { field: 'ordine', rule: 'orderTaken' } : order;
  }

  put(row: Member): void {
    const old = this.#byPerson.get(row.person_id);
    if (old) {
      this.#orders.get(old.family_id)?.delete(old.member_order);
      if (this.#heads.get(old.family_id) === row.person_id) this.#heads.delete(old.family_id);
    }
    this.#byPerson.set(row.person_id, row);
    const orders = this.#orders.get(row.family_id) ?? new Map<number, string>();
    orders.set(row.member_order, row.person_id);
    this.#orders.set(row.family_id, orders);
    if (row.relationship_code === HEAD) this.#heads.set(row.family_id, row.person_id);
  }
}

const PERSON_FIELDS = [
  'surname',
  'given_name',
  'sex',
  'birth_date',
  'birth_comune_code',
  'birth_comune_name',
  'birth_province',
  'birth_country_code',
  'birth_country_name',
  'civil_status',
  'death_date',
  'aire',
] as const;
const MEMBER_FIELDS = ['family_id', 'relationship_code', 'member_order', 'since'] as const;
const citizenshipSet = (list: { state_code: string; since: string | null }[]) =>
  list
    .map((c) => `${c.state_code}@${c.since ?? ''}`)
    .sort()
    .join(',');

async function applyPersons(trx: AnyDb, enteId: string, items: Item<PersonDraft>[]): Promise<Settled[]> {
  const codes = items.map((i) => i.draft.person.fiscal_code);
  const persons = new Map(
    (await registry.findPersonsByFiscalCodes(trx, enteId, codes)).map((p) => [p.fiscal_code, p]),
  );
  const familyCodes = [
    ...new Set(items.flatMap((i) => (i.draft.membership ? [i.draft.membership.familyCode] : []))),
  ];
  const families = new Map(
    (await registry.findFamiliesByCodes(trx, enteId, familyCodes)).map((f) => [f.family_code, f]),
  );
  const personIds = [...persons.values()].map((p) => p.id);
  const citizenships = new Map<string, { state_code: string; since: string | null }[]>();
  for (const c of await registry.citizenshipsOf(trx, enteId, personIds)) {
    citizenships.set(c.person_id, [...(citizenships.get(c.person_id) ?? []), c]);
  }
  const familyIds = [...families.values()].map((f) => f.id);
  const sheets = new FamilySheets(await registry.membersOf(trx, enteId, personIds, familyIds));
  const w = {
    inserts: [] as object[],
    updates: [] as object[],
    cits: [] as object[],
    members: [] as object[],
  };
  const replaced = { cits: [] as string[], members: [] as string[] };

  const settled = items.map(({ row, draft }): Settled => {
    const current = persons.get(draft.person.fiscal_code);
    const id = current?.id ?? randomUUID();
    const m = draft.membership;
    const family = m ? families.get(m.familyCode) : undefined;
    if (m && !family) return error(row, [{ field: 'codice_famiglia', rule: 'familyUnknown' }]);
    if (family && draft.aire !== null && draft.aire !== family.aire)
      return error(row, [{ field: 'aire', rule: 'aireMismatch' }]);
    const order = m && family ? sheets.place(id, family.id, m) : null;
    if (order !== null && typeof order !== 'number') return error(row, [order]);

    const person = {
      ente_id: enteId,
      id,
      ...draft.person,
      aire: draft.aire ?? family?.aire ?? current?.aire ?? false,
    };
    const personChanged = !current || !same(current, person, [...PERSON_FIELDS]);
    if (!current) w.inserts.push(person);
    else if (personChanged) w.updates.push(person);
    const citsChanged =
      !current || citizenshipSet(citizenships.get(id) ?? []) !== citizenshipSet(draft.citizenships);
    if (citsChanged) {
      if (current) replaced.cits.push(id);
      w.cits.push(...draft.citizenships.map((c) => ({ ente_id: enteId, person_id: id, ...c })));
    }
    let memberChanged = false;
    if (m && family && typeof order === 'number') {
      const member = {
        person_id: id,
        family_id: family.id,
        relationship_code: m.relationship,
        member_order: order,
        since: m.since,
      };
      const held = sheets.of(id);
      memberChanged = !held || !same(held, member, [...MEMBER_FIELDS]);
      if (memberChanged) {
        if (held) replaced.members.push(id);
        w.members.push({ ente_id: enteId, ...member });
        sheets.put(member);
      }
    }
    const outcome = !current
      ? 'created'
      : personChanged || citsChanged || memberChanged
        ? 'updated'
        : 'unchanged';
    return { rowNumber: row.rowNumber, outcome };
  });
  await registry.insertJson(trx, 'registry_persons', w.inserts);
  await registry.updateJson(trx, 'registry_persons', w.updates);
  await registry.deleteOfPersons(trx, 'registry_citizenships', enteId, replaced.cits);
  await registry.insertJson(trx, 'registry_citizenships', w.cits);
  await registry.deleteOfPersons(trx, 'registry_family_members', enteId, replaced.members);
  await registry.insertJson(trx, 'registry_family_members', w.members);
  return settled;
}

const pairKey = (a: string, b: string, day: string) => `${[a, b].sort().join('+')}:${day}`;

async function applyBonds(
  trx: AnyDb,
  enteId: string,
  items: Item<UnionDraft | CohabitationDraft>[],
): Promise<Settled[]> {
  const codes = [...new Set(items.flatMap((i) => i.draft.parties))];
  const ids = new Map(
    (await registry.findPersonsByFiscalCodes(trx, enteId, codes)).map((p) => [p.fiscal_code, p.id]),
  );
  const known = [...ids.values()];
  const unions = new Map(
    (await registry.unionsAmong(trx, enteId, known)).map((u) => [
      `${u.kind}:${pairKey(u.party1_id, u.party2_id, u.celebrated_on)}`,
      u,
    ]),
  );
  const contracts = new Map(
    (await registry.cohabitationsAmong(trx, enteId, known)).map((c) => [
      pairKey(c.party1_id, c.party2_id, c.signed_on),
      c,
    ]),
  );
  const writes = {
    unions: { inserts: [] as object[], updates: [] as object[] },
    contracts: { inserts: [] as object[], updates: [] as object[] },
  };

  const settled = items.map(({ row, draft }): Settled => {
    const [p1, p2] = draft.parties.map((code) => ids.get(code));
    const missing: RowIssue[] = [
      ...(p1 ? [] : [{ field: 'codice_fiscale', rule: 'personUnknown' as const }]),
      ...(p2 ? [] : [{ field: 'codice_fiscale_2', rule: 'personUnknown' as const }]),
    ];
    if (!p1 || !p2) return error(row, missing);
    const isUnion = draft.kind !== 'convivenza';
    const data = isUnion ? draft.union : draft.cohabitation;
    const current = isUnion
      ? unions.get(`${draft.union.kind}:${pairKey(p1, p2, draft.union.celebrated_on)}`)
      : contracts.get(pairKey(p1, p2, draft.cohabitation.signed_on));
    const next = {
      ente_id: enteId,
      id: current?.id ?? randomUUID(),
      party1_id: current?.party1_id ?? p1,
      party2_id: current?.party2_id ?? p2,
      ...data,
    };
    const changed =
      !current || !same(current as typeof next, next, Object.keys(data) as (keyof typeof next)[]);
    const target = isUnion ? writes.unions : writes.contracts;
    if (changed) (current ? target.updates : target.inserts).push(next);
    return { rowNumber: row.rowNumber, outcome: !current ? 'created' : changed ? 'updated' : 'unchanged' };
  });
  await registry.insertJson(trx, 'registry_unions', writes.unions.inserts);
  await registry.updateJson(trx, 'registry_unions', writes.unions.updates);
  await registry.insertJson(trx, 'registry_cohabitations', writes.contracts.inserts);
  await registry.updateJson(trx, 'registry_cohabitations', writes.contracts.updates);
  return settled;
}
