// Reference data of the synthetic population: real places (comuni with Belfiore codes, foreign states with
// Z-codes; see seeds/people/README.md for sources and licences) and invented names and streets.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const SEEDS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../seeds');

export interface Comune {
  istatCode: string;
  belfiore: string;
  name: string;
  province: string;
  postalCode: string | null;
}

export interface ForeignState {
  zCode: string;
  istatCode: string;
  name: string;
}

export const ITALY = { istatCode: '100', name: 'Italia' } as const;

function csvRows(file: string): string[][] {
  return fs
    .readFileSync(path.join(SEEDS, file), 'utf8')
    .replace(/^\uFEFF/, '')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .slice(1)
    .map((line) => line.split(','));
}

const SMALL_WORDS = new Set(['di', 'del', 'della', 'dei', 'delle', 'al', 'sul', 'in', 'e', 'd', 'con']);

/** "SAN DONÀ DI PIAVE" → "San Donà di Piave". */
export function titleCase(upper: string): string {
  return upper
    .toLowerCase()
    .split(/(\s+|-|')/)
    .map((w, i) => (i > 0 && SMALL_WORDS.has(w) ? w : w.charAt(0).toUpperCase() + w.slice(1)))
    .join('');
}

let comuni: Comune[] | null = null;

/** Every active comune (ANPR archive), with the postal code where the seeds know it. */
export function allComuni(): Comune[] {
  if (comuni) return comuni;
  const postal = new Map<string, string>();
  const names = new Map<string, string>();
  for (const row of csvRows('enti/comuni-ve-tv-bo.csv')) {
    names.set(row[0]!, row[1]!);
    postal.set(row[0]!, row[11]!.split(' ')[0]!);
  }
  comuni = csvRows('enti/comuni-attivi.csv').map(([istat, belfiore, name, , province]) => ({
    istatCode: istat!,
    belfiore: belfiore!,
    name: names.get(istat!) ?? titleCase(name!),
    province: province!,
    postalCode: postal.get(istat!) ?? null,
  }));
  return comuni;
}

let states: ForeignState[] | null = null;

export function foreignStates(): ForeignState[] {
  states ??= csvRows('people/stati-esteri.csv').map(([zCode, istatCode, , name]) => ({
    zCode: zCode!,
    istatCode: istatCode!,
    name: name!,
  }));
  return states;
}

export function foreignState(zCode: string): ForeignState {
  const state = foreignStates().find((s) => s.zCode === zCode);
  if (!state) throw new Error(`unknown foreign state ${zCode}`);
  return state;
}

// Where people born abroad come from, and where AIRE residents live (weights).
export const IMMIGRATION: readonly (readonly [string, number])[] = [
  ['Z129', 22],
  ['Z100', 14],
  ['Z330', 12],
  ['Z210', 9],
  ['Z138', 8],
  ['Z140', 6],
  ['Z249', 6],
  ['Z222', 5],
  ['Z343', 5],
  ['Z602', 4],
  ['Z112', 3],
];
export const EMIGRATION: readonly (readonly [string, number])[] = [
  ['Z112', 20],
  ['Z133', 16],
  ['Z110', 12],
  ['Z114', 12],
  ['Z600', 12],
  ['Z602', 10],
  ['Z103', 8],
  ['Z404', 6],
  ['Z700', 4],
];
/** Cities and a street of each AIRE destination. */
export const FOREIGN_ADDRESSES: Record<string, { cities: readonly string[]; street: string }> = {
  Z112: { cities: ['Berlin', 'München', 'Stuttgart'], street: 'Hauptstraße' },
  Z133: { cities: ['Zürich', 'Basel', 'Lugano'], street: 'Bahnhofstrasse' },
  Z110: { cities: ['Paris', 'Lyon', 'Nice'], street: 'Rue de la République' },
  Z114: { cities: ['London', 'Manchester'], street: 'High Street' },
  Z600: { cities: ['Buenos Aires', 'Rosario', 'Córdoba'], street: 'Avenida Rivadavia' },
  Z602: { cities: ['São Paulo', 'Porto Alegre'], street: 'Rua Augusta' },
  Z103: { cities: ['Bruxelles', 'Liège', 'Charleroi'], street: 'Rue Royale' },
  Z404: { cities: ['New York', 'Chicago'], street: 'Main Street' },
  Z700: { cities: ['Melbourne', 'Sydney'], street: 'Collins Street' },
};

export const MALE_NAMES = [
  'Marco',
  'Luca',
  'Andrea',
  'Matteo',
  'Alessandro',
  'Francesco',
  'Giovanni',
  'Giuseppe',
  'Antonio',
  'Stefano',
  'Paolo',
  'Davide',
  'Simone',
  'Lorenzo',
  'Riccardo',
  'Federico',
  'Nicola',
  'Roberto',
  'Giorgio',
  'Fabio',
  'Massimo',
  'Enrico',
  'Leonardo',
  'Tommaso',
  'Filippo',
  'Gabriele',
  'Angelo',
  'Bruno',
  'Sergio',
  'Franco',
  'Luigi',
  'Pietro',
  'Mattia',
  'Diego',
  'Alberto',
  'Renato',
  'Elia',
];
export const FEMALE_NAMES = [
  'Giulia',
  'Francesca',
  'Chiara',
  'Sara',
  'Martina',
  'Alessia',
  'Valentina',
  'Elena',
  'Silvia',
  'Laura',
  'Anna',
  'Federica',
  'Elisa',
  'Paola',
  'Cristina',
  'Roberta',
  'Giorgia',
  'Sofia',
  'Aurora',
  'Alice',
  'Emma',
  'Beatrice',
  'Camilla',
  'Marta',
  'Lucia',
  'Rita',
  'Teresa',
  'Giovanna',
  'Carla',
  'Angela',
  'Rosa',
  'Maria',
  'Gloria',
  'Irene',
  'Noemi',
  'Ginevra',
  'Bianca',
];
/** Twin names whose fiscal-code name parts coincide (MRA): twins so named need omocodia. */
export const COLLIDING_TWIN_NAMES = { M: ['Mario', 'Mauro'], F: ['Maria', 'Mara'] } as const;

export const SURNAMES = [
  'Rossi',
  'Bianchi',
  'Zanetti',
  'Pavan',
  'Rossato',
  'Favaro',
  'Bortolato',
  'Scarpa',
  'Vianello',
  'Boscolo',
  'Zennaro',
  'Tagliapietra',
  'Marchiori',
  'Carraro',
  'Zanin',
  'Visentin',
  'Bellin',
  'Sartori',
  'Furlan',
  'Trevisan',
  'Zamengo',
  'Barbiero',
  'Toffolo',
  'Gallo',
  'Ferrari',
  'Russo',
  'Esposito',
  'Romano',
  'Colombo',
  'Ricci',
  'Marino',
  'Greco',
  'Bruno',
  'Conte',
  'De Rossi',
  'Costa',
  'Fontana',
  'Moretti',
  'Barbieri',
  'Lombardi',
  'Mancini',
  'Rizzo',
  'Zorzi',
  'Dal Zotto',
  'Pizzolato',
  'Bettin',
  'Nardo',
  'Cester',
  'Da Ros',
  'Bincoletto',
];

export const FOREIGN_NAMES: Record<string, { surnames: string[]; M: string[]; F: string[] }> = {
  Z129: {
    surnames: ['Popescu', 'Ionescu', 'Munteanu'],
    M: ['Andrei', 'Mihai', 'Ion'],
    F: ['Ioana', 'Elena', 'Andreea'],
  },
  Z100: {
    surnames: ['Hoxha', 'Kola', 'Shehu'],
    M: ['Arben', 'Ermal', 'Besnik'],
    F: ['Anila', 'Elira', 'Drita'],
  },
  Z330: {
    surnames: ['Benali', 'El Amrani', 'Bouzid'],
    M: ['Youssef', 'Omar', 'Karim'],
    F: ['Amina', 'Fatima', 'Salma'],
  },
  Z210: { surnames: ['Wang', 'Chen', 'Hu'], M: ['Wei', 'Jun', 'Lei'], F: ['Li', 'Mei', 'Xiu'] },
  Z138: {
    surnames: ['Shevchenko', 'Kovalenko', 'Bondarenko'],
    M: ['Oleksandr', 'Taras'],
    F: ['Olena', 'Iryna', 'Oksana'],
  },
  Z140: { surnames: ['Rusu', 'Ciobanu', 'Ceban'], M: ['Vasile', 'Sergiu'], F: ['Natalia', 'Tatiana'] },
  Z249: { surnames: ['Rahman', 'Hossain', 'Islam'], M: ['Mohammad', 'Rafiq'], F: ['Nusrat', 'Farida'] },
  Z222: { surnames: ['Singh', 'Kaur', 'Sharma'], M: ['Gurpreet', 'Harpreet'], F: ['Simran', 'Manpreet'] },
  Z343: { surnames: ['Diop', 'Ndiaye', 'Fall'], M: ['Mamadou', 'Cheikh'], F: ['Awa', 'Fatou'] },
  Z602: { surnames: ['Silva', 'Santos', 'Oliveira'], M: ['João', 'Pedro'], F: ['Ana', 'Juliana'] },
  Z112: { surnames: ['Schmidt', 'Müller', 'Weber'], M: ['Lukas', 'Jonas'], F: ['Anna', 'Lea'] },
};

export const STREETS = [
  'Via Roma',
  'Via Garibaldi',
  'Via Mazzini',
  'Via Cavour',
  'Piazza Matteotti',
  'Via XXV Aprile',
  'Via Dante Alighieri',
  'Via Marconi',
  'Via Verdi',
  'Via Manzoni',
  'Via Carducci',
  'Via San Marco',
  'Via dei Mille',
  'Via Trieste',
  'Via Trento',
  'Via Piave',
  'Via Vittorio Veneto',
  'Via Don Minzoni',
  'Via Gramsci',
  'Via Leopardi',
  'Via Pascoli',
  'Via delle Rose',
  'Via dei Pini',
  'Via del Mare',
  'Via Aldo Moro',
  'Via Europa',
  'Via Nazario Sauro',
  'Via Battisti',
  'Via Foscolo',
  'Viale Venezia',
];
