// The task module of thread-pool.test.ts, run on the pool's worker threads (TypeScript, as the real ones).
import { setTimeout as sleep } from 'node:timers/promises';
import { threadId } from 'node:worker_threads';

/** The thread that ran the call, after `ms` milliseconds (so that calls overlap). */
export async function whichThread(ms: number): Promise<number> {
  await sleep(ms);
  return threadId;
}

export function reversed(bytes: Uint8Array): Uint8Array {
  return Uint8Array.from(bytes).reverse();
}

export function fail(message: string): never {
  throw new Error(message);
}

/** Ends the thread in the middle of a call (process.exit in a worker stops that thread only). */
export function die(): never {
  process.exit(3);
}
