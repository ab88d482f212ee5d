// Calendar days: as operators type them in files and forms, and today's in Italy.

/** 31/12/2026, 31-12-2026, 31.12.2026, 2026-12-31 → 2026-12-31; null when not a calendar date. */
export function parseDay(text: string): string | null {
  const italian = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(text);
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  const parts = italian ? [italian[3]!, italian[2]!, italian[1]!] : iso ? [iso[1]!, iso[2]!, iso[3]!] : null;
  if (!parts) return null;
  const day = `${parts[0]}-${parts[1]!.padStart(2, '0')}-${parts[2]!.padStart(2, '0')}`;
  const date = new Date(`${day}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(day) ? day : null;
}

const ROME_DATE = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/Rome',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** Today in Italy, YYYY-MM-DD: due dates, ages and registry dates are Italian calendar days. */
export const todayInRome = (now = new Date()) => ROME_DATE.format(now);

/** Whether someone born on `birthDate` (YYYY-MM-DD) is under 18 on `today` (YYYY-MM-DD). */
export const isMinorOn = (birthDate: string, today: string) =>
  birthDate > `${Number(today.slice(0, 4)) - 18}${today.slice(4)}`;
