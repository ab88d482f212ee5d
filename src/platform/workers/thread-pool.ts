// A small pool of worker threads for CPU-bound work (rendering and sealing PDFs), so that the event
// loop serving requests is not blocked by it and the process uses more than one core. Each thread
// imports one task module (TypeScript, through thread-entry.js) and runs one call at a time; calls wait
// in a queue, first come first served. A thread that dies is replaced and its call fails; a thread that
// cannot even start fails every call (a broken module would fail again). The threads start with the
// first call (a process that never renders pays nothing); idle threads do not keep the process alive.
// See docs/adr/0011-worker-threads.md.
import { Worker } from 'node:worker_threads';

interface Call {
  task: string;
  args: unknown[];
  resolve(value: unknown): void;
  reject(error: Error): void;
}

interface Thread {
  worker: Worker;
  ready: boolean;
  call: Call | null;
  error: Error | null;
}

type Answer =
  | { ready: true }
  | { result: unknown }
  | { error: { name: string; message: string; stack?: string } };

const ENTRY = new URL('./thread-entry.js', import.meta.url);

export class ThreadPool {
  readonly #module: string;
  readonly #size: number;
  readonly #threads = new Set<Thread>();
  readonly #queue: Call[] = [];
  #closed = false;
  #broken: Error | null = null;

  /** A pool of `size` threads, each importing `module` (a file URL); `run` calls its exported functions. */
  constructor(module: URL, size: number) {
    if (!Number.isInteger(size) || size < 1) throw new Error(`a thread pool needs ≥ 1 thread, got ${size}`);
    this.#module = module.href;
    this.#size = size;
  }

  /** Threads running now: none before the first call. */
  get threads(): number {
    return this.#threads.size;
  }

  /**
   * Calls the task module's export `task` with `args` on a free thread. Arguments and result are copied
   * with the structured clone algorithm (a Buffer arrives as a plain Uint8Array); bytes that the result
   * alone owns are moved instead.
   */
  run<T>(task: string, args: unknown[]): Promise<T> {
    if (this.#closed) return Promise.reject(new Error('the thread pool is closed'));
    if (this.#broken) return Promise.reject(this.#broken);
    if (this.#threads.size === 0) for (let i = 0; i < this.#size; i++) this.#start();
    return new Promise<T>((resolve, reject) => {
      this.#queue.push({ task, args, resolve: resolve as (value: unknown) => void, reject });
      this.#dispatch();
    });
  }

  /** Stops the threads; calls still waiting or running fail. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const call of this.#queue.splice(0)) call.reject(new Error('the thread pool is closed'));
    await Promise.all([...this.#threads].map((thread) => thread.worker.terminate()));
  }

  #start(): void {
    const worker = new Worker(ENTRY, { workerData: { module: this.#module } });
    const thread: Thread = { worker, ready: false, call: null, error: null };
    worker.unref();
    worker.on('message', (answer: Answer) => {
      if ('ready' in answer) {
        thread.ready = true;
        return;
      }
      const call = thread.call;
      thread.call = null;
      worker.unref();
      if ('error' in answer) call?.reject(Object.assign(new Error(answer.error.message), answer.error));
      else call?.resolve(answer.result);
      this.#dispatch();
    });
    worker.on('error', (error) => {
      thread.error = error;
    });
    worker.on('exit', (code) => {
      this.#threads.delete(thread);
      const error = thread.error ?? new Error(`a worker thread stopped (exit code ${code})`);
      thread.call?.reject(error);
      if (this.#closed) return;
      if (!thread.ready) {
        this.#broken = new Error(`the worker threads cannot start: ${error.message}`, { cause: error });
        for (const call of this.#queue.splice(0)) call.reject(this.#broken);
        return;
      }
      this.#start();
      this.#dispatch();
    });
    this.#threads.add(thread);
  }

  #dispatch(): void {
    for (const thread of this.#threads) {
      if (this.#queue.length === 0) return;
      if (thread.call) continue;
      const call = this.#queue.shift()!;
      thread.call = call;
      // A busy thread keeps the process alive until it answers.
      thread.worker.ref();
      thread.worker.postMessage({ task: call.task, args: call.args });
    }
  }
}
