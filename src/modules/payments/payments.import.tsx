// The CSV import of debt positions, /{slug}/backoffice/pagamenti/importazioni (format in
// docs/payments-import.md): the upload (multipart, one file of at most 2 MiB, CSRF token in the form),
// the progress page of an import, its per-row error report as CSV, and a template file.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Db } from '../../platform/db/database.ts';
import { PlatformErrors } from '../../platform/errors.ts';
import { csvDocument, sendCsv } from '../../platform/http/csv.ts';
import { uploadedFile, uploadForms } from '../../platform/http/uploads.ts';
import type { Translate } from '../../platform/i18n/index.ts';
import { isUuid } from '../../platform/ids.ts';
import type { JobWorker } from '../../platform/jobs/jobs.ts';
import type { EnteDirectory } from '../tenancy/index.ts';
import {
  earlierImport,
  errorRows,
  findImport,
  listImports,
  registerImportJob,
  startImport,
  type UploadProblem,
} from './import.ts';
import { MAX_IMPORT_BYTES } from './import-file.ts';
import { sendPage } from './payments.admin-frame.tsx';
import { backofficeScope } from './payments.backoffice-frame.tsx';
import { ImportPage, ImportsPage, importsBase, issueText } from './payments.import.views.tsx';

const TEMPLATE = csvDocument(
  ['iupd', 'codice_fiscale', 'nominativo', 'email', 'voce', 'descrizione', 'importo', 'scadenza', 'rata'],
  [
    [
      'MENSA-2026-0001',
      'ZNTGLI84C52L736W',
      'Giulia Zanetti',
      'giulia@example.it',
      'MENSA',
      'Mensa scolastica: aprile',
      '45,60',
      '30/04/2026',
      '',
    ],
    [
      'TARI-2026-0001',
      'ZNTMRC81S02C388P',
      'Marco Zanetti',
      '',
      'TARI',
      'TARI 2026: prima rata',
      '120,00',
      '31/05/2026',
      '1',
    ],
    [
      'TARI-2026-0001',
      'ZNTMRC81S02C388P',
      'Marco Zanetti',
      '',
      'TARI',
      'TARI 2026: seconda rata',
      '120,00',
      '30/09/2026',
      '2',
    ],
  ],
);

export function problemText(t: Translate, problem: UploadProblem | { kind: 'noFile' }): string {
  switch (problem.kind) {
    case 'malformed':
      return t('payments.import.file.malformed', { line: problem.line });
    case 'missingColumns':
    case 'unknownColumns':
    case 'duplicateColumns':
      return t(`payments.import.file.${problem.kind}`, { columns: problem.columns.join(', ') });
    case 'tooManyRows':
      return t('payments.import.file.tooManyRows', { max: problem.max });
    case 'tooLarge':
      return t('payments.import.file.tooLarge', { mb: problem.maxBytes / 1024 / 1024 });
    default:
      return t(`payments.import.file.${problem.kind}`);
  }
}

export async function importBackofficePages(
  app: FastifyInstance,
  deps: { db: Db; directory: EnteDirectory; worker: JobWorker },
) {
  const scope = backofficeScope(deps.directory);
  const hide = { schema: { hide: true } };
  registerImportJob(deps.worker, deps.db);

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
        imports={await listImports(deps.db, enteId, 20)}
        csrf={reply.generateCsrf()}
        error={error}
      />,
      error ? 400 : 200,
    );

  const ownImport = async (request: FastifyRequest) => {
    const found = await scope(request);
    const { id } = request.params as { id: string };
    const item = isUuid(id) ? await findImport(deps.db, found.ente.id, id) : undefined;
    if (!item) throw PlatformErrors.notFound('import');
    return { enteId: found.ente.id, item };
  };

  app.get('/:slug/backoffice/pagamenti/importazioni', hide, async (request, reply) =>
    showForm(request, reply, (await scope(request)).ente.id, null),
  );

  app.get('/:slug/backoffice/pagamenti/importazioni/modello.csv', hide, async (request, reply) => {
    await scope(request);
    return sendCsv(reply, TEMPLATE, 'modello-importazione-pagamenti.csv');
  });

  await uploadForms(app, { maxFileBytes: MAX_IMPORT_BYTES, fields: 4, guard: scope }, (upload) => {
    upload.post('/:slug/backoffice/pagamenti/importazioni', hide, async (request, reply) => {
      const found = await scope(request);
      const file = uploadedFile(request, 'file');
      const t = request.t;
      if (!file || file.bytes.length === 0) {
        return showForm(request, reply, found.ente.id, problemText(t, { kind: 'noFile' }));
      }
      if (file.truncated) {
        return showForm(
          request,
          reply,
          found.ente.id,
          problemText(t, { kind: 'tooLarge', maxBytes: MAX_IMPORT_BYTES }),
        );
      }
      const started = await startImport(
        deps.db,
        { subject: request.principal!.subject, requestId: request.id },
        found.ente.id,
        { name: file.filename ?? '', bytes: file.bytes },
      );
      if ('problem' in started)
        return showForm(request, reply, found.ente.id, problemText(t, started.problem));
      return reply.redirect(`${importsBase(request.brand!)}/${started.importId}`, 303);
    });
  });

  app.get('/:slug/backoffice/pagamenti/importazioni/:id', hide, async (request, reply) => {
    const { enteId, item } = await ownImport(request);
    const earlier = await earlierImport(deps.db, enteId, item);
    return sendPage(
      reply,
      <ImportPage
        ctx={request.pageContext()}
        brand={request.brand!}
        item={item}
        errors={await errorRows(deps.db, enteId, item.id, 500)}
        earlier={earlier?.created_at ?? null}
      />,
    );
  });

  app.get('/:slug/backoffice/pagamenti/importazioni/:id/errori.csv', hide, async (request, reply) => {
    const { enteId, item } = await ownImport(request);
    const rows = await errorRows(deps.db, enteId, item.id, 100_000);
    const t = request.t;
    const body = csvDocument(
      ['riga', 'iupd', 'colonna', 'errore'],
      rows.flatMap((r) => r.issues.map((issue) => [r.rowNumber, r.iupd, issue.field, issueText(t, issue)])),
    );
    return sendCsv(reply, body, `errori-importazione-${item.id.slice(0, 8)}.csv`);
  });
}
