// The demo citizens (seeds/people/demo-citizens.json, the people the test SPID/CIE providers offer) as
// registry families: grouped by their "family" field, the first listed is the head, an adult of similar
// age is the spouse, the younger ones are children.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { allComuni, foreignState, ITALY } from './population-data.ts';
import type { FamilyBuilder } from './population-family.ts';
import type { Origin } from './population-people.ts';
import { CHILD, HEAD, SPOUSE } from './registry.schema.ts';

export const DEMO_CITIZENS_FILE = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../seeds/people/demo-citizens.json',
);

export interface DemoCitizen {
  id: string;
  given_name: string;
  family_name: string;
  sex: 'M' | 'F';
  birth_date: string;
  birth_place: string;
  birth_place_name: string;
  residence_istat: string | null;
  address: string | null;
  family: string | null;
  fiscal_code: string | null;
}

export function loadDemoCitizens(): DemoCitizen[] {
  return JSON.parse(fs.readFileSync(DEMO_CITIZENS_FILE, 'utf8')) as DemoCitizen[];
}

/** The demo citizens resident in a comune with an Italian fiscal code, grouped by family. */
export function demoFamiliesOf(citizens: DemoCitizen[], istatCode: string): DemoCitizen[][] {
  const families = new Map<string, DemoCitizen[]>();
  for (const c of citizens) {
    if (c.residence_istat !== istatCode || !c.fiscal_code || !c.address) continue;
    const key = c.family ?? c.id;
    families.set(key, [...(families.get(key) ?? []), c]);
  }
  return [...families.values()];
}

function origin(c: DemoCitizen): Origin {
  if (c.birth_place.startsWith('Z')) return { zCode: c.birth_place };
  const comune = allComuni().find((x) => x.belfiore === c.birth_place);
  if (!comune) throw new Error(`demo citizen ${c.id}: unknown comune ${c.birth_place}`);
  return { comune };
}

const yearsBetween = (a: string, b: string) => Math.abs(Number(a.slice(0, 4)) - Number(b.slice(0, 4)));

export function buildDemoFamily(builder: FamilyBuilder, members: DemoCitizen[]): void {
  const [, street, civic] = /^(.*?)\s+(\d+\w*)\s*,/.exec(members[0]!.address!) ?? [];
  builder.begin(street ? { street, civic: civic ?? null } : undefined);
  const [head, ...others] = members as [DemoCitizen, ...DemoCitizen[]];
  const spouse = others.find((o) => yearsBetween(o.birth_date, head.birth_date) < 15);
  const person = (c: DemoCitizen, civilStatus: 1 | 2) => ({
    sex: c.sex,
    birthDate: c.birth_date,
    origin: origin(c),
    surname: c.family_name,
    givenName: c.given_name,
    civilStatus,
    citizenships: [c.birth_place.startsWith('Z') ? foreignState(c.birth_place).istatCode : ITALY.istatCode],
    fiscalCode: c.fiscal_code!,
  });
  const headRow = builder.add(person(head, spouse ? 2 : 1), HEAD, null);
  if (spouse) {
    const spouseRow = builder.add(person(spouse, 2), SPOUSE, null);
    const married = builder.unite(headRow, spouseRow, 'marriage');
    builder.bundle.family.established_on = married;
    for (const m of builder.bundle.members) m.since = married;
  } else {
    builder.bundle.family.established_on = builder.people.dateBetween(
      `${Number(head.birth_date.slice(0, 4)) + 20}${head.birth_date.slice(4)}`,
      builder.referenceDate,
    );
    builder.bundle.members[0]!.since = builder.bundle.family.established_on;
  }
  for (const child of others.filter((o) => o !== spouse)) {
    builder.add(person(child, 1), CHILD, child.birth_date);
  }
}
