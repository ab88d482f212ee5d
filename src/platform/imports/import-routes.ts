// The routes every file import has below its base path: the upload form with the recent uploads, the
// upload (multipart, one file, the CSRF token among the fields), an upload's page, its error report as
// CSV and the template file. The module says who may (scope), what a file is (start and the words for a
// refused one) and how its pages and report look; an upload that is refused shows the form again with
// the reason next to the field (400), nothing stored. The pages read in the ente's tenant transaction
// (row-level security), whatever the module's reads do besides filtering by ente.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { VNode } from 'preact';
import type { AnyDb, Db } from '../db/database.ts';
import { withTenant } from '../db/tenant.ts';
import { PlatformErrors } from '../errors.ts';
import { csvDocument, sendCsv } from '../http/csv.ts';
import { uploadedFile, uploadForms } from '../http/uploads.ts';
import type { Translate } from '../i18n/index.ts';
import { isUuid } from '../ids.ts';
import { sendPage } from '../layout/Layout.tsx';

export type RefusedUpload<Problem> = Problem | { kind: 'noFile' } | { kind: 'tooLarge'; maxBytes: number };

export interface ImportRoutes<Item extends { id: string; fileSha256: string }, RowError, Problem> {
  db: Db;
  /** e.g. /:slug/backoffice/pagamenti/importazioni */
  base: string;
  /** Who may see and upload (throws otherwise); the ente of the request. */
  scope(request: FastifyRequest): Promise<{ ente: { id: string } }>;
  maxFileBytes: number;
  template: { body: string; fileName: string };
  /** The reads, each run in the ente's tenant transaction (`db`). */
  list(db: AnyDb, enteId: string): Promise<Item[]>;
  find(db: AnyDb, enteId: string, id: string): Promise<Item | undefined>;
  /** An earlier upload of the same file, to tell the operator. */
  earlier(db: AnyDb, enteId: string, item: Item): Promise<{ created_at: Date } | undefined>;
  errors(db: AnyDb, enteId: string, importId: string, limit: number): Promise<RowError[]>;
  /** Errors listed on an upload's page; the report has them all. */
  errorsOnPage: number;
  /** Reads and stores the file and queues its import, or says why not. */
  start(
    request: FastifyRequest,
    enteId: string,
    file: { name: string; bytes: Buffer },
  ): Promise<{ importId: string } | { problem: Problem }>;
  problemText(t: Translate, problem: RefusedUpload<Problem>): string;
  /** An upload's page, where the upload redirects (303). */
  pageUrl(request: FastifyRequest, importId: string): string;
  report: {
    header: string[];
    rows(t: Translate, errors: RowError[]): (string | number)[][];
    fileName(item: Item): string;
  };
  views: {
    list(request: FastifyRequest, props: { imports: Item[]; csrf: string; error: string | null }): VNode;
    one(request: FastifyRequest, props: { item: Item; errors: RowError[]; earlier: Date | null }): VNode;
  };
}

export async function importRoutes<Item extends { id: string; fileSha256: string }, RowError, Problem>(
  app: FastifyInstance,
  r: ImportRoutes<Item, RowError, Problem>,
): Promise<void> {
  const hide = { schema: { hide: true } };
  const read = <T>(enteId: string, query: (trx: AnyDb) => Promise<T>) => withTenant(r.db, enteId, query);

  const showForm = async (
    request: FastifyRequest,
    reply: Parameters<typeof sendPage>[0],
    enteId: string,
    error: string | null,
  ) =>
    sendPage(
      reply,
      r.views.list(request, {
        imports: await read(enteId, (trx) => r.list(trx, enteId)),
        csrf: reply.generateCsrf(),
        error,
      }),
      error ? 400 : 200,
    );

  const ownImport = async (request: FastifyRequest) => {
    const { ente } = await r.scope(request);
    const { id } = request.params as { id: string };
    const item = isUuid(id) ? await read(ente.id, (trx) => r.find(trx, ente.id, id)) : undefined;
    if (!item) throw PlatformErrors.notFound('import');
    return { enteId: ente.id, item };
  };

  app.get(r.base, hide, async (request, reply) =>
    showForm(request, reply, (await r.scope(request)).ente.id, null),
  );

  app.get(`${r.base}/modello.csv`, hide, async (request, reply) => {
    await r.scope(request);
    return sendCsv(reply, r.template.body, r.template.fileName);
  });

  await uploadForms(app, { maxFileBytes: r.maxFileBytes, fields: 4, guard: r.scope }, (upload) => {
    upload.post(r.base, hide, async (request, reply) => {
      const { ente } = await r.scope(request);
      const file = uploadedFile(request, 'file');
      const refuse = (problem: RefusedUpload<Problem>) =>
        showForm(request, reply, ente.id, r.problemText(request.t, problem));
      if (!file || file.bytes.length === 0) return refuse({ kind: 'noFile' });
      if (file.truncated) return refuse({ kind: 'tooLarge', maxBytes: r.maxFileBytes });
      const started = await r.start(request, ente.id, { name: file.filename ?? '', bytes: file.bytes });
      if ('problem' in started) return refuse(started.problem);
      return reply.redirect(r.pageUrl(request, started.importId), 303);
    });
  });

  app.get(`${r.base}/:id`, hide, async (request, reply) => {
    const { enteId, item } = await ownImport(request);
    const [earlier, errors] = await read(enteId, async (trx) => [
      await r.earlier(trx, enteId, item),
      await r.errors(trx, enteId, item.id, r.errorsOnPage),
    ]);
    return sendPage(reply, r.views.one(request, { item, errors, earlier: earlier?.created_at ?? null }));
  });

  app.get(`${r.base}/:id/errori.csv`, hide, async (request, reply) => {
    const { enteId, item } = await ownImport(request);
    const errors = await read(enteId, (trx) => r.errors(trx, enteId, item.id, 1_000_000));
    const body = csvDocument(r.report.header, r.report.rows(request.t, errors));
    return sendCsv(reply, body, r.report.fileName(item));
  });
}
