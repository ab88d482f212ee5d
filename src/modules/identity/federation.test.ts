// Federation checks against the signed statements and trust chains of the reference implementation
// (italia/spid-cie-oidc-django demo federation, April 2022: verified with a fixed clock).
import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import {
  applyPolicy,
  type EntityStatement,
  FederationError,
  sameEntity,
  validTrustMarks,
  verifyStatement,
  verifyTrustChain,
} from './federation.ts';
import fixtures from './fixtures/federation.json' with { type: 'json' };

const at = (jwt: string) => new Date(((decodeJwt(jwt).iat as number) + 60) * 1000);
const selfSigned = fixtures.statements.filter((s) => s.iss === s.sub);
const keysOf = (entity: string) => {
  const ec = selfSigned.find((s) => sameEntity(s.sub, entity));
  return (decodeJwt(ec!.jwt) as unknown as EntityStatement).jwks;
};
/** The reference implementation stores [leaf EC, trust anchor EC, [statements]]; the spec orders them leaf to anchor. */
const specOrder = (chain: (string | string[])[]) => [
  chain[0] as string,
  ...(chain[2] as string[]),
  chain[1] as string,
];
const tamper = (jwt: string) => {
  const [h, p, s] = jwt.split('.') as [string, string, string];
  const payload = JSON.parse(Buffer.from(p, 'base64url').toString());
  payload.exp += 3600;
  return [h, Buffer.from(JSON.stringify(payload)).toString('base64url'), s].join('.');
};

describe('entity statements', () => {
  it('verifies every signed statement of the demo federation with its issuer keys', async () => {
    expect(fixtures.statements).toHaveLength(19);
    for (const statement of fixtures.statements) {
      const verified = await verifyStatement(statement.jwt, keysOf(statement.iss), at(statement.jwt));
      expect(sameEntity(verified.sub, statement.sub)).toBe(true);
    }
  });

  it('rejects a tampered statement, an expired one and one verified with the wrong keys', async () => {
    const [first, second] = selfSigned as [(typeof selfSigned)[0], (typeof selfSigned)[0]];
    await expect(verifyStatement(tamper(first.jwt), keysOf(first.iss), at(first.jwt))).rejects.toThrow(
      FederationError,
    );
    await expect(verifyStatement(first.jwt, keysOf(first.iss), new Date('2026-01-01'))).rejects.toThrow(
      /exp/,
    );
    await expect(verifyStatement(first.jwt, keysOf(second.iss), at(first.jwt))).rejects.toThrow(
      FederationError,
    );
  });
});

describe('trust chains', () => {
  const anchor = fixtures.trustAnchor;

  it('resolves each chain, applying the trust anchor policy to the leaf metadata', async () => {
    expect(fixtures.chains.length).toBeGreaterThanOrEqual(4);
    let checked = 0;
    for (const fixture of fixtures.chains) {
      const chain = specOrder(fixture.chain);
      const resolved = await verifyTrustChain(chain, anchor, at(chain[0]!));
      expect(sameEntity(resolved.leaf.sub, fixture.sub)).toBe(true);
      expect(resolved.exp).toBeLessThanOrEqual(resolved.leaf.exp);
      // (The fixtures' stored "resolved metadata" comes from older snapshots of the same entities, so
      // the check is against the statements themselves.) Untouched fields stay; touched ones obey the policy.
      const policy = (decodeJwt(chain[1]!) as unknown as EntityStatement).metadata_policy ?? {};
      for (const [type, fields] of Object.entries(resolved.leaf.metadata ?? {})) {
        const rules = (policy as Record<string, Record<string, Record<string, unknown>>>)[type] ?? {};
        for (const [field, original] of Object.entries(fields)) {
          const got = resolved.metadata[type]![field];
          const rule = rules[field];
          if (!rule) expect(got, `${fixture.sub} ${type}.${field}`).toEqual(original);
          if (rule?.value) expect(got).toEqual(rule.value);
          if (rule?.subset_of)
            expect((got as unknown[]).every((v) => (rule.subset_of as unknown[]).includes(v))).toBe(true);
          if (rule?.add) expect(got).toEqual(expect.arrayContaining(rule.add as unknown[]));
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(50);
    // The trust anchor's policy for http://127.0.0.1:8001 adds a contact: it is in the resolved metadata.
    const rp = fixtures.chains.find((c) => c.sub === 'http://127.0.0.1:8001')!;
    const resolved = await verifyTrustChain(specOrder(rp.chain), anchor, at(rp.chain[0] as string));
    expect(resolved.metadata.openid_relying_party!.contacts).toContain('that.email@ciao.it');
  });

  it('fails when any statement of the chain is altered, or the anchor is another', async () => {
    const chain = specOrder(fixtures.chains[0]!.chain);
    const now = at(chain[0]!);
    for (let i = 0; i < chain.length; i++) {
      const broken = chain.map((jwt, j) => (j === i ? tamper(jwt) : jwt));
      await expect(verifyTrustChain(broken, anchor, now), `statement ${i}`).rejects.toThrow(FederationError);
    }
    const impostor = { id: anchor.id, jwks: keysOf(fixtures.chains[0]!.sub) };
    await expect(verifyTrustChain(chain, impostor, now)).rejects.toThrow(FederationError);
  });
});

describe('metadata policy', () => {
  it('applies value, add, default, subset_of, superset_of, one_of and essential', () => {
    const metadata = {
      openid_relying_party: {
        scope: ['openid', 'profile', 'offline_access'],
        contacts: ['a@pa.it'],
        grant_types: ['authorization_code'],
      },
    };
    const policy = {
      openid_relying_party: {
        scope: { subset_of: ['openid', 'offline_access'], superset_of: ['openid'] },
        contacts: { add: ['ops@federation.it'] },
        application_type: { default: 'web', one_of: ['web'] },
        token_endpoint_auth_method: { value: 'private_key_jwt' },
        grant_types: { essential: true },
      },
    };
    expect(applyPolicy(metadata, policy)).toEqual({
      openid_relying_party: {
        scope: ['openid', 'offline_access'],
        contacts: ['a@pa.it', 'ops@federation.it'],
        grant_types: ['authorization_code'],
        application_type: 'web',
        token_endpoint_auth_method: 'private_key_jwt',
      },
    });
    expect(() =>
      applyPolicy(metadata, { openid_relying_party: { scope: { superset_of: ['email'] } } }),
    ).toThrow(FederationError);
    expect(() => applyPolicy(metadata, { openid_relying_party: { jwks: { essential: true } } })).toThrow(
      FederationError,
    );
  });
});

describe('trust marks', () => {
  it('counts only trust marks the anchor signed for this entity under their own id', async () => {
    const anchor = fixtures.trustAnchor;
    let valid = 0;
    let invalid = 0;
    // Trust marks ride in the entities' own configurations and in the anchor's statements about them.
    for (const statement of fixtures.statements) {
      const ec = decodeJwt(statement.jwt) as unknown as EntityStatement;
      for (const entry of ec.trust_marks ?? []) {
        // The reference implementation lists its marks under the agreement URI and signs them with the
        // certification id: re-list each under the id it carries, so the signature checks are what count.
        const { id } = decodeJwt(entry.trust_mark) as { id: string };
        const ids = await validTrustMarks(
          { ...ec, trust_marks: [{ id, trust_mark: entry.trust_mark }] },
          anchor,
          at(statement.jwt),
        );
        if (ids.length === 1) valid++;
        else invalid++;
      }
    }
    expect(valid).toBeGreaterThanOrEqual(4);
    // The marks in the entities' own configurations were signed with a key the anchor no longer has.
    expect(invalid).toBeGreaterThanOrEqual(1);
  });

  it('rejects a mark listed under another id, issued to another entity, or tampered', async () => {
    const op = fixtures.statements.find(
      (s) => s.iss !== s.sub && (decodeJwt(s.jwt) as unknown as EntityStatement).trust_marks?.length,
    )!;
    const ec = decodeJwt(op.jwt) as unknown as EntityStatement;
    const entry = ec.trust_marks![0]!;
    const { id } = decodeJwt(entry.trust_mark) as { id: string };
    const now = at(op.jwt);
    const check = (trust_mark: string, listedAs = id, sub = ec.sub) =>
      validTrustMarks({ ...ec, sub, trust_marks: [{ id: listedAs, trust_mark }] }, fixtures.trustAnchor, now);
    expect(await check(entry.trust_mark)).toEqual([id]);
    expect(await check(entry.trust_mark, 'https://example.org/another-mark')).toEqual([]);
    expect(await check(entry.trust_mark, id, 'https://somebody.else.example')).toEqual([]);
    expect(await check(tamper(entry.trust_mark))).toEqual([]);
  });
});
