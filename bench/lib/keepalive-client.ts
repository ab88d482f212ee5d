// A lean HTTP/1.1 client for load generators that share the machine with the server: one kept-alive
// connection per simulated user, its cookies (the session, the form's CSRF cookie), redirects not
// followed, bodies as bytes. Node's fetch
// (WHATWG streams, header objects) cost ≈ 2.5 ms of CPU per certificate journey on these 2 cores, CPU
// taken from the server it measures; this client about half of that.
import http from 'node:http';

export interface Reply {
  status: number;
  location: string;
  body: Buffer;
}

export class KeepAliveClient {
  readonly #agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  readonly #base: URL;
  readonly #jar = new Map<string, string>();
  constructor(base: string, cookies: Record<string, string>) {
    this.#base = new URL(base);
    for (const [name, value] of Object.entries(cookies)) this.#jar.set(name, value);
  }

  get(path: string): Promise<Reply> {
    return this.#send('GET', path);
  }

  /** A form POST (application/x-www-form-urlencoded). */
  post(path: string, fields: Record<string, string>): Promise<Reply> {
    return this.#send('POST', path, new URLSearchParams(fields).toString());
  }

  close(): void {
    this.#agent.destroy();
  }

  #send(method: string, path: string, body?: string): Promise<Reply> {
    return new Promise((resolve, reject) => {
      const cookie = [...this.#jar].map(([name, value]) => `${name}=${value}`).join('; ');
      const headers: http.OutgoingHttpHeaders = { cookie };
      if (body !== undefined) {
        headers['content-type'] = 'application/x-www-form-urlencoded';
        headers['content-length'] = Buffer.byteLength(body);
      }
      const request = http.request(
        {
          agent: this.#agent,
          host: this.#base.hostname,
          port: this.#base.port,
          method,
          path,
          headers,
          timeout: 10_000,
        },
        (response) => {
          for (const set of response.headers['set-cookie'] ?? []) {
            const [pair = ''] = set.split(';');
            const at = pair.indexOf('=');
            const [name, value] = [pair.slice(0, at), pair.slice(at + 1)];
            if (value === '' || /max-age=0/i.test(set)) this.#jar.delete(name);
            else this.#jar.set(name, value);
          }
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () =>
            resolve({
              status: response.statusCode ?? 0,
              location: response.headers.location ?? '',
              body: Buffer.concat(chunks),
            }),
          );
          response.on('error', reject);
        },
      );
      request.on('timeout', () => request.destroy(new Error(`${method} ${path}: no answer in 10 s`)));
      request.on('error', reject);
      request.end(body);
    });
  }
}
