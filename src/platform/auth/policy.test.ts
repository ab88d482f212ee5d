import { describe, expect, it } from 'vitest';
import { can, type Principal } from './policy.ts';

const JESOLO = { enteId: 'jesolo', sadId: 'cmve' };
const CAORLE = { enteId: 'caorle', sadId: 'cmve' };
const TREVISO = { enteId: 'treviso', sadId: 'pvtv' };
const who = (...grants: Principal['grants']): Principal => ({ subject: 'u1', displayName: null, grants });

describe('policy', () => {
  it('denies everything to anonymous users', () => {
    expect(can(null, 'ente.update', JESOLO)).toBe(false);
    expect(can(null, 'personal-area.access', JESOLO)).toBe(false);
  });

  it('lets an ente admin change only their own ente', () => {
    const admin = who({ role: 'ente_admin', enteId: 'jesolo' });
    expect(can(admin, 'ente.update', JESOLO)).toBe(true);
    expect(can(admin, 'ente.update', CAORLE)).toBe(false);
    expect(can(admin, 'jobs.read', JESOLO)).toBe(false);
  });

  it('lets a SAD admin act on every member of that SAD and no other', () => {
    const sadAdmin = who({ role: 'sad_admin', enteId: 'cmve' });
    expect(can(sadAdmin, 'ente.update', JESOLO)).toBe(true);
    expect(can(sadAdmin, 'ente.update', CAORLE)).toBe(true);
    expect(can(sadAdmin, 'ente.update', TREVISO)).toBe(false);
  });

  it('limits operators to their service areas', () => {
    const operator = who({ role: 'operator', enteId: 'jesolo', areas: ['anagrafe'] });
    expect(can(operator, 'backoffice.access', { ...JESOLO, area: 'anagrafe' })).toBe(true);
    expect(can(operator, 'backoffice.access', { ...JESOLO, area: 'tributi' })).toBe(false);
    expect(can(operator, 'backoffice.access', { ...CAORLE, area: 'anagrafe' })).toBe(false);
    expect(can(operator, 'ente.update', JESOLO)).toBe(false);
    const allAreas = who({ role: 'operator', enteId: 'jesolo' });
    expect(can(allAreas, 'backoffice.access', { ...JESOLO, area: 'tributi' })).toBe(true);
  });

  it('does not let a role stand in for another', () => {
    const citizen = who({ role: 'citizen' });
    expect(can(citizen, 'personal-area.access', JESOLO)).toBe(true);
    expect(can(citizen, 'backoffice.access', JESOLO)).toBe(false);
    const analyst = who({ role: 'analyst', enteId: 'jesolo' });
    expect(can(analyst, 'analysis.run', JESOLO)).toBe(true);
    expect(can(analyst, 'data.publish', JESOLO)).toBe(false);
  });
});
