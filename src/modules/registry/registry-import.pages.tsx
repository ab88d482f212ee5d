// The registry import, /{slug}/backoffice/anagrafe/importazioni (format in docs/registry-import.md): the
// upload (multipart, one CSV or JSON file, CSRF token in the form), an import's progress page, its
// per-record error report as CSV, and a template file. Policy registry.operate: the ente admin and the
// operators of the "anagrafe" area.

import type { FastifyInstance } from 'fastify';
import type { Db } from '../../platform/db/database.ts';
import { importRoutes } from '../../platform/imports/import-routes.ts';
import type { JobWorker } from '../../platform/jobs/jobs.ts';
import type { EnteDirectory } from '../tenancy/index.ts';
import { registryScope } from './registry.backoffice-frame.tsx';
import * as repo from './registry-import.repo.ts';
import { issueText, keyText, problemText } from './registry-import.report.ts';
import { registerRegistryImportJob, startRegistryImport } from './registry-import.ts';
import { ERRORS_ON_PAGE, ImportPage, ImportsPage, importsBase } from './registry-import.views.tsx';
import { recordsCsv, TEMPLATE_RECORDS } from './registry-import-csv.ts';
import { MAX_IMPORT_BYTES } from './registry-import-file.ts';

export async function registryImportPages(
  app: FastifyInstance,
  deps: { db: Db; directory: EnteDirectory; worker: JobWorker },
) {
  registerRegistryImportJob(deps.worker, deps.db);
  await importRoutes(app, {
    db: deps.db,
    base: '/:slug/backoffice/anagrafe/importazioni',
    scope: registryScope(deps.directory),
    maxFileBytes: MAX_IMPORT_BYTES,
    template: { body: recordsCsv(TEMPLATE_RECORDS), fileName: 'modello-importazione-anagrafe.csv' },
    list: (db, enteId) => repo.listImports(db, enteId, 20),
    find: repo.findImport,
    earlier: (db, enteId, item) => repo.earlierImportOf(db, enteId, item.fileSha256, item.id),
    errors: repo.errorRows,
    errorsOnPage: ERRORS_ON_PAGE,
    start: (request, enteId, file) =>
      startRegistryImport(
        deps.db,
        { subject: request.principal!.subject, requestId: request.id },
        enteId,
        file,
      ),
    problemText,
    pageUrl: (request, id) => `${importsBase(request.brand!)}/${id}`,
    report: {
      header: ['riga', 'tipo', 'chiave', 'colonna', 'errore'],
      rows: (t, errors) =>
        errors.flatMap((r) =>
          r.issues.map((issue) => [r.label, r.kind, keyText(r), issue.field, issueText(t, issue)]),
        ),
      fileName: (item) => `errori-importazione-anagrafe-${item.id.slice(0, 8)}.csv`,
    },
    views: {
      list: (request, props) => <ImportsPage ctx={request.pageContext()} brand={request.brand!} {...props} />,
      one: (request, props) => <ImportPage ctx={request.pageContext()} brand={request.brand!} {...props} />,
    },
  });
}
