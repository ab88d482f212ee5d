// The ente admin manages the ente's own staff: who holds which role, role changes and revocations
// (invitations go through inviteStaff). Only the roles of an ente: a SAD admin role is granted and
// removed from the SAD console alone. No HTTP, no SQL.
import { recordAudit } from '../../platform/audit/audit.ts';
import { updateSessionGrants } from '../../platform/auth/sessions.repo.ts';
import { withTenant } from '../../platform/db/tenant.ts';
import { AppError } from '../../platform/errors.ts';
import * as identityRepo from './identity.repo.ts';
import type { StaffRole } from './identity.schema.ts';
import type { IdentityDeps } from './identity.service.ts';
import * as repo from './staff.repo.ts';

/** The roles an ente admin may grant. */
export const ENTE_ROLES: readonly StaffRole[] = ['operator', 'ente_admin', 'data_publisher', 'analyst'];

export interface StaffMember {
  userId: string;
  displayName: string;
  email: string;
  /** The invitation was accepted (a password is set). */
  active: boolean;
  grants: { role: StaffRole; areas: string[] | null }[];
}

export interface StaffActor {
  subject: string;
  userId?: string;
  requestId?: string;
}

export const StaffAdminErrors = {
  grantNotFound: () => new AppError('GRANT_NOT_FOUND', 404, 'The person does not hold this role here.'),
  roleNotAllowed: () =>
    new AppError('ROLE_NOT_ALLOWED', 403, 'This role is granted and removed from the SAD console only.'),
  ownAdminGrant: () =>
    new AppError('OWN_ADMIN_GRANT', 409, 'You cannot remove your own administrator role of this ente.'),
  roleHeld: () => new AppError('ROLE_HELD', 409, 'The person already holds this role.'),
} as const;

export async function listStaff(deps: IdentityDeps, enteId: string, userId?: string): Promise<StaffMember[]> {
  const members = new Map<string, StaffMember>();
  for (const row of await repo.staffOf(deps.db, enteId, userId)) {
    const member = members.get(row.userId) ?? {
      userId: row.userId,
      displayName: row.displayName,
      email: row.email,
      active: row.active,
      grants: [],
    };
    member.grants.push({ role: row.role, areas: row.areas });
    members.set(row.userId, member);
  }
  return [...members.values()];
}

/**
 * Replaces one role of a person with another (or changes an operator's service areas), in one
 * transaction with its audit event; live sessions get the new grants at once.
 */
export async function changeStaffRole(
  deps: IdentityDeps,
  actor: StaffActor,
  change: { enteId: string; userId: string; from: StaffRole; to: StaffRole; areas?: string[] },
): Promise<void> {
  const { enteId, userId, from, to } = change;
  if (!ENTE_ROLES.includes(from) || !ENTE_ROLES.includes(to)) throw StaffAdminErrors.roleNotAllowed();
  if (from === 'ente_admin' && to !== 'ente_admin' && actor.userId === userId) {
    throw StaffAdminErrors.ownAdminGrant();
  }
  const areas = to === 'operator' && change.areas?.length ? change.areas : undefined;
  await withTenant(deps.db, enteId, async (trx) => {
    if (!(await repo.deleteGrant(trx, { enteId, userId, role: from })))
      throw StaffAdminErrors.grantNotFound();
    const added = await identityRepo.addGrant(trx, {
      enteId,
      userId,
      role: to,
      ...(areas ? { areas } : {}),
      grantedBy: actor.subject,
    });
    if (!added) throw StaffAdminErrors.roleHeld();
    await recordAudit(trx, {
      enteId,
      actor: actor.subject,
      action: 'staff.role-change',
      targetType: 'user',
      targetId: userId,
      requestId: actor.requestId ?? null,
      content: { from, to, areas: areas ?? null },
    });
  });
  await updateSessionGrants(deps.db, userId, await identityRepo.grantsOf(deps.db, userId));
}

/** Takes a role away; the person's live sessions lose it at once. */
export async function revokeStaffGrant(
  deps: IdentityDeps,
  actor: StaffActor,
  grant: { enteId: string; userId: string; role: StaffRole },
): Promise<void> {
  if (!ENTE_ROLES.includes(grant.role)) throw StaffAdminErrors.roleNotAllowed();
  if (grant.role === 'ente_admin' && actor.userId === grant.userId) throw StaffAdminErrors.ownAdminGrant();
  await withTenant(deps.db, grant.enteId, async (trx) => {
    if (!(await repo.deleteGrant(trx, grant))) throw StaffAdminErrors.grantNotFound();
    await recordAudit(trx, {
      enteId: grant.enteId,
      actor: actor.subject,
      action: 'staff.revoke',
      targetType: 'user',
      targetId: grant.userId,
      requestId: actor.requestId ?? null,
      content: { role: grant.role },
    });
  });
  await updateSessionGrants(deps.db, grant.userId, await identityRepo.grantsOf(deps.db, grant.userId));
}
