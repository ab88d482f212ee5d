import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SEEDS_DIR } from './comuni-catalogue.ts';
import { contrastWithWhite, isValidNumericFiscalCode, servicesHost, slugify } from './tenancy.rules.ts';

describe('numeric fiscal code', () => {
  it('accepts the fiscal codes of the seeded comuni', () => {
    const codes = fs
      .readFileSync(path.join(SEEDS_DIR, 'codici-fiscali.csv'), 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => line.split(',')[1]!);
    expect(codes.length).toBeGreaterThan(100);
    for (const code of codes) expect(isValidNumericFiscalCode(code), code).toBe(true);
  });

  it('rejects a wrong check digit, letters and wrong lengths', () => {
    expect(isValidNumericFiscalCode('00339370272')).toBe(true);
    expect(isValidNumericFiscalCode('00339370273')).toBe(false);
    expect(isValidNumericFiscalCode('0033937027A')).toBe(false);
    expect(isValidNumericFiscalCode('0033937027')).toBe(false);
  });
});

describe('slugs and hosts', () => {
  it('makes URL-safe slugs from Italian names', () => {
    expect(slugify("Quarto d'Altino")).toBe('quarto-d-altino');
    expect(slugify('Scorzè')).toBe('scorze');
    expect(slugify('Cavallino-Treporti')).toBe('cavallino-treporti');
    expect(slugify("Godega di Sant'Urbano")).toBe('godega-di-sant-urbano');
  });

  it('follows the comune.<name>.<prov>.it pattern for host names', () => {
    expect(servicesHost('Santa Maria di Sala', 'VE')).toBe('servizi.comune.santamariadisala.ve.it');
  });
});

describe('colour contrast', () => {
  it('measures contrast against white text as WCAG does', () => {
    expect(contrastWithWhite('#000000')).toBeCloseTo(21, 0);
    expect(contrastWithWhite('#ffffff')).toBeCloseTo(1, 5);
    expect(contrastWithWhite('#0066cc')).toBeGreaterThan(4.5);
    expect(contrastWithWhite('#66b2ff')).toBeLessThan(4.5);
  });
});
