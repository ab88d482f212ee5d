import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { computeFiscalCode, isValidFiscalCode, omocode } from './fiscal-code.ts';

const file = path.resolve(import.meta.dirname, '../../../seeds/people/demo-citizens.json');
const people = JSON.parse(fs.readFileSync(file, 'utf8')) as {
  id: string;
  given_name: string;
  family_name: string;
  sex: 'M' | 'F';
  birth_date: string;
  birth_place: string;
  fiscal_code: string | null;
  eidas_id?: string;
  email: string;
}[];

describe('demo citizens', () => {
  it('carry the fiscal code their invented data gives (or its omocodia variant)', () => {
    for (const p of people.filter((x) => x.fiscal_code)) {
      const base = computeFiscalCode({
        surname: p.family_name,
        name: p.given_name,
        birthDate: p.birth_date,
        sex: p.sex,
        birthPlace: p.birth_place,
      });
      const variants = [base, ...[1, 2, 3, 4, 5, 6, 7].map((level) => omocode(base, level))];
      expect(variants, p.id).toContain(p.fiscal_code);
      expect(isValidFiscalCode(p.fiscal_code!)).toBe(true);
    }
  });

  it('include an omocodia case, a birth abroad and an EU citizen without a fiscal code', () => {
    expect(people.some((p) => p.fiscal_code && /[LMNPQRSTUV]/.test(p.fiscal_code.slice(12, 15)))).toBe(true);
    expect(people.some((p) => p.birth_place.startsWith('Z') && p.fiscal_code)).toBe(true);
    expect(people.some((p) => !p.fiscal_code && p.eidas_id)).toBe(true);
    expect(people.every((p) => p.email.endsWith('.example'))).toBe(true);
  });
});
