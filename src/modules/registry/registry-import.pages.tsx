// The registry import, /{slug}/backoffice/anagrafe/importazioni (format in docs/registry-import.md): the
// upload (multipart, one CSV or JSON file, CSRF token in the form), an import's progress page, its
// per-record error report as CSV, and a template file. Policy registry.operate: the ente admin and the
// operators of the "anagrafe" area.

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Db } from '../../platform/db/database.ts';
import { PlatformErrors } from '../../platform/errors.ts';
import { csvDocument } from '../../platform/http/csv.ts';
import { uploadedFile, uploadForms } from '../../platform/http/uploads.ts';
import { isUuid } from '../../platform/ids.ts';
import type { JobWorker } from '../../platform/jobs/jobs.ts';
import { sendPage } from '../../platform/layout/Layout.tsx';
import type { EnteDirectory } from '../tenancy/index.ts';
import { registryScope } from './registry.backoffice-frame.tsx';
import { issueText, keyText, problemText } from './registry-import.report.ts';
import {
  earlierImport,
  importErrors,
  importOf,
  importsOf,
  registerRegistryImportJob,
  startRegistryImport,
} from './registry-import.ts';
import { ERRORS_ON_PAGE, ImportPage, ImportsPage, importsBase } from './registry-import.views.tsx';
import { recordsCsv, TEMPLATE_RECORDS } from './registry-import-csv.ts';
import { type FileProblem, MAX_IMPORT_BYTES } from './registry-import-file.ts';

const BASE = '/:slug/backoffice/anagrafe/importazioni';
const TEMPLATE = recordsCsv(TEMPLATE_RECORDS);

const sendCsv = (reply: FastifyReply, body: string, fileName: string) =>
  reply
    .type('text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${fileName}"`)
    .header('cache-control', 'no-store')
    .send(body);

export async function registryImportPages(
  app: FastifyInstance,
  deps: { db: Db; directory: EnteDirectory; worker: JobWorker },
) {
  const scope = registryScope(deps.directory);
  const hide = { schema: { hide: true } };
  registerRegistryImportJob(deps.worker, deps.db);

  const showForm = async (
    request: FastifyRequest,
    reply: FastifyReply,
    enteId: string,
    error: string | null,
  ) =>
    sendPage(
      reply,
      <ImportsPage
        ctx={request.pageContext()}
        brand={request.brand!}
        imports={await importsOf(deps.db, enteId)}
        csrf={reply.generateCsrf()}
        error={error}
      />,
      error ? 400 : 200,
    );

  const ownImport = async (request: FastifyRequest) => {
    const found = await scope(request);
    const { id } = request.params as { id: string };
    const item = isUuid(id) ? await importOf(deps.db, found.ente.id, id) : undefined;
    if (!item) throw PlatformErrors.notFound('import');
    return { enteId: found.ente.id, item };
  };

  app.get(BASE, hide, async (request, reply) =>
    showForm(request, reply, (await scope(request)).ente.id, null),
  );

  app.get(`${BASE}/modello.csv`, hide, async (request, reply) => {
    await scope(request);
    return sendCsv(reply, TEMPLATE, 'modello-importazione-anagrafe.csv');
  });

  await uploadForms(app, { maxFileBytes: MAX_IMPORT_BYTES, fields: 4, guard: scope }, (upload) => {
    upload.post(BASE, hide, async (request, reply) => {
      const found = await scope(request);
      const file = uploadedFile(request, 'file');
      const t = request.t;
      const refuse = (problem: FileProblem | { kind: 'noFile' }) =>
        showForm(request, reply, found.ente.id, problemText(t, problem));
      if (!file || file.bytes.length === 0) {
        return refuse({ kind: 'noFile' });
      }
      if (file.truncated) return refuse({ kind: 'tooLarge', maxBytes: MAX_IMPORT_BYTES });
      const started = await startRegistryImport(
        deps.db,
        { subject: request.principal!.subject, requestId: request.id },
        found.ente.id,
        { name: file.filename ?? '', bytes: file.bytes },
      );
      if ('problem' in started) return refuse(started.problem);
      return reply.redirect(`${importsBase(request.brand!)}/${started.importId}`, 303);
    });
  });

  app.get(`${BASE}/:id`, hide, async (request, reply) => {
    const { enteId, item } = await ownImport(request);
    const earlier = await earlierImport(deps.db, enteId, item);
    return sendPage(
      reply,
      <ImportPage
        ctx={request.pageContext()}
        brand={request.brand!}
        item={item}
        errors={await importErrors(deps.db, enteId, item.id, ERRORS_ON_PAGE)}
        earlier={earlier?.created_at ?? null}
      />,
    );
  });

  app.get(`${BASE}/:id/errori.csv`, hide, async (request, reply) => {
    const { enteId, item } = await ownImport(request);
    const rows = await importErrors(deps.db, enteId, item.id, 1_000_000);
    const t = request.t;
    const body = csvDocument(
      ['riga', 'tipo', 'chiave', 'colonna', 'errore'],
      rows.flatMap((r) =>
        r.issues.map((issue) => [r.label, r.kind, keyText(r), issue.field, issueText(t, issue)]),
      ),
    );
    return sendCsv(reply, body, `errori-importazione-anagrafe-${item.id.slice(0, 8)}.csv`);
  });
}
