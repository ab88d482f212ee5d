// The frame of the ente admin's identity pages (/{slug}/admin/…): the ente resolved from the path, the
// policy check (its ente admin, or an admin of its SAD), and the page with the ente's brand.
import { can } from '../../platform/auth/policy.ts';
import { type EnteDirectory, EnteFrame, type EnteWithSad, enteScope } from '../tenancy/index.ts';

export type { EnteWithSad };

/** Who may manage the ente's staff: its ente admin, or an admin of its SAD. */
export const enteAdminScope = (directory: EnteDirectory) =>
  enteScope(directory, (principal, ente) => can(principal, 'staff.manage', ente));

export const AdminFrame = EnteFrame;

export { sendPage } from '../../platform/layout/Layout.tsx';
