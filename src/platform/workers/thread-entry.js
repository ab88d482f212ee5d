// The entry of a ThreadPool's worker thread, in plain JavaScript because Node starts it before any
// TypeScript loader: it registers tsx in this thread (loader hooks belong to a thread; see
// bin/convergenza.js for the main one), imports the pool's task module and runs the calls it is sent,
// one at a time, answering each with its result or its error.
import { parentPort, workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const tasks = await import(workerData.module);

/** Bytes the result alone owns are moved to the calling thread rather than copied. */
const owned = (result) =>
  ArrayBuffer.isView(result) &&
  result.buffer instanceof ArrayBuffer &&
  result.byteOffset === 0 &&
  result.byteLength === result.buffer.byteLength
    ? [result.buffer]
    : [];

parentPort.on('message', async ({ task, args }) => {
  try {
    if (typeof tasks[task] !== 'function') throw new Error(`no task "${task}" in ${workerData.module}`);
    const result = await tasks[task](...args);
    parentPort.postMessage({ result }, owned(result));
  } catch (error) {
    const { name, message, stack } = error instanceof Error ? error : new Error(String(error));
    parentPort.postMessage({ error: { name, message, stack } });
  }
});
parentPort.postMessage({ ready: true });
