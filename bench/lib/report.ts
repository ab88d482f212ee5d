// What every benchmark reports: the machine it ran on, load figures, and its own section of
// docs/benchmarks.md (rewritten on each run, the other sections left as they are).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BENCHMARKS_MD = path.join(ROOT, 'docs/benchmarks.md');

const HEADER = `# Benchmarks

Each benchmark runs alone with \`npm run bench -- <name>\` (\`npm run bench\` runs them all). It prints one
human line and, as its last line, one JSON object with its figures, and rewrites its own section below.
Figures belong to the machine named in their section: compare ratios, not absolute numbers, across
machines. Benchmarks report their targets as met or missed; they never fail on them, and tests never
assert timings.
`;

export interface Machine {
  cpu: string;
  cores: number;
  memoryGb: number;
  os: string;
  node: string;
}

export function machine(): Machine {
  const cpus = os.cpus();
  let distribution = os.type();
  try {
    distribution =
      /^PRETTY_NAME="?([^"\n]*)/m.exec(fs.readFileSync('/etc/os-release', 'utf8'))?.[1] ?? distribution;
  } catch {}
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGb: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    os: `${distribution}, ${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
  };
}

/**
 * Share of the machine's CPU time spent busy over a short window (Linux /proc/stat), or null: taken
 * just before the load, it tells whether other work was running and the figures are low.
 */
export async function cpuBusyPct(ms = 2000): Promise<number | null> {
  const sample = () => {
    const fields = fs
      .readFileSync('/proc/stat', 'utf8')
      .split('\n')[0]!
      .trim()
      .split(/\s+/)
      .slice(1, 9)
      .map(Number);
    return { idle: fields[3]! + (fields[4] ?? 0), total: fields.reduce((sum, value) => sum + value, 0) };
  };
  try {
    const before = sample();
    await sleep(ms);
    const after = sample();
    return Math.round(100 * (1 - (after.idle - before.idle) / (after.total - before.total)));
  } catch {
    return null;
  }
}

export interface Load {
  rps: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  non2xx: number;
  errors: number;
}

/** Closed-loop load on one URL: a warm-up, then the measured run; both bounded in time. */
export async function load(
  url: string,
  options: { connections: number; warmupS: number; durationS: number },
  headers: Record<string, string> = {},
) {
  const result = await autocannon({
    url,
    headers,
    connections: options.connections,
    duration: options.durationS,
    warmup: { connections: options.connections, duration: options.warmupS },
  });
  return {
    rps: Math.round(result.requests.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  } satisfies Load;
}

export const round = (value: number, digits = 3) => Math.round(value * 10 ** digits) / 10 ** digits;

export interface Latency {
  p50Ms: number;
  p99Ms: number;
}

/** p50 and p99 (nearest rank) of durations in milliseconds, to the microsecond. */
export function latency(samples: number[]): Latency {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) =>
    sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? Number.NaN;
  return { p50Ms: round(at(0.5)), p99Ms: round(at(0.99)) };
}

export interface Percentiles extends Latency {
  p95Ms: number;
}

/** p50, p95 and p99 (nearest rank) of durations in milliseconds, to the microsecond. */
export function percentiles(samples: number[]): Percentiles {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) =>
    round(sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? Number.NaN);
  return { p50Ms: at(0.5), p95Ms: at(0.95), p99Ms: at(0.99) };
}

/** A target of a benchmark, reported as met or missed (never a failure). */
export interface Check {
  name: string;
  goal: string;
  measured: string;
  met: boolean;
}

export function table(head: string[], rows: (string | number)[][], align: ('l' | 'r')[]): string {
  const rule = align.map((a) => (a === 'r' ? '---:' : '---'));
  return [head, rule, ...rows].map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}

/** Replaces the section under `heading` (up to the next `## `) or appends it; creates the file if missing. */
export function writeSection(heading: string, body: string): string {
  let text = fs.existsSync(BENCHMARKS_MD) ? fs.readFileSync(BENCHMARKS_MD, 'utf8') : HEADER;
  const section = `${heading}\n\n${body.trim()}\n`;
  const start = text.indexOf(`\n${heading}\n`);
  if (start === -1) {
    text = `${text.trimEnd()}\n\n${section}`;
  } else {
    const next = text.indexOf('\n## ', start + heading.length + 1);
    text = `${text.slice(0, start + 1)}${section}${next === -1 ? '' : text.slice(next)}`;
  }
  fs.writeFileSync(BENCHMARKS_MD, text);
  return path.relative(ROOT, BENCHMARKS_MD);
}
