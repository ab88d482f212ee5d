import { describe, expect, it } from 'vitest';
import { computeFiscalCode, isValidFiscalCode, omocode } from './fiscal-code.ts';
import vectors from './fixtures/codice-fiscale.json' with { type: 'json' };

describe('fiscal code of a person', () => {
  it('computes the published vectors, with every omocodia level', () => {
    for (const v of vectors.valid) {
      const person = {
        surname: v.cognome,
        name: v.nome,
        birthDate: v.data_nascita,
        sex: v.sesso as 'M' | 'F',
        birthPlace: v.belfiore,
      };
      expect(computeFiscalCode(person), v.codice_fiscale).toBe(v.codice_fiscale);
      expect(isValidFiscalCode(v.codice_fiscale)).toBe(true);
      v.omocodici.forEach((variant, index) => {
        expect(omocode(v.codice_fiscale, index + 1)).toBe(variant);
        expect(isValidFiscalCode(variant), variant).toBe(true);
      });
    }
  });

  it('rejects the invalid vectors', () => {
    for (const v of vectors.invalid) expect(isValidFiscalCode(v.code), v.why).toBe(false);
  });

  it('handles short names, accents and apostrophes', () => {
    expect(
      computeFiscalCode({
        surname: "D'Amico",
        name: 'Niccolò',
        birthDate: '2001-01-31',
        sex: 'F',
        birthPlace: 'L736',
      }).slice(0, 11),
    ).toBe('DMCNCL01A71');
    expect(
      computeFiscalCode({
        surname: 'Fo',
        name: 'Ed',
        birthDate: '1999-09-09',
        sex: 'M',
        birthPlace: 'Z404',
      }).slice(0, 6),
    ).toBe('FOXDEX');
  });
});
