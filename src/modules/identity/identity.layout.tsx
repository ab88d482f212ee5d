// The frame of the identity pages (platform-level, not an ente's portal), and how they are sent:
// never cached, as they carry forms, tokens or a signed-in user.
import type { ComponentChildren } from 'preact';
import type { PageContext } from '../../platform/layout/context.ts';
import { Field } from '../../platform/layout/forms.tsx';
import { Layout } from '../../platform/layout/Layout.tsx';

export function Page({
  ctx,
  title,
  children,
}: {
  ctx: PageContext;
  title: string;
  children: ComponentChildren;
}) {
  return (
    <Layout ctx={ctx} brand={null} title={title}>
      <div class="row my-5">
        <div class="col-lg-7">
          <h1 class="mb-3">{title}</h1>
          {children}
        </div>
      </div>
    </Layout>
  );
}

export { sendPage as send } from '../../platform/layout/Layout.tsx';

/** Only a path of this site: never an absolute or protocol-relative URL (no open redirect). */
export function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/(?![/\\])[^\s]*$/.test(next) && next.length < 500 ? next : '/';
}

/** The field for a 6-digit code from an authenticator app. */
export const CodeField = ({ label, error }: { label: string; error?: string }) => (
  <Field
    name="code"
    label={label}
    inputMode="numeric"
    autocomplete="one-time-code"
    maxLength={6}
    error={error}
  />
);
