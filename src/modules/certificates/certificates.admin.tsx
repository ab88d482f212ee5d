// The routes of the ente's certificate settings, /{slug}/admin/certificati (policy certificates.manage:
// its ente admin or an admin of its SAD): the page, the seal upload (multipart: a PKCS#12 and its
// passphrase), the stamp-duty authorisation, the coat of arms (multipart upload, removal, and the image
// itself for the page). A refused upload answers 400 with the page and its field errors; nothing is kept.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { can } from '../../platform/auth/policy.ts';
import type { Db } from '../../platform/db/database.ts';
import { uploadedFile, uploadForms } from '../../platform/http/uploads.ts';
import type { MessageKey } from '../../platform/i18n/index.ts';
import { sendPage } from '../../platform/layout/Layout.tsx';
import { type EnteDirectory, type EnteWithSad, enteScope } from '../tenancy/index.ts';
import { MAX_EMBLEM_BYTES } from './certificate-settings.emblem.ts';
import type { Issue, StampAuthorisation } from './certificate-settings.rules.ts';
import {
  type Actor,
  certificateSettings,
  configureSeal,
  removeEmblem,
  removeStampAuthorisation,
  saveEmblem,
  saveStampAuthorisation,
  sealHistory,
} from './certificate-settings.ts';
import { type AdminErrors, CertificatesAdminPage } from './certificates.admin.views.tsx';
import { loadTrustAnchors } from './verification.ts';

export interface CertificatesAdminDeps {
  db: Db;
  sealKey: string;
  sandbox: boolean;
  directory: EnteDirectory;
  trustAnchorsFile?: string | null;
}

const PATH = '/:slug/admin/certificati';
const NOTICES: Record<string, MessageKey> = {
  sigillo: 'certAdmin.saved.seal',
  bollo: 'certAdmin.saved.stamp',
  stemma: 'certAdmin.saved.emblem',
};

const errorsOf = (issues: Issue[]): AdminErrors =>
  Object.fromEntries(issues.map((issue) => [issue.field, issue.problem]));

export async function certificatesAdminPages(app: FastifyInstance, deps: CertificatesAdminDeps) {
  const scope = enteScope(deps.directory, (principal, ente) => can(principal, 'certificates.manage', ente));
  const trustAnchors = await loadTrustAnchors(deps.trustAnchorsFile);
  const hide = { schema: { hide: true } };
  const actor = (request: FastifyRequest): Actor => ({
    subject: request.principal!.subject,
    requestId: request.id,
  });
  const done = (reply: FastifyReply, found: EnteWithSad, what: string) =>
    reply.redirect(`/${found.ente.slug}/admin/certificati?salvato=${what}`, 303);

  const show = async (
    request: FastifyRequest,
    reply: FastifyReply,
    found: EnteWithSad,
    errors: AdminErrors = {},
    stampForm?: StampAuthorisation,
  ) => {
    const enteId = found.ente.id;
    const [seals, settings] = await Promise.all([
      sealHistory(deps.db, enteId),
      certificateSettings(deps.db, enteId),
    ]);
    const saved = String((request.query as { salvato?: unknown }).salvato ?? '');
    const failed = Object.keys(errors).length > 0;
    return sendPage(
      reply,
      <CertificatesAdminPage
        ctx={request.pageContext()}
        brand={request.brand!}
        csrf={reply.generateCsrf()}
        seals={seals}
        settings={settings}
        sandbox={deps.sandbox}
        errors={errors}
        stampForm={stampForm}
        notice={failed ? null : (NOTICES[saved] ?? null)}
      />,
      failed ? 400 : 200,
    );
  };

  app.get(PATH, hide, async (request, reply) => show(request, reply, await scope(request)));

  app.get(`${PATH}/stemma`, hide, async (request, reply) => {
    const found = await scope(request);
    const { emblem } = await certificateSettings(deps.db, found.ente.id);
    if (!emblem) return reply.code(404).send();
    return reply.type(emblem.type).header('cache-control', 'no-store').send(emblem.bytes);
  });

  app.post(`${PATH}/bollo`, hide, async (request, reply) => {
    const found = await scope(request);
    const body = (request.body ?? {}) as Record<string, unknown>;
    const field = (name: string) =>
      typeof body[name] === 'string' ? (body[name] as string).slice(0, 200) : '';
    const typed = { office: field('office'), number: field('number'), date: field('date') };
    const saved = await saveStampAuthorisation(deps.db, actor(request), found.ente.id, typed);
    if (!saved.ok) return show(request, reply, found, errorsOf(saved.issues), typed);
    return done(reply, found, 'bollo');
  });

  app.post(`${PATH}/bollo/rimuovi`, hide, async (request, reply) => {
    const found = await scope(request);
    await removeStampAuthorisation(deps.db, actor(request), found.ente.id);
    return done(reply, found, 'bollo');
  });

  app.post(`${PATH}/stemma/rimuovi`, hide, async (request, reply) => {
    const found = await scope(request);
    await removeEmblem(deps.db, actor(request), found.ente.id);
    return done(reply, found, 'stemma');
  });

  // Files are kept up to one byte past the larger limit (the coat of arms'): a longer one is too large.
  await uploadForms(app, { maxFileBytes: MAX_EMBLEM_BYTES + 1, fields: 3, guard: scope }, (upload) => {
    const fileOf = (request: FastifyRequest, name: string): Buffer | null => {
      const file = uploadedFile(request, name);
      if (!file) return null;
      // A truncated file is over every limit: let the size rule refuse it.
      return file.truncated ? Buffer.alloc(MAX_EMBLEM_BYTES + 1) : file.bytes;
    };

    upload.post(`${PATH}/sigillo`, hide, async (request, reply) => {
      const found = await scope(request);
      const passphrase = ((request.body ?? {}) as { passphrase?: unknown }).passphrase;
      const configured = await configureSeal({ ...deps, trustAnchors }, actor(request), found.ente.id, {
        p12: fileOf(request, 'p12'),
        passphrase: typeof passphrase === 'string' ? passphrase : '',
      });
      if (!configured.ok) return show(request, reply, found, errorsOf(configured.issues));
      return done(reply, found, 'sigillo');
    });

    upload.post(`${PATH}/stemma`, hide, async (request, reply) => {
      const found = await scope(request);
      const saved = await saveEmblem(deps.db, actor(request), found.ente.id, fileOf(request, 'emblem'));
      if (!saved.ok) return show(request, reply, found, errorsOf(saved.issues));
      return done(reply, found, 'stemma');
    });
  });
}
