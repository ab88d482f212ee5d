// Benchmark dispatcher: `npm run bench -- <name>` runs bench/<name>.ts; with no name, every benchmark
// in bench/ in turn. Each prints one human line and, as its last line, one JSON object of figures.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));

interface Benchmark {
  run(): Promise<unknown>;
}

const available = fs
  .readdirSync(BENCH_DIR)
  .filter((file) => file.endsWith('.ts') && file !== 'run.ts' && !file.endsWith('.d.ts'))
  .map((file) => file.slice(0, -3))
  .sort();

const asked = process.argv.slice(2);
const unknown = asked.filter((name) => !available.includes(name));
if (unknown.length > 0) {
  console.error(`unknown benchmark ${unknown.join(', ')}; available: ${available.join(', ')}`);
  process.exit(2);
}

try {
  for (const name of asked.length > 0 ? asked : available) {
    const module = (await import(pathToFileURL(path.join(BENCH_DIR, `${name}.ts`)).href)) as Benchmark;
    await module.run();
  }
  process.exit(0);
} catch (error) {
  console.error(`bench: ${(error as Error).message}`);
  process.exit(1);
}
