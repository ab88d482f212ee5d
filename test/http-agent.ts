// An HTTP client for end-to-end flows across redirects (OpenID Connect logins): keeps cookies, does not
// follow redirects, so that each hop can be checked.
export interface Answer {
  status: number;
  location: string;
  body: string;
}

/** A cookie-keeping client that does not follow redirects; cookie paths are ignored (one host). */
export class Agent {
  jar = new Map<string, string>();
  constructor(readonly base: string) {}

  get(url: string): Promise<Answer> {
    return this.#send(url, { method: 'GET' });
  }

  post(url: string, fields: Record<string, string>): Promise<Answer> {
    return this.#send(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    });
  }

  async #send(url: string, init: RequestInit): Promise<Answer> {
    const cookie = [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await fetch(new URL(url, this.base), {
      ...init,
      redirect: 'manual',
      headers: { ...init.headers, cookie },
      signal: AbortSignal.timeout(10_000),
    });
    for (const set of res.headers.getSetCookie()) {
      const [pair] = set.split(';');
      const [name, value] = pair!.split('=') as [string, string];
      if (value === '' || /max-age=0|expires=thu, 01 jan 1970/i.test(set)) this.jar.delete(name);
      else this.jar.set(name, value);
    }
    return { status: res.status, location: res.headers.get('location') ?? '', body: await res.text() };
  }
}
