// Roles and permissions, declared in one table: each action lists the roles that may perform it and the
// scope in which a grant counts. Anything not listed is denied.

export const ROLES = ['citizen', 'operator', 'ente_admin', 'sad_admin', 'data_publisher', 'analyst'] as const;
export type Role = (typeof ROLES)[number];

export interface Grant {
  role: Role;
  /** The ente the grant belongs to (for sad_admin: the SAD). Citizens have none. */
  enteId?: string;
  /** For operators: the service areas they work in; absent means every area of the ente. */
  areas?: string[];
}

export interface Principal {
  subject: string;
  /** The platform user, for principals that logged in (sessions of tests and tools may have none). */
  userId?: string;
  /** The stored id (hash) of the session the principal came with. */
  sessionId?: string;
  displayName: string | null;
  grants: Grant[];
}

export interface Resource {
  enteId: string;
  /** The SAD the ente belongs to (its own id for a SAD). */
  sadId: string;
  area?: string;
}

/**
 * ente: a grant on this very ente; sad: a grant on the SAD that runs it; area: a grant on this ente
 * whose areas include the resource's; any: the role alone.
 */
type Scope = 'ente' | 'sad' | 'area' | 'any';
type Rule = readonly [Role, Scope];

export const POLICY = {
  'ente.update': [
    ['ente_admin', 'ente'],
    ['sad_admin', 'sad'],
  ],
  'ente.create': [['sad_admin', 'sad']],
  /** The ente's staff and roles, and its enterprise identity provider. */
  'staff.manage': [
    ['ente_admin', 'ente'],
    ['sad_admin', 'sad'],
  ],
  /** The ente's pagoPA settings and catalogue of payable items. */
  'payments.manage': [
    ['ente_admin', 'ente'],
    ['sad_admin', 'sad'],
  ],
  /**
   * The ente's payments back office (positions, receipts to look at, daily reconciliation, CSV imports):
   * its ente admin, and its operators whose areas include the resource's area. The pages ask with the
   * areas "pagamenti" and "tributi", so an operator of either (or of every area) is let in.
   */
  'payments.operate': [
    ['operator', 'area'],
    ['ente_admin', 'ente'],
  ],
  /** The ente's certificate settings: its electronic seal (PKCS#12), stamp-duty authorisation, coat of arms. */
  'certificates.manage': [
    ['ente_admin', 'ente'],
    ['sad_admin', 'sad'],
  ],
  /**
   * Registry work at the counter: issuing certificates for citizens without SPID and importing the
   * population registry. The ente admin, and operators whose areas include "anagrafe".
   */
  'registry.operate': [
    ['operator', 'area'],
    ['ente_admin', 'ente'],
  ],
  'audit.read': [
    ['ente_admin', 'ente'],
    ['sad_admin', 'sad'],
  ],
  'jobs.read': [['sad_admin', 'sad']],
  'jobs.retry': [['sad_admin', 'sad']],
  'sad.console': [['sad_admin', 'sad']],
  'backoffice.access': [
    ['operator', 'area'],
    ['ente_admin', 'ente'],
  ],
  'data.publish': [['data_publisher', 'ente']],
  'analysis.run': [['analyst', 'ente']],
  'personal-area.access': [['citizen', 'any']],
} as const satisfies Record<string, readonly Rule[]>;

export type Action = keyof typeof POLICY;

function matches(grant: Grant, scope: Scope, resource: Resource | null): boolean {
  if (scope === 'any') return true;
  if (!resource || !grant.enteId) return false;
  switch (scope) {
    case 'ente':
      return grant.enteId === resource.enteId;
    case 'sad':
      return grant.enteId === resource.sadId;
    case 'area':
      return (
        grant.enteId === resource.enteId &&
        (grant.areas === undefined || (resource.area !== undefined && grant.areas.includes(resource.area)))
      );
  }
}

export function can(principal: Principal | null, action: Action, resource: Resource | null): boolean {
  if (!principal) return false;
  const rules: readonly Rule[] = POLICY[action] ?? [];
  return rules.some(([role, scope]) =>
    principal.grants.some((grant) => grant.role === role && matches(grant, scope, resource)),
  );
}

/** The SADs in which the principal is an administrator. */
export function adminOfSads(principal: Principal | null): string[] {
  return (principal?.grants ?? []).filter((g) => g.role === 'sad_admin' && g.enteId).map((g) => g.enteId!);
}
