// The synthetic citizens the test identity providers offer (seeds/people, shared with the registry seed).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface DemoCitizen {
  id: string;
  given_name: string;
  family_name: string;
  sex: 'M' | 'F';
  birth_date: string;
  birth_place_name: string;
  fiscal_code: string | null;
  email: string;
  spid_level: number | null;
}

const FILE = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../seeds/people/demo-citizens.json',
);

let people: DemoCitizen[] | null = null;

/** Citizens who can log in with SPID or CIE: the adults with an Italian fiscal code. */
export function demoCitizens(): DemoCitizen[] {
  people ??= (JSON.parse(fs.readFileSync(FILE, 'utf8')) as DemoCitizen[]).filter(
    (p) => p.fiscal_code && p.spid_level,
  );
  return people;
}

export const findCitizen = (id: string) => demoCitizens().find((p) => p.id === id);
