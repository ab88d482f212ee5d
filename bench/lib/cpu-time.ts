// Where the CPU goes: the CPU time (user + system) of processes on the same machine, read from Linux's
// /proc, and of the PostgreSQL backends serving one database. Unlike wall-clock rates, CPU milliseconds
// per operation hold when other work shares the machine.
import fs from 'node:fs';
import pg from 'pg';

/** Clock ticks per second of /proc/<pid>/stat on Linux (USER_HZ; 100 on every common kernel). */
const TICKS_PER_S = 100;

/** CPU milliseconds a process has used so far (all its threads), or 0 when it is gone or not Linux. */
export const processCpuMs = (pid: number) => cpuMsOf(`/proc/${pid}/stat`);

/** CPU milliseconds of a process's main thread (the event loop of a Node process), or 0. */
export const mainThreadCpuMs = (pid: number) => cpuMsOf(`/proc/${pid}/task/${pid}/stat`);

function cpuMsOf(file: string): number {
  try {
    const stat = fs.readFileSync(file, 'utf8');
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_S;
  } catch {
    return 0;
  }
}

/** CPU milliseconds used so far by the backends connected to `database` (a connection to it). */
export async function backendsCpuMs(
  client: pg.Client | pg.Pool,
  database: string,
): Promise<Map<number, number>> {
  const { rows } = await client.query<{ pid: number }>(
    'select pid from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
    [database],
  );
  return new Map(rows.map((row) => [row.pid, processCpuMs(row.pid)]));
}

/** The CPU the backends used between two snapshots (backends that came later count from their start). */
export function backendsSpentMs(before: Map<number, number>, after: Map<number, number>): number {
  let ms = 0;
  for (const [pid, now] of after) ms += now - (before.get(pid) ?? 0);
  return ms;
}

/** CPU milliseconds per operation: main thread (the event loop), the other threads, the database. */
export interface Cost {
  mainThreadMs: number;
  otherThreadsMs: number;
  /** The backends connected to the database: on this machine only (their CPU is read from /proc). */
  databaseMs: number;
}

/** What `operations` done by `work` cost per operation in process `pid` and in the database's backends. */
export async function costOf<T>(
  databaseUrl: string,
  operations: number,
  work: () => Promise<T>,
  pid = process.pid,
): Promise<{ result: T; cost: Cost }> {
  const database = new URL(databaseUrl).pathname.slice(1);
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  try {
    const backends = await backendsCpuMs(admin, database);
    // Backends come and go (the pool closes connections idle for 10 s): each is read every half second,
    // so one that ends takes at most that much of its CPU with it.
    const latest = new Map(backends);
    const keep = (now: Map<number, number>) => {
      for (const [id, ms] of now) latest.set(id, Math.max(ms, latest.get(id) ?? 0));
    };
    const polling = setInterval(() => void backendsCpuMs(admin, database).then(keep, () => {}), 500);
    const [all, main] = [processCpuMs(pid), mainThreadCpuMs(pid)];
    let result: T;
    try {
      result = await work();
    } finally {
      clearInterval(polling);
    }
    const mainMs = mainThreadCpuMs(pid) - main;
    const otherMs = processCpuMs(pid) - all - mainMs;
    keep(await backendsCpuMs(admin, database));
    const databaseMs = backendsSpentMs(backends, latest);
    const per = (ms: number) => Math.round((ms / operations) * 100) / 100;
    return {
      result,
      cost: { mainThreadMs: per(mainMs), otherThreadsMs: per(otherMs), databaseMs: per(databaseMs) },
    };
  } finally {
    await admin.end();
  }
}
