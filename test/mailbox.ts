// Reads the sandbox's test mailbox the way a tester does: lets the job worker deliver what is queued,
// then opens the newest message to an address at /sandbox/posta.
import type { testApp } from './support.ts';

type Built = Awaited<ReturnType<typeof testApp>>;

export interface ReceivedMail {
  subject: string;
  text: string;
  /** The first link in the message. */
  link: string | null;
}

/** Delivers queued jobs and returns every message to `address`, newest first. */
export async function mailTo({ app, worker }: Built, address: string): Promise<ReceivedMail[]> {
  while ((await worker.runOnce()) > 0) {}
  const list = await app.inject({ url: `/sandbox/posta?a=${encodeURIComponent(address)}` });
  const paths = [...list.body.matchAll(/<a href="(\/sandbox\/posta\/[0-9a-f-]+\/[0-9a-f-]+)">/g)].map(
    (m) => m[1]!,
  );
  const mails: ReceivedMail[] = [];
  for (const path of paths) {
    const page = await app.inject({ url: path });
    const subject = /<h1[^>]*>([^<]*)<\/h1>/.exec(page.body)?.[1] ?? '';
    const body = /data-mail-text[^>]*>([\s\S]*?)<\/div>/.exec(page.body)?.[1] ?? '';
    const link = /<a href="([^"]+)">/.exec(body)?.[1] ?? null;
    const text = body.replace(/<br\/?>/g, '\n').replace(/<[^>]+>/g, '');
    mails.push({ subject: decode(subject), text: decode(text), link: link && decode(link) });
  }
  return mails;
}

const decode = (html: string) =>
  html
    .replace(/&amp;/g, '&')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>');
