// Registry rows tests need that the synthetic population cannot give on every date: its people are born
// on fixed days and grow up, so a child of a given age today is added to a family here.
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { todayInRome } from '../../platform/dates.ts';
import type { AnyDb } from '../../platform/db/database.ts';
import { computeFiscalCode } from './fiscal-code.ts';

/**
 * Adds a son `age` years old today (born on the 1st of this month, in Venice, Italian) to the family of
 * `parent`, with the parent's surname; returns his fiscal code.
 */
export async function addChild(
  db: AnyDb,
  input: { enteId: string; parent: string; givenName: string; age: number },
): Promise<string> {
  const { enteId, parent, givenName } = input;
  const { surname } = (
    await sql<{ surname: string }>`select surname from registry_persons
      where ente_id = ${enteId} and fiscal_code = ${parent}`.execute(db)
  ).rows[0]!;
  const today = todayInRome();
  const birthDate = `${Number(today.slice(0, 4)) - input.age}${today.slice(4, 8)}01`;
  const code = computeFiscalCode({ surname, name: givenName, birthDate, sex: 'M', birthPlace: 'L736' });
  const id = randomUUID();
  await sql`insert into registry_persons (ente_id, id, fiscal_code, surname, given_name, sex, birth_date,
      birth_comune_code, birth_comune_name, birth_province, civil_status)
    values (${enteId}, ${id}, ${code}, ${surname}, ${givenName}, 'M', ${birthDate}, 'L736', 'Venezia', 'VE', 1)`.execute(
    db,
  );
  await sql`insert into registry_citizenships (ente_id, person_id, state_code, state_name)
    values (${enteId}, ${id}, '100', 'Italia')`.execute(db);
  await sql`insert into registry_family_members (ente_id, person_id, family_id, relationship_code, member_order)
    select m.ente_id, ${id}, m.family_id, 3, (select max(x.member_order) + 1 from registry_family_members x
        where x.ente_id = m.ente_id and x.family_id = m.family_id)
    from registry_family_members m join registry_persons p on p.ente_id = m.ente_id and p.id = m.person_id
    where p.ente_id = ${enteId} and p.fiscal_code = ${parent}`.execute(db);
  return code;
}
