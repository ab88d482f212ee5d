// OpenID Connect Federation as SPID and CIE use it (italia/spid-cie-oidc-docs): verification of signed
// entity statements, trust chains from an entity up to a trust anchor, and the metadata policy the
// superiors impose on the entity's metadata.
import { createLocalJWKSet, type JSONWebKeySet, jwtVerify, SignJWT } from 'jose';
import type { KeyPair } from '../../platform/keys.ts';

export const ENTITY_STATEMENT_TYP = 'entity-statement+jwt';
const ALGORITHMS = ['RS256', 'RS512', 'PS256', 'PS512', 'ES256', 'ES512'];

export type Metadata = Record<string, Record<string, unknown>>;
type Policy = Record<string, Record<string, Record<string, unknown>>>;

export interface EntityStatement {
  iss: string;
  sub: string;
  iat: number;
  exp: number;
  jwks: JSONWebKeySet;
  metadata?: Metadata;
  metadata_policy?: Policy;
  authority_hints?: string[];
  trust_marks?: { id: string; trust_mark: string }[];
}

export class FederationError extends Error {}

/** Entity ids compare without a trailing slash (the reference implementation writes both). */
export const sameEntity = (a: string, b: string) => a.replace(/\/$/, '') === b.replace(/\/$/, '');

/** Verifies a signed entity statement with the given keys at the given time. */
export async function verifyStatement(jwt: string, keys: JSONWebKeySet, now: Date): Promise<EntityStatement> {
  try {
    const { payload } = await jwtVerify(jwt, createLocalJWKSet(keys), {
      currentDate: now,
      typ: ENTITY_STATEMENT_TYP,
      algorithms: ALGORITHMS,
    });
    const statement = payload as unknown as EntityStatement;
    if (!statement.iss || !statement.sub || !statement.jwks?.keys?.length) {
      throw new FederationError('entity statement without iss, sub or jwks');
    }
    return statement;
  } catch (error) {
    if (error instanceof FederationError) throw error;
    throw new FederationError(`entity statement not valid: ${(error as Error).message}`);
  }
}

export interface ResolvedChain {
  leaf: EntityStatement;
  /** The superiors' statements about the level below, from the leaf's superior up. */
  statements: EntityStatement[];
  /** The leaf's metadata with every superior's policy applied. */
  metadata: Metadata;
  /** The chain is valid until the earliest expiry of its statements (seconds since the epoch). */
  exp: number;
}

/**
 * Verifies a trust chain in the order of the OpenID Federation specification: the leaf's entity
 * configuration, then each superior's statement about its subordinate, ending with the trust anchor's
 * entity configuration, whose keys must be the ones configured for the trust anchor.
 */
export async function verifyTrustChain(
  chain: string[],
  trustAnchor: { id: string; jwks: JSONWebKeySet },
  now: Date,
): Promise<ResolvedChain> {
  if (chain.length < 3) throw new FederationError('a trust chain has at least three statements');
  const anchor = await verifyStatement(chain.at(-1)!, trustAnchor.jwks, now);
  if (!sameEntity(anchor.iss, trustAnchor.id) || !sameEntity(anchor.sub, trustAnchor.id)) {
    throw new FederationError('the chain does not end at the configured trust anchor');
  }
  // Walk down: each statement is signed by the keys its issuer got from the level above.
  let issuerKeys = anchor.jwks;
  let issuer = anchor.sub;
  const statements: EntityStatement[] = [];
  for (let i = chain.length - 2; i >= 1; i--) {
    const statement = await verifyStatement(chain[i]!, issuerKeys, now);
    if (!sameEntity(statement.iss, issuer))
      throw new FederationError(`statement ${i} is not issued by ${issuer}`);
    statements.unshift(statement);
    issuerKeys = statement.jwks;
    issuer = statement.sub;
  }
  const leaf = await verifyStatement(chain[0]!, issuerKeys, now);
  if (!sameEntity(leaf.iss, leaf.sub) || !sameEntity(leaf.sub, issuer)) {
    throw new FederationError('the first statement is not the entity configuration of the chain subject');
  }
  const superior = statements[0]!.iss;
  if (!(leaf.authority_hints ?? []).some((hint) => sameEntity(hint, superior))) {
    throw new FederationError('the entity does not name its superior among its authority hints');
  }
  let metadata = structuredClone(leaf.metadata ?? {});
  // Policies apply from the trust anchor down to the immediate superior.
  for (const statement of [...statements].reverse()) {
    if (statement.metadata_policy) metadata = applyPolicy(metadata, statement.metadata_policy);
  }
  const exp = Math.min(anchor.exp, leaf.exp, ...statements.map((s) => s.exp));
  return { leaf, statements, metadata, exp };
}

/** The metadata policy operators of OpenID Federation: value, add, default, one_of, subset_of, superset_of, essential. */
export function applyPolicy(metadata: Metadata, policy: Policy): Metadata {
  const out = structuredClone(metadata);
  for (const [entityType, fields] of Object.entries(policy)) {
    const target = out[entityType];
    if (!target) continue;
    for (const [field, operators] of Object.entries(fields)) {
      let value = target[field];
      if ('value' in operators) value = operators.value;
      if ('add' in operators) {
        const current = Array.isArray(value) ? value : value === undefined ? [] : [value];
        value = [...current, ...(operators.add as unknown[]).filter((v) => !current.includes(v))];
      }
      if (value === undefined && 'default' in operators) value = operators.default;
      if ('one_of' in operators && value !== undefined && !(operators.one_of as unknown[]).includes(value)) {
        throw new FederationError(`${entityType}.${field} is not one of the allowed values`);
      }
      if ('subset_of' in operators && Array.isArray(value)) {
        const allowed = operators.subset_of as unknown[];
        value = value.filter((v) => allowed.includes(v));
      }
      if ('superset_of' in operators && value !== undefined) {
        const present = Array.isArray(value) ? value : [value];
        if (!(operators.superset_of as unknown[]).every((v) => present.includes(v))) {
          throw new FederationError(`${entityType}.${field} lacks values the federation requires`);
        }
      }
      if (operators.essential === true && value === undefined) {
        throw new FederationError(`${entityType}.${field} is required by the federation`);
      }
      if (value === undefined) delete target[field];
      else target[field] = value;
    }
  }
  return out;
}

/** Signs an entity's own configuration (iss = sub) with its federation key. */
export async function signEntityConfiguration(
  entityId: string,
  key: KeyPair,
  claims: {
    metadata: Metadata;
    authority_hints: string[];
    trust_marks: { id: string; trust_mark: string }[];
  },
  lifetimeSeconds = 24 * 3600,
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ ...claims, jwks: { keys: [key.publicJwk] } })
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: ENTITY_STATEMENT_TYP })
    .setIssuer(entityId)
    .setSubject(entityId)
    .setIssuedAt(now)
    .setExpirationTime(now + lifetimeSeconds)
    .sign(key.privateKey);
}

export const TRUST_MARK_TYP = 'trust-mark+jwt';

/**
 * The ids of the entity's trust marks that verify: signed (typ trust-mark+jwt) by the trust anchor,
 * issued to this very entity, not expired, and listed under the id they carry.
 */
export async function validTrustMarks(
  statement: EntityStatement,
  anchor: { id: string; jwks: JSONWebKeySet },
  now: Date,
): Promise<string[]> {
  const valid: string[] = [];
  for (const entry of statement.trust_marks ?? []) {
    try {
      const { payload } = await jwtVerify(entry.trust_mark, createLocalJWKSet(anchor.jwks), {
        currentDate: now,
        typ: TRUST_MARK_TYP,
        algorithms: ALGORITHMS,
      });
      if (
        sameEntity(String(payload.iss), anchor.id) &&
        sameEntity(String(payload.sub), statement.sub) &&
        payload.id === entry.id
      ) {
        valid.push(entry.id);
      }
    } catch {
      // An invalid trust mark simply does not count.
    }
  }
  return valid;
}

/** Signs a trust mark for an entity (the test trust anchor issues them). */
export async function signTrustMark(issuer: string, key: KeyPair, sub: string, id: string): Promise<string> {
  return new SignJWT({ id })
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: TRUST_MARK_TYP })
    .setIssuer(issuer)
    .setSubject(sub)
    .setIssuedAt()
    .setExpirationTime('30d')
    .sign(key.privateKey);
}
