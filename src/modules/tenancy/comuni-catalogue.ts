// Reference data about Italian comuni, from the public files in seeds/enti (see its README for sources
// and licences): codes and names of every active comune; population, fiscal code and boundary where known.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Geometry } from './tenancy.schema.ts';

export const SEEDS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../seeds/enti');

export interface ComuneFacts {
  istatCode: string;
  belfioreCode: string;
  name: string;
  provinceCode: string;
  region: string;
  population: number | null;
  populationYear: number | null;
  fiscalCode: string | null;
  boundary: Geometry | null;
}

function readCsv(file: string): string[][] {
  const text = fs.readFileSync(path.join(SEEDS_DIR, file), 'utf8').replace(/^\uFEFF/, '');
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .slice(1)
    .map((line) => line.split(','));
}

/** "SAN DONÀ DI PIAVE" → "San Donà di Piave" (for comuni whose mixed-case name is not in the files). */
function titleCase(upper: string): string {
  const small = new Set([
    'di',
    'del',
    'della',
    'dei',
    'delle',
    'al',
    'sul',
    'in',
    'e',
    'd',
    'con',
    'sopra',
    'sotto',
  ]);
  return upper
    .toLowerCase()
    .split(/(\s+|-|')/)
    .map((word, index) =>
      index > 0 && small.has(word) ? word : word.charAt(0).toUpperCase() + word.slice(1),
    )
    .join('');
}

let catalogue: Map<string, ComuneFacts> | null = null;

function load(): Map<string, ComuneFacts> {
  const byIstat = new Map<string, ComuneFacts>();
  for (const [istat, belfiore, name, , province, , , region] of readCsv('comuni-attivi.csv')) {
    byIstat.set(istat!, {
      istatCode: istat!,
      belfioreCode: belfiore!,
      name: titleCase(name!),
      provinceCode: province!,
      region: region!,
      population: null,
      populationYear: null,
      fiscalCode: null,
      boundary: null,
    });
  }
  for (const row of readCsv('comuni-ve-tv-bo.csv')) {
    const facts = byIstat.get(row[0]!);
    if (facts) Object.assign(facts, { name: row[1], population: Number(row[12]), populationYear: 2011 });
  }
  for (const [istat, fiscalCode] of readCsv('codici-fiscali.csv')) {
    const facts = byIstat.get(istat!);
    if (facts) facts.fiscalCode = fiscalCode!.trim();
  }
  const geo = JSON.parse(
    fs.readFileSync(path.join(SEEDS_DIR, 'confini-comuni-ve-tv-bo.geojson'), 'utf8'),
  ) as {
    features: { properties: { codice_istat: string }; geometry: Geometry }[];
  };
  for (const feature of geo.features) {
    const facts = byIstat.get(feature.properties.codice_istat);
    if (facts) facts.boundary = feature.geometry;
  }
  return byIstat;
}

export function comuneFacts(istatCode: string): ComuneFacts | undefined {
  catalogue ??= load();
  return catalogue.get(istatCode);
}

export interface AggregationSeed {
  sad: {
    name: string;
    slug: string;
    istatCode: string;
    provinceCode: string;
    region: string;
    fiscalCode: string | null;
    aggregationName: string;
  };
  comuni: string[];
}

export function aggregationSeed(name: string): AggregationSeed | undefined {
  const all = JSON.parse(fs.readFileSync(path.join(SEEDS_DIR, 'aggregations.json'), 'utf8')) as Record<
    string,
    AggregationSeed
  >;
  return all[name];
}
