// A test trust anchor for the SPID/CIE OpenID Federation: it vouches for the test providers and for
// the platform's relying party, with the metadata policy a real federation applies (pairwise subjects
// for providers; openid scope for relying parties). Endpoints: entity configuration, fetch, list.
import type { FastifyInstance } from 'fastify';
import { decodeJwt, type JSONWebKeySet, SignJWT } from 'jose';
import { signTrustMark } from '../../modules/identity/federation.ts';
import type { KeyPair } from '../../platform/keys.ts';

const TYP = 'entity-statement+jwt';
const CONTENT_TYPE = 'application/entity-statement+jwt';

export interface TrustAnchorDeps {
  id: string;
  key: KeyPair;
  /** Entity configurations of the subordinates, by entity id (fetched from the platform itself). */
  subordinates: () => Promise<Map<string, () => Promise<string>>>;
}

const OP_MARK = 'https://www.spid.gov.it/certification/op';
const RP_MARK = 'https://www.spid.gov.it/certification/rp';

const POLICY: Record<string, unknown> = {
  openid_provider: { subject_types_supported: { value: ['pairwise'] } },
  openid_relying_party: { grant_types: { subset_of: ['authorization_code', 'refresh_token'] } },
};

function sign(key: KeyPair, iss: string, sub: string, claims: Record<string, unknown>) {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT(claims)
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: TYP })
    .setIssuer(iss)
    .setSubject(sub)
    .setIssuedAt(now)
    .setExpirationTime(now + 3600)
    .sign(key.privateKey);
}

export async function trustAnchor(app: FastifyInstance, deps: TrustAnchorDeps): Promise<void> {
  const path = new URL(deps.id).pathname;
  const hide = { schema: { hide: true } };

  app.get(`${path}/.well-known/openid-federation`, hide, async (_request, reply) =>
    reply.type(CONTENT_TYPE).send(
      await sign(deps.key, deps.id, deps.id, {
        jwks: { keys: [deps.key.publicJwk] },
        metadata: {
          federation_entity: {
            organization_name: 'Trust anchor di test (ambiente di test)',
            homepage_uri: deps.id,
            federation_fetch_endpoint: `${deps.id}/fetch`,
            federation_list_endpoint: `${deps.id}/list`,
          },
        },
      }),
    ),
  );

  // The trust anchor's statement about one subordinate: its federation keys and the policy.
  app.get(`${path}/fetch`, hide, async (request, reply) => {
    const sub = String((request.query as { sub?: string }).sub ?? '');
    const configuration = (await deps.subordinates()).get(sub);
    if (!configuration) return reply.code(404).type('application/json').send({ error: 'not_found' });
    const { jwks, metadata } = decodeJwt(await configuration()) as { jwks: JSONWebKeySet; metadata: object };
    const types = Object.keys(metadata);
    const policy = Object.fromEntries(Object.entries(POLICY).filter(([type]) => types.includes(type)));
    // The anchor's trust mark for the subordinate's role, as the SPID federation issues them.
    const markId = types.includes('openid_provider') ? OP_MARK : RP_MARK;
    const trust_marks = [{ id: markId, trust_mark: await signTrustMark(deps.id, deps.key, sub, markId) }];
    return reply
      .type(CONTENT_TYPE)
      .send(await sign(deps.key, deps.id, sub, { jwks, metadata_policy: policy, trust_marks }));
  });

  app.get(`${path}/list`, hide, async (request) => {
    const type = (request.query as { entity_type?: string }).entity_type;
    const entries: string[] = [];
    for (const [id, configuration] of await deps.subordinates()) {
      const { metadata } = decodeJwt(await configuration()) as { metadata: Record<string, unknown> };
      if (!type || metadata[type]) entries.push(id);
    }
    return entries;
  });
}
