// Italian calendar days: today's in Rome around midnight UTC, and coming of age on the 18th birthday.
import { describe, expect, it } from 'vitest';
import { isMinorOn, parseDay, todayInRome } from './dates.ts';

describe('dates', () => {
  it('reads the day as Italy counts it, not UTC', () => {
    expect(todayInRome(new Date('2026-12-31T23:30:00Z'))).toBe('2027-01-01');
    expect(todayInRome(new Date('2026-07-01T21:59:00Z'))).toBe('2026-07-01');
    expect(todayInRome(new Date('2026-07-01T22:00:00Z'))).toBe('2026-07-02');
  });

  it('is of age from the 18th birthday on', () => {
    expect(isMinorOn('2008-11-23', '2026-11-22')).toBe(true);
    expect(isMinorOn('2008-11-23', '2026-11-23')).toBe(false);
    expect(isMinorOn('1984-03-12', '2026-11-23')).toBe(false);
    expect(isMinorOn('2012-06-25', '2026-11-23')).toBe(true);
  });

  it('reads the day formats operators type', () => {
    expect(parseDay('3/1/2026')).toBe('2026-01-03');
    expect(parseDay('2026-02-30')).toBeNull();
  });
});
