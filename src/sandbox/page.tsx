// The page shell of every sandbox stand-in: Bootstrap Italia, and a banner that says it is a test.
import type { ComponentChildren } from 'preact';

export function SandboxPage({
  title,
  banner,
  script,
  children,
}: {
  title: string;
  /** What is simulated, after "Ambiente di test: ". */
  banner: string;
  script?: string;
  children: ComponentChildren;
}) {
  return (
    <html lang="it">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${title} – ambiente di test`}</title>
        <link rel="stylesheet" href="/static/bootstrap-italia/css/bootstrap-italia.min.css" />
        <link rel="stylesheet" href="/static/fonts.css" />
        <link rel="stylesheet" href="/static/convergenza.css" />
        {script && <script src={script} defer />}
      </head>
      <body>
        <div class="demo-banner" role="note">
          Ambiente di test: {banner}
        </div>
        <main class="container my-5">
          <h1 class="mb-4">{title}</h1>
          {children}
        </main>
      </body>
    </html>
  );
}

export { sendPage as sendSandboxPage } from '../platform/layout/Layout.tsx';
