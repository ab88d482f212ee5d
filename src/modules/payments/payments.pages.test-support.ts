// Test helpers of the payments pages: a signed-in citizen (a platform user with the fiscal code SPID
// gave, and a session), and a multipart form body as a browser sends a file upload.
import { randomUUID } from 'node:crypto';
import { createSession, SESSION_COOKIE } from '../../platform/auth/sessions.repo.ts';
import type { Database } from '../../platform/db/database.ts';

export async function citizenSession(database: Database, fiscalCode: string | null, name = 'Giulia Zanetti') {
  const user = await database.db
    .withTables<{ users: { id: string; kind: string; display_name: string; fiscal_number: string | null } }>()
    .insertInto('users')
    .values({ id: randomUUID(), kind: 'citizen', display_name: name, fiscal_number: fiscalCode })
    .returning('id')
    .executeTakeFirstOrThrow();
  const { token } = await createSession(database.db, {
    principal: { subject: user.id, userId: user.id, displayName: name, grants: [{ role: 'citizen' }] },
    userId: user.id,
  });
  return { [SESSION_COOKIE]: token };
}

/** A multipart/form-data body with text fields and one file. */
export function multipartBody(
  fields: Record<string, string>,
  file: { name: string; field: string; content: Buffer | string; type?: string } | null,
) {
  const boundary = `----convergenza${randomUUID().replaceAll('-', '')}`;
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    parts.push(
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`),
    );
  }
  if (file) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${file.field}"; filename="${file.name}"\r\n` +
          `Content-Type: ${file.type ?? 'text/csv'}\r\n\r\n`,
      ),
      Buffer.isBuffer(file.content) ? file.content : Buffer.from(file.content),
      Buffer.from('\r\n'),
    );
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}
