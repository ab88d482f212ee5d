// Files the platform hands out for download: never cached (they hold personal data), saved under a name
// the server chose.
import type { FastifyReply } from 'fastify';

export const sendPdf = (reply: FastifyReply, pdf: Buffer, fileName: string) =>
  reply
    .type('application/pdf')
    .header('content-disposition', `attachment; filename="${fileName}"`)
    .header('cache-control', 'no-store')
    .send(pdf);
