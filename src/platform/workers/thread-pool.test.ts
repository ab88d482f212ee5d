// The worker thread pool: TypeScript task modules run on other threads, calls overlap up to the pool's
// size, errors come back as rejections, a dead thread is replaced, a module that cannot load fails
// every call, and a closed pool refuses work.
import { threadId } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { ThreadPool } from './thread-pool.ts';

const TASKS = new URL('./thread-pool.test-support.ts', import.meta.url);
const pools: ThreadPool[] = [];
const poolOf = (size: number, module = TASKS) => {
  const pool = new ThreadPool(module, size);
  pools.push(pool);
  return pool;
};
afterEach(async () => {
  await Promise.all(pools.splice(0).map((pool) => pool.close()));
});

describe('ThreadPool', () => {
  it('runs calls of a TypeScript module on its threads, as many at once as it has threads', async () => {
    const pool = poolOf(2);
    expect(pool.threads).toBe(0);
    const ids = await Promise.all([0, 1, 2, 3].map(() => pool.run<number>('whichThread', [300])));
    expect(pool.threads).toBe(2);
    expect(ids).not.toContain(threadId);
    expect(new Set(ids).size).toBe(2);
    const bytes = await pool.run<Uint8Array>('reversed', [Buffer.from([1, 2, 3])]);
    expect([...bytes]).toEqual([3, 2, 1]);
  }, 30_000);

  it('rejects a failed call with its error and goes on', async () => {
    const pool = poolOf(1);
    await expect(pool.run('fail', ['wrong passphrase'])).rejects.toThrow('wrong passphrase');
    await expect(pool.run('missing', [])).rejects.toThrow('no task "missing"');
    await expect(pool.run<number>('whichThread', [0])).resolves.toEqual(expect.any(Number));
  }, 30_000);

  it('replaces a thread that dies, failing only the call it was running', async () => {
    const pool = poolOf(1);
    const first = await pool.run<number>('whichThread', [0]);
    await expect(pool.run('die', [])).rejects.toThrow(/exit code 3/);
    const second = await pool.run<number>('whichThread', [0]);
    expect(second).not.toBe(first);
  }, 30_000);

  it('fails every call when its module cannot be loaded', async () => {
    const pool = poolOf(1, new URL('./no-such-module.ts', import.meta.url));
    await expect(pool.run('whichThread', [0])).rejects.toThrow();
    await expect(pool.run('whichThread', [0])).rejects.toThrow(/cannot start/);
  }, 30_000);

  it('refuses calls once closed, and fails those still waiting', async () => {
    const pool = poolOf(1);
    const outcomes = Promise.allSettled([pool.run('whichThread', [200]), pool.run('whichThread', [0])]);
    await pool.close();
    const [running, waiting] = await outcomes;
    expect(running.status).toBe('rejected');
    expect(waiting).toMatchObject({ status: 'rejected', reason: { message: 'the thread pool is closed' } });
    await expect(pool.run('whichThread', [0])).rejects.toThrow('closed');
  }, 30_000);
});
