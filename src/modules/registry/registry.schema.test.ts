// Relationships as said of the person: the masculine or feminine of ANPR's paired labels.
import { describe, expect, it } from 'vitest';
import { RELATIONSHIP, type Relationship, relationshipLabel } from './registry.schema.ts';

describe('relationship label', () => {
  it('takes the masculine or feminine of a pair, keeping the qualifier', () => {
    expect(relationshipLabel(2, 'F')).toBe('moglie');
    expect(relationshipLabel(2, 'M')).toBe('marito');
    expect(relationshipLabel(3, 'F')).toBe('figlia');
    expect(relationshipLabel(11, 'M')).toBe('zio (collaterale)');
    expect(relationshipLabel(11, 'F')).toBe('zia (collaterale)');
  });

  it('says them in English for English pages, paired the same way', () => {
    expect(relationshipLabel(2, 'F', 'en')).toBe('wife');
    expect(relationshipLabel(20, 'F', 'en')).toBe('niece (by marriage)');
    expect(relationshipLabel(1, 'M', 'en')).toBe('head of the family sheet');
    for (const code of Object.keys(RELATIONSHIP).map(Number) as Relationship[])
      expect(relationshipLabel(code, 'M', 'en')).toMatch(/^[a-z]/);
  });

  it('leaves the labels without a pair as ANPR writes them', () => {
    for (const code of [1, 4, 23, 28, 99] as Relationship[])
      expect(relationshipLabel(code, 'F')).toBe(RELATIONSHIP[code]);
  });
});
