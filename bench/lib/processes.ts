// Child processes of a benchmark: servers on free loopback ports, started, timed until ready, measured
// and always stopped (stopAll runs in the benchmark's finally; the exit hook is the last resort).
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { ROOT } from './report.ts';

const children = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});
// Interrupted or terminated: exit through the hook above, so no server outlives the benchmark.
process.once('SIGINT', () => process.exit(130));
process.once('SIGTERM', () => process.exit(143));

export interface Server {
  url: string;
  pid: number;
  /** Milliseconds from spawn to the first 200 on /readyz. */
  startMs: number;
}

/** Spawns `node <args>` with exactly `env` and waits until GET /readyz answers 200. */
export async function startServer(
  label: string,
  args: string[],
  port: number,
  env: Record<string, string>,
  timeoutMs = 120_000,
): Promise<Server> {
  const started = performance.now();
  const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  child.on('exit', () => children.delete(child));

  const url = `http://127.0.0.1:${port}`;
  const deadline = started + timeoutMs;
  while (performance.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `${label} exited before it was ready (${child.exitCode ?? child.signalCode}):\n${output}`,
      );
    }
    const response = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2000) }).catch(() => null);
    await response?.body?.cancel();
    if (response?.status === 200)
      return { url, pid: child.pid!, startMs: Math.round(performance.now() - started) };
    await sleep(20);
  }
  throw new Error(`${label} was not ready within ${timeoutMs / 1000} s:\n${output}`);
}

/** Resident memory of a process in MB (Linux /proc), or null where /proc is not there. */
export function rssMb(pid: number): number | null {
  try {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Math.round(Number(match[1]) / 1024) : null;
  } catch {
    return null;
  }
}

/** Stops one server: SIGTERM, then SIGKILL after a grace period. */
export async function stopServer(pid: number, graceMs = 5000): Promise<void> {
  const child = [...children].find((c) => c.pid === pid);
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

export async function stopAll(): Promise<void> {
  await Promise.all([...children].map((child) => stopServer(child.pid!)));
}
