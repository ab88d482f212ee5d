// The Italian fiscal code of a natural person (codice fiscale, DM 23/12/1976 n. 13813): computation,
// validation of the check character, and omocodia (digits replaced by letters when two people would
// otherwise share a code).

const MONTHS = 'ABCDEHLMPRST';
const OMOCODIA_LETTERS = 'LMNPQRSTUV';
/** 0-based positions of the seven digits that omocodia may replace, right to left. */
const OMOCODIA_POSITIONS = [14, 13, 12, 10, 9, 7, 6];
const ODD = [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23];
const PATTERN = /^[A-Z]{6}[0-9LMNPQRSTUV]{2}[ABCDEHLMPRST][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]$/;

const letters = (text: string) =>
  text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toUpperCase()
    .replace(/[^A-Z]/g, '');
const consonants = (text: string) => letters(text).replace(/[AEIOU]/g, '');
const vowels = (text: string) => letters(text).replace(/[^AEIOU]/g, '');
const pad = (code: string) => `${code}XXX`.slice(0, 3);

const surnameCode = (surname: string) => pad(consonants(surname) + vowels(surname));

function nameCode(name: string): string {
  const c = consonants(name);
  // With four or more consonants the name takes the 1st, 3rd and 4th.
  return c.length >= 4 ? c[0]! + c[2]! + c[3]! : pad(c + vowels(name));
}

/** The value of a character in the check-character sum. */
function charValue(char: string, odd: boolean): number {
  const index = /[0-9]/.test(char) ? char.charCodeAt(0) - 48 : char.charCodeAt(0) - 65;
  return odd ? ODD[index]! : index;
}

export function checkChar(first15: string): string {
  let sum = 0;
  for (let i = 0; i < 15; i++) sum += charValue(first15[i]!, i % 2 === 0);
  return String.fromCharCode(65 + (sum % 26));
}

export interface Person {
  surname: string;
  name: string;
  /** ISO date, YYYY-MM-DD. */
  birthDate: string;
  sex: 'M' | 'F';
  /** Belfiore code of the comune of birth, or Z-code of the foreign state. */
  birthPlace: string;
}

export function computeFiscalCode(person: Person): string {
  const [year, month, day] = person.birthDate.split('-').map(Number) as [number, number, number];
  const dayCode = String(person.sex === 'F' ? day + 40 : day).padStart(2, '0');
  const body =
    surnameCode(person.surname) +
    nameCode(person.name) +
    String(year % 100).padStart(2, '0') +
    MONTHS[month - 1] +
    dayCode +
    person.birthPlace.toUpperCase();
  return body + checkChar(body);
}

/** The code with `level` (1–7) of its digits replaced, as the Agenzia delle Entrate assigns them. */
export function omocode(code: string, level: number): string {
  const chars = code.slice(0, 15).split('');
  for (const position of OMOCODIA_POSITIONS.slice(0, level)) {
    const char = chars[position]!;
    if (/[0-9]/.test(char)) chars[position] = OMOCODIA_LETTERS[Number(char)]!;
  }
  const body = chars.join('');
  return body + checkChar(body);
}

/** Shape, month letter, day range and check character; accepts omocodia variants. */
export function isValidFiscalCode(code: string): boolean {
  if (!PATTERN.test(code)) return false;
  const digit = (char: string) => (/[0-9]/.test(char) ? Number(char) : OMOCODIA_LETTERS.indexOf(char));
  const day = digit(code[9]!) * 10 + digit(code[10]!);
  if (!((day >= 1 && day <= 31) || (day >= 41 && day <= 71))) return false;
  return checkChar(code.slice(0, 15)) === code[15];
}
