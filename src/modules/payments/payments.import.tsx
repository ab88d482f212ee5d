// The CSV import of debt positions, /{slug}/backoffice/pagamenti/importazioni (format in
// docs/payments-import.md): the upload (multipart, one file of at most 2 MiB, CSRF token in the form),
// the progress page of an import, its per-row error report as CSV, and a template file.
import type { FastifyInstance } from 'fastify';
import type { Db } from '../../platform/db/database.ts';
import { csvDocument } from '../../platform/http/csv.ts';
import type { Translate } from '../../platform/i18n/index.ts';
import { importRoutes, type RefusedUpload } from '../../platform/imports/import-routes.ts';
import type { JobWorker } from '../../platform/jobs/jobs.ts';
import type { EnteDirectory } from '../tenancy/index.ts';
import * as repo from './import.repo.ts';
import { registerImportJob, startImport, type UploadProblem } from './import.ts';
import { MAX_IMPORT_BYTES } from './import-file.ts';
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

export function problemText(t: Translate, problem: RefusedUpload<UploadProblem>): string {
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
  registerImportJob(deps.worker, deps.db);
  await importRoutes(app, {
    db: deps.db,
    base: '/:slug/backoffice/pagamenti/importazioni',
    scope: backofficeScope(deps.directory),
    maxFileBytes: MAX_IMPORT_BYTES,
    template: { body: TEMPLATE, fileName: 'modello-importazione-pagamenti.csv' },
    list: (db, enteId) => repo.listImports(db, enteId, 20),
    find: repo.findImport,
    earlier: (db, enteId, item) => repo.earlierImportOf(db, enteId, item.fileSha256, item.id),
    errors: repo.errorRows,
    errorsOnPage: 500,
    start: (request, enteId, file) =>
      startImport(deps.db, { subject: request.principal!.subject, requestId: request.id }, enteId, file),
    problemText,
    pageUrl: (request, id) => `${importsBase(request.brand!)}/${id}`,
    report: {
      header: ['riga', 'iupd', 'colonna', 'errore'],
      rows: (t, errors) =>
        errors.flatMap((r) =>
          r.issues.map((issue) => [r.rowNumber, r.iupd, issue.field, issueText(t, issue)]),
        ),
      fileName: (item) => `errori-importazione-${item.id.slice(0, 8)}.csv`,
    },
    views: {
      list: (request, props) => <ImportsPage ctx={request.pageContext()} brand={request.brand!} {...props} />,
      one: (request, props) => <ImportPage ctx={request.pageContext()} brand={request.brand!} {...props} />,
    },
  });
}
