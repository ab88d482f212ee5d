// The SAD console: the aggregations an admin runs, and the background jobs of their enti.
import type { FastifyInstance } from 'fastify';
import type { Db } from '../../platform/db/database.ts';
import type { JobStatus } from '../../platform/db/tables.ts';
import { isUuid } from '../../platform/ids.ts';
import type { JobRow } from '../../platform/jobs/jobs.ts';
import type { PageContext } from '../../platform/layout/context.ts';
import { PostButton } from '../../platform/layout/forms.tsx';
import { Layout, renderPage } from '../../platform/layout/Layout.tsx';
import { displayName } from '../tenancy/index.ts';
import * as service from './sad.service.ts';

const STATUSES: JobStatus[] = ['queued', 'running', 'done', 'dead'];

function ConsolePage({
  ctx,
  scope,
  csrfToken,
  queued,
}: {
  ctx: PageContext;
  scope: service.SadScope;
  csrfToken: string;
  queued: number | null;
}) {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} brand={null} title={t('sad.title')}>
      <h1 class="mt-5 mb-4">{t('sad.title')}</h1>
      {queued !== null && (
        <div class="alert alert-success" role="status">
          {t('sad.audit.queued', { count: queued })}
        </div>
      )}
      {scope.sads.map((sad) => {
        const members = [...scope.enti.values()].filter((e) => e.sadId === sad.id);
        return (
          <section class="mb-4">
            <h2 class="h3">{sad.aggregationName ?? sad.name}</h2>
            <p>
              {sad.name} – {t('sad.enti')}: {members.length}
            </p>
            <a href={`/${sad.slug}`}>{t('aggregation.sadArea')}</a>
          </section>
        );
      })}
      <p>
        <a class="btn btn-outline-primary me-2" href="/sad/jobs">
          {t('sad.jobs')}
        </a>
        <a class="btn btn-outline-primary" href="/sad/staff">
          {t('staff.invite')}
        </a>
        <a class="btn btn-outline-primary ms-2" href="/sad/certificati">
          {t('sad.figures.title')}
        </a>
      </p>
      <PostButton
        action="/sad/audit-check"
        csrf={csrfToken}
        label={t('sad.audit.check')}
        button="btn btn-primary"
        form="mb-5"
      />
    </Layout>
  );
}

function JobsPage(props: {
  ctx: PageContext;
  scope: service.SadScope;
  jobs: JobRow[];
  status: JobStatus | undefined;
  csrfToken: string;
}) {
  const { ctx, scope, jobs, status, csrfToken } = props;
  const { t } = ctx;
  return (
    <Layout
      ctx={ctx}
      brand={null}
      title={t('sad.jobs')}
      breadcrumbs={[{ label: t('sad.title'), href: '/sad' }, { label: t('sad.jobs') }]}
    >
      <h1 class="mb-3">{t('sad.jobs')}</h1>
      <p>{t('sad.jobs.lead')}</p>
      <form method="get" action="/sad/jobs" class="row g-2 align-items-end mb-4">
        <div class="col-md-4 select-wrapper">
          <label for="status">{t('sad.jobs.filter')}</label>
          <select id="status" name="status">
            <option value="">{t('sad.jobs.all')}</option>
            {STATUSES.map((s) => (
              <option value={s} selected={s === status}>
                {t(`job.${s}`)}
              </option>
            ))}
          </select>
        </div>
        <div class="col-md-2">
          <button class="btn btn-primary" type="submit">
            {t('sad.jobs.apply')}
          </button>
        </div>
      </form>
      {jobs.length === 0 ? (
        <p>{t('sad.jobs.empty')}</p>
      ) : (
        <div class="table-responsive mb-5">
          <table class="table">
            <caption class="visually-hidden">{t('sad.jobs')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('sad.jobs.queue')}</th>
                <th scope="col">{t('sad.jobs.ente')}</th>
                <th scope="col">{t('sad.jobs.status')}</th>
                <th scope="col">{t('sad.jobs.attempts')}</th>
                <th scope="col">{t('sad.jobs.runAt')}</th>
                <th scope="col">{t('sad.jobs.error')}</th>
              </tr>
            </thead>
            <tbody>
              {jobs.map((job) => {
                const ente = scope.enti.get(job.ente_id);
                return (
                  <tr>
                    <td>{job.queue}</td>
                    <td>{ente ? displayName(ente) : job.ente_id}</td>
                    <td data-job-status={job.status}>{t(`job.${job.status}`)}</td>
                    <td>
                      {job.attempts}/{job.max_attempts}
                    </td>
                    <td>
                      {job.status === 'queued'
                        ? job.run_at.toISOString().replace('T', ' ').slice(0, 19)
                        : '–'}
                    </td>
                    <td>
                      {job.last_error ?? ''}
                      {job.status === 'dead' && (
                        <PostButton
                          action={`/sad/jobs/${job.ente_id}/${job.id}/retry`}
                          csrf={csrfToken}
                          label={t('sad.jobs.retry')}
                          button="btn btn-sm btn-outline-primary"
                        />
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </Layout>
  );
}

export async function sadPages(app: FastifyInstance, deps: { db: Db }) {
  const { db } = deps;
  const hide = { schema: { hide: true } };

  app.get('/sad', hide, async (request, reply) => {
    const scope = await service.scopeOf(db, request.principal);
    const queued = (request.query as { queued?: string }).queued;
    const page = (
      <ConsolePage
        ctx={request.pageContext()}
        scope={scope}
        csrfToken={reply.generateCsrf()}
        queued={queued && /^\d+$/.test(queued) ? Number(queued) : null}
      />
    );
    return reply.type('text/html; charset=utf-8').send(renderPage(page));
  });

  app.post('/sad/audit-check', hide, async (request, reply) => {
    const scope = await service.scopeOf(db, request.principal);
    const created = await service.requestAuditCheck(db, scope);
    return reply.redirect(`/sad?queued=${created}`, 303);
  });

  app.get('/sad/jobs', hide, async (request, reply) => {
    const scope = await service.scopeOf(db, request.principal);
    const asked = (request.query as { status?: string }).status;
    const status = STATUSES.find((s) => s === asked);
    const jobs = await service.jobsOf(db, scope, status);
    const page = (
      <JobsPage
        ctx={request.pageContext()}
        scope={scope}
        jobs={jobs}
        status={status}
        csrfToken={reply.generateCsrf()}
      />
    );
    return reply.type('text/html; charset=utf-8').send(renderPage(page));
  });

  app.post('/sad/jobs/:enteId/:jobId/retry', hide, async (request, reply) => {
    const { enteId, jobId } = request.params as { enteId: string; jobId: string };
    const scope = await service.scopeOf(db, request.principal);
    if (!isUuid(enteId) || !isUuid(jobId)) return reply.callNotFound();
    await service.retry(db, scope, enteId, jobId);
    return reply.redirect('/sad/jobs', 303);
  });
}
