// Forms that upload one file (multipart/form-data), in a scope of their own so the parser serves only
// their routes: the guard (who may upload) runs before the body is read, so nobody else makes the server
// buffer a file; the file is read into memory up to its limit and marked truncated beyond it; the
// platform's CSRF check then finds the token among the fields, as for any form.
import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';

export interface UploadedFile {
  filename: string;
  bytes: Buffer;
  /** Longer than the limit: only its first bytes were kept. */
  truncated: boolean;
}

export async function uploadForms(
  app: FastifyInstance,
  options: {
    maxFileBytes: number;
    /** Text fields besides the file (the CSRF token included). */
    fields: number;
    guard?: (request: FastifyRequest) => Promise<unknown>;
  },
  routes: (upload: FastifyInstance) => void,
): Promise<void> {
  await app.register(async (upload) => {
    const { guard } = options;
    if (guard) {
      upload.addHook('onRequest', async (request) => {
        await guard(request);
      });
    }
    await upload.register(multipart, {
      attachFieldsToBody: 'keyValues',
      throwFileSizeLimit: false,
      limits: {
        fileSize: options.maxFileBytes,
        files: 1,
        fields: options.fields,
        parts: options.fields + 1,
        fieldSize: 1000,
      },
      async onFile(part) {
        const chunks: Buffer[] = [];
        for await (const chunk of part.file) chunks.push(chunk as Buffer);
        const value: UploadedFile = {
          filename: part.filename,
          bytes: Buffer.concat(chunks),
          truncated: part.file.truncated,
        };
        (part as unknown as { value: UploadedFile }).value = value;
      },
    });
    routes(upload);
  });
}

/** The file uploaded in field `name`, or null when the form carried none. */
export function uploadedFile(request: FastifyRequest, name: string): UploadedFile | null {
  const file = ((request.body ?? {}) as Record<string, unknown>)[name] as UploadedFile | undefined;
  return file && typeof file === 'object' && Buffer.isBuffer(file.bytes) ? file : null;
}
