// A lean HTTP/1.1 client for load generators that share the machine with the server: one kept-alive
// socket per simulated user, one request at a time, its cookies (the session, the form's CSRF cookie),
// redirects not followed, bodies as bytes (Content-Length framing, which the platform always sends).
// Node's fetch cost ≈ 2.5 ms of CPU per certificate journey on these 2 cores and node:http ≈ 1.2 ms,
// CPU taken from the server being measured; this client about a third of that.
import net from 'node:net';

export interface Reply {
  status: number;
  location: string;
  body: Buffer;
}

interface Pending {
  resolve: (reply: Reply) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

const HEAD_END = Buffer.from('\r\n\r\n');

export class KeepAliveClient {
  readonly #host: string;
  readonly #port: number;
  readonly #jar = new Map<string, string>();
  #socket: net.Socket | null = null;
  #received: Buffer = Buffer.alloc(0);
  #pending: Pending | null = null;

  constructor(base: string, cookies: Record<string, string>) {
    const url = new URL(base);
    this.#host = url.hostname;
    this.#port = Number(url.port || 80);
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
    this.#socket?.destroy();
    this.#socket = null;
  }

  #send(method: string, path: string, body?: string): Promise<Reply> {
    if (this.#pending) return Promise.reject(new Error('one request at a time'));
    const cookie = [...this.#jar].map(([name, value]) => `${name}=${value}`).join('; ');
    const form = body === undefined ? '' : 'Content-Type: application/x-www-form-urlencoded\r\n';
    const length = body === undefined ? '' : `Content-Length: ${Buffer.byteLength(body)}\r\n`;
    const request = `${method} ${path} HTTP/1.1\r\nHost: ${this.#host}:${this.#port}\r\nCookie: ${cookie}\r\n${form}${length}\r\n${body ?? ''}`;
    return new Promise<Reply>((resolve, reject) => {
      const timer = setTimeout(() => this.#fail(new Error(`${method} ${path}: no answer in 10 s`)), 10_000);
      this.#pending = { resolve, reject, timer };
      this.#connected().write(request);
    });
  }

  #connected(): net.Socket {
    if (this.#socket) return this.#socket;
    const socket = net.connect(this.#port, this.#host);
    socket.setNoDelay(true);
    // A socket given up (timeout, close()) may still report: only the current one is listened to.
    socket.on('data', (chunk: Buffer) => {
      if (this.#socket !== socket) return;
      this.#received = this.#received.length === 0 ? chunk : Buffer.concat([this.#received, chunk]);
      this.#parse();
    });
    socket.on('error', (error) => {
      if (this.#socket === socket) this.#fail(error);
    });
    socket.on('close', () => {
      if (this.#socket !== socket) return;
      this.#socket = null;
      this.#fail(new Error('the server closed the connection'));
    });
    this.#received = Buffer.alloc(0);
    this.#socket = socket;
    return socket;
  }

  /** Completes the pending request once its head and Content-Length bytes of body have arrived. */
  #parse(): void {
    const headEnd = this.#received.indexOf(HEAD_END);
    if (headEnd < 0 || !this.#pending) return;
    const lines = this.#received.toString('latin1', 0, headEnd).split('\r\n');
    const status = Number(lines[0]!.split(' ')[1]);
    let length = -1;
    let location = '';
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(':');
      const name = line.slice(0, colon).toLowerCase();
      const value = line.slice(colon + 1).trim();
      if (name === 'content-length') length = Number(value);
      else if (name === 'location') location = value;
      else if (name === 'set-cookie') this.#keepCookie(value);
    }
    if (length < 0) {
      this.#fail(new Error(`no Content-Length in the answer (${lines[0]})`));
      return;
    }
    const end = headEnd + HEAD_END.length + length;
    if (this.#received.length < end) return;
    const reply = { status, location, body: this.#received.subarray(headEnd + HEAD_END.length, end) };
    this.#received = this.#received.subarray(end);
    const pending = this.#pending;
    this.#pending = null;
    clearTimeout(pending.timer);
    pending.resolve(reply);
  }

  #keepCookie(header: string): void {
    const [pair = ''] = header.split(';');
    const at = pair.indexOf('=');
    const [name, value] = [pair.slice(0, at), pair.slice(at + 1)];
    if (value === '' || /max-age=0/i.test(header)) this.#jar.delete(name);
    else this.#jar.set(name, value);
  }

  #fail(error: Error): void {
    const pending = this.#pending;
    if (!pending) return;
    this.#pending = null;
    clearTimeout(pending.timer);
    this.close();
    pending.reject(error);
  }
}
