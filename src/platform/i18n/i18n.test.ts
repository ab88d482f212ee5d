// The two catalogues: every Italian text has an English one with the same {placeholders} (a translation
// that drops or renames one shows the raw "{name}" to its readers), and the translator fills them in.
import { describe, expect, it as test } from 'vitest';
import { en } from './en.ts';
import { type MessageKey, translator } from './index.ts';
import { it } from './it.ts';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('message catalogues', () => {
  test('hold the same keys, none empty', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(it).sort());
    for (const catalogue of [it, en])
      for (const [key, text] of Object.entries(catalogue)) expect(text.trim(), key).not.toBe('');
  });

  test('give each key the same placeholders in both languages', () => {
    for (const key of Object.keys(it) as MessageKey[])
      expect(placeholders(en[key]), key).toEqual(placeholders(it[key]));
  });

  test('fill the placeholders given and leave the others visible', () => {
    expect(translator('it')('header.home', { name: 'Jesolo' })).toBe('Vai alla home page di Jesolo');
    expect(translator('en')('header.home', { name: 'Jesolo' })).toContain('Jesolo');
    expect(translator('it')('header.home')).toBe('Vai alla home page di {name}');
  });
});
