// The public verification pages of certificates (issue 5, item 7), no login: /verifica with a form by
// number and verification code and a PDF upload (multipart, one file of at most 5 MiB, CSRF token in
// the form), /verifica/<number>?c=<code> (the QR code's target), and the outcome: "valido" with the
// essential data (type, issue date and time, comune, the holder's name), or "non valido" with the reason.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { uploadedFile, uploadForms } from '../../platform/http/uploads.ts';
import { formatDate } from '../../platform/i18n/index.ts';
import type { PageContext } from '../../platform/layout/context.ts';
import { CsrfField, ErrorSummary, Field } from '../../platform/layout/forms.tsx';
import { Layout, sendPage } from '../../platform/layout/Layout.tsx';
import { typeTitle } from './certificates.citizen.views.tsx';
import type { CertificatesDeps } from './certificates.service.ts';
import {
  CODE_PATTERN,
  loadTrustAnchors,
  MAX_VERIFY_BYTES,
  NUMBER_PATTERN,
  normaliseCode,
  type Verdict,
  type VerificationDeps,
  verifyByCode,
  verifyByPdf,
} from './verification.ts';

const BASE = '/verifica';
const MB = MAX_VERIFY_BYTES / 1024 / 1024;

type FormErrors = Partial<Record<'numero' | 'codice' | 'file', string>>;

export function VerifyFormPage(props: {
  ctx: PageContext;
  csrf: string;
  number?: string;
  code?: string;
  errors?: FormErrors;
}) {
  const { ctx, csrf, number = '', code = '', errors = {} } = props;
  const { t } = ctx;
  const codeErrors = (['numero', 'codice'] as const).flatMap((field) =>
    errors[field] ? [{ field, message: errors[field]! }] : [],
  );
  const fileErrors = errors.file ? [{ field: 'file', message: errors.file }] : [];
  return (
    <Layout
      ctx={ctx}
      brand={null}
      title={t('certVerify.title')}
      description={t('certVerify.lead')}
      breadcrumbs={[{ label: 'Convergenza', href: '/' }, { label: t('certVerify.title') }]}
    >
      <div class="row">
        <div class="col-lg-8 px-lg-4 py-lg-2">
          <h1 class="mt-4">{t('certVerify.title')}</h1>
          <p class="lead">{t('certVerify.lead')}</p>

          <section class="mt-5" aria-labelledby="by-code">
            <h2 id="by-code" class="h4">
              {t('certVerify.byCode')}
            </h2>
            <ErrorSummary title={t('certVerify.errors')} errors={codeErrors} />
            <form method="get" action={BASE} novalidate>
              <Field
                name="numero"
                label={t('certVerify.number')}
                hint={t('certVerify.number.hint')}
                value={number}
                error={errors.numero}
                maxLength={30}
                autocomplete="off"
                spellcheck={false}
                required
              />
              <Field
                name="codice"
                label={t('certVerify.code')}
                hint={t('certVerify.code.hint')}
                value={code}
                error={errors.codice}
                maxLength={30}
                autocomplete="off"
                spellcheck={false}
                required
              />
              <button type="submit" class="btn btn-primary mt-2">
                {t('certVerify.submit')}
              </button>
            </form>
          </section>

          <section class="mt-5 mb-5" aria-labelledby="by-pdf">
            <h2 id="by-pdf" class="h4">
              {t('certVerify.byPdf')}
            </h2>
            <ErrorSummary title={t('certVerify.errors')} errors={fileErrors} />
            <form method="post" action={BASE} enctype="multipart/form-data" novalidate>
              <CsrfField token={csrf} />
              <Field
                type="file"
                name="file"
                label={t('certVerify.file')}
                hint={t('certVerify.file.hint', { mb: MB })}
                accept="application/pdf,.pdf"
                error={errors.file}
                required
              />
              <button type="submit" class="btn btn-primary mt-2">
                {t('certVerify.upload')}
              </button>
            </form>
          </section>
        </div>
      </div>
    </Layout>
  );
}

function reasonText(ctx: PageContext, verdict: Extract<Verdict, { valid: false }>): string {
  if (verdict.reason === 'revoked')
    return ctx.t('certVerify.reason.revoked', { reason: verdict.revokedReason ?? '' });
  return ctx.t(`certVerify.reason.${verdict.reason}`);
}

export function VerdictPage({ ctx, verdict }: { ctx: PageContext; verdict: Verdict }) {
  const { t } = ctx;

  const c = verdict.certificate;
  return (
    <Layout
      ctx={ctx}
      brand={null}
      title={`${t('certVerify.result')}: ${verdict.valid ? t('certVerify.valid') : t('certVerify.invalid')}`}
      breadcrumbs={[
        { label: 'Convergenza', href: '/' },
        { label: t('certVerify.title'), href: BASE },
        { label: t('certVerify.result') },
      ]}
    >
      <div class="row">
        <div class="col-lg-8 px-lg-4 py-lg-2">
          <h1 class="mt-4">{t('certVerify.result')}</h1>
          {verdict.valid ? (
            <div class="alert alert-success mt-4" role="status" data-verdict="valido">
              <h2 class="h4">{t('certVerify.valid')}</h2>
              <p class="mb-0">{t('certVerify.valid.lead')}</p>
            </div>
          ) : (
            <div class="alert alert-danger mt-4" role="alert" data-verdict="non-valido">
              <h2 class="h4">{t('certVerify.invalid')}</h2>
              <p class="mb-0">{reasonText(ctx, verdict)}</p>
            </div>
          )}
          {c && (
            <dl class="row mt-4">
              <dt class="col-sm-4">{t('certVerify.field.number')}</dt>
              <dd class="col-sm-8">{c.number}</dd>
              <dt class="col-sm-4">{t('certVerify.field.type')}</dt>
              <dd class="col-sm-8">{typeTitle(ctx, c.type)}</dd>
              {c.issuedAt && (
                <>
                  <dt class="col-sm-4">{t('certVerify.field.issuedAt')}</dt>
                  <dd class="col-sm-8">
                    <time dateTime={c.issuedAt.toISOString()}>
                      {formatDate(ctx.lang, c.issuedAt, 'longMoment')}
                    </time>
                  </dd>
                </>
              )}
              <dt class="col-sm-4">{t('certVerify.field.comune')}</dt>
              <dd class="col-sm-8">{c.comune}</dd>
              {c.subjectName && (
                <>
                  <dt class="col-sm-4">{t('certVerify.field.subject')}</dt>
                  <dd class="col-sm-8">{c.subjectName}</dd>
                </>
              )}
            </dl>
          )}
          <p class="mt-4 mb-5">
            <a href={BASE} class="btn btn-outline-primary">
              {t('certVerify.again')}
            </a>
          </p>
        </div>
      </div>
    </Layout>
  );
}

/**
 * The verification pages. A seal is trusted when it is one the ente has had (its seal history, test seals
 * of the sandbox included) and, with CERTIFICATES_TRUST_ANCHORS_FILE, when it also chains to an anchor.
 */
export async function certificatesPages(
  app: FastifyInstance,
  deps: CertificatesDeps & { trustAnchorsFile?: string | null },
): Promise<void> {
  const verification: VerificationDeps = {
    ...deps,
    trustAnchors: await loadTrustAnchors(deps.trustAnchorsFile),
  };
  const hide = { schema: { hide: true } };
  const noIndex = (reply: FastifyReply) => reply.header('x-robots-tag', 'noindex');

  const showForm = (reply: FastifyReply, form: Parameters<typeof VerifyFormPage>[0]) =>
    sendPage(noIndex(reply), <VerifyFormPage {...form} />, form.errors ? 400 : 200);

  const showVerdict = (request: FastifyRequest, reply: FastifyReply, verdict: Verdict, status: number) =>
    sendPage(noIndex(reply), <VerdictPage ctx={request.pageContext()} verdict={verdict} />, status);

  app.get(BASE, hide, async (request, reply) => {
    const query = request.query as { numero?: unknown; codice?: unknown };
    const ctx = request.pageContext();
    const csrf = reply.generateCsrf();
    if (query.numero === undefined && query.codice === undefined) return showForm(reply, { ctx, csrf });
    const number = String(query.numero ?? '')
      .trim()
      .toUpperCase()
      .slice(0, 30);
    const code = normaliseCode(String(query.codice ?? '').slice(0, 30));
    const errors: FormErrors = {};
    if (!NUMBER_PATTERN.test(number)) errors.numero = ctx.t('certVerify.error.number');
    if (!CODE_PATTERN.test(code)) errors.codice = ctx.t('certVerify.error.code');
    if (Object.keys(errors).length > 0) return showForm(reply, { ctx, csrf, number, code, errors });
    return reply.redirect(`${BASE}/${encodeURIComponent(number)}?c=${encodeURIComponent(code)}`, 303);
  });

  app.get(`${BASE}/:number`, hide, async (request, reply) => {
    const { number } = request.params as { number: string };
    const code = String((request.query as { c?: unknown }).c ?? '').slice(0, 30);
    // A number without its code (typed or linked by hand): the form, with the number, asks for it.
    if (code.trim() === '')
      return showForm(reply, {
        ctx: request.pageContext(),
        csrf: reply.generateCsrf(),
        number: number.slice(0, 30),
      });
    const verdict = await verifyByCode(deps, number.slice(0, 30), code);
    return showVerdict(request, reply, verdict, !verdict.valid && verdict.reason === 'unknown' ? 404 : 200);
  });

  await uploadForms(app, { maxFileBytes: MAX_VERIFY_BYTES, fields: 2 }, (upload) => {
    upload.post(BASE, hide, async (request, reply) => {
      const ctx = request.pageContext();
      const file = uploadedFile(request, 'file');
      const again = (message: string) =>
        showForm(reply, { ctx, csrf: reply.generateCsrf(), errors: { file: message } });
      if (!file) return again(ctx.t('certVerify.error.noFile'));
      if (file.bytes.length === 0) return again(ctx.t('certVerify.error.emptyFile'));
      if (file.truncated) return again(ctx.t('certVerify.error.tooLarge', { mb: MB }));
      if (!file.bytes.subarray(0, 1024).toString('latin1').includes('%PDF-'))
        return again(ctx.t('certVerify.error.notPdf'));
      const verdict = await verifyByPdf(verification, file.bytes);
      // A PDF without a readable seal is bad input (400); a sealed one that fails is an answer.
      const junk = !verdict.valid && (verdict.reason === 'malformed' || verdict.reason === 'unsigned');
      return showVerdict(request, reply, verdict, junk ? 400 : 200);
    });
  });
}
