// Server-side time from the platform's own Prometheus histogram (GET /metrics): the sum and count of
// http_request_duration_seconds per method, route and status. The difference of two snapshots is the
// time the server spent on a phase's requests, without the client's or the network's share.
const LINE = /^http_request_duration_seconds_(sum|count)\{([^}]*)\} (\S+)$/;

/** Seconds and requests per "METHOD route status". */
export type Counters = Map<string, { seconds: number; count: number }>;

export async function serverCounters(base: string): Promise<Counters> {
  const response = await fetch(`${base}/metrics`, { signal: AbortSignal.timeout(5000) });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`GET ${base}/metrics answered ${response.status}, not 200`);
  const counters: Counters = new Map();
  for (const line of text.split('\n')) {
    const match = LINE.exec(line);
    if (!match) continue;
    const labels = Object.fromEntries([...match[2]!.matchAll(/(\w+)="([^"]*)"/g)].map((l) => [l[1], l[2]]));
    const key = `${labels.method} ${labels.route} ${labels.status}`;
    const entry = counters.get(key) ?? { seconds: 0, count: 0 };
    if (match[1] === 'sum') entry.seconds = Number(match[3]);
    else entry.count = Number(match[3]);
    counters.set(key, entry);
  }
  return counters;
}

/** Server milliseconds and requests between two snapshots, summed over the keys given. */
export function spent(before: Counters, after: Counters, keys: readonly string[]) {
  let ms = 0;
  let count = 0;
  for (const key of keys) {
    ms += ((after.get(key)?.seconds ?? 0) - (before.get(key)?.seconds ?? 0)) * 1000;
    count += (after.get(key)?.count ?? 0) - (before.get(key)?.count ?? 0);
  }
  return { ms, count };
}
