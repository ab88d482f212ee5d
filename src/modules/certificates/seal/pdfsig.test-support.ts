// Test support: runs poppler's pdfsig on a PDF, optionally with a test CA trusted through a throw-away
// NSS database made with certutil (libnss3-tools). A missing tool fails the test; it never skips.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);
const PACKAGES: Record<string, string> = { pdfsig: 'poppler-utils', certutil: 'libnss3-tools' };

async function run(tool: string, args: string[]): Promise<string> {
  try {
    const { stdout, stderr } = await exec(tool, args, { timeout: 60_000 });
    return stdout + stderr;
  } catch (error) {
    const e = error as { code?: number | string; stdout?: string; stderr?: string };
    if (e.code === 'ENOENT') {
      throw new Error(
        `${tool} is not installed: install the Debian package ${PACKAGES[tool]} ` +
          `(apt-get install ${PACKAGES[tool]}); .ci/run installs it in CI`,
      );
    }
    // pdfsig exits non-zero when a signature is invalid: its report is still the answer.
    if (tool === 'pdfsig' && (e.stdout || e.stderr)) return `${e.stdout ?? ''}${e.stderr ?? ''}`;
    throw new Error(`${tool} ${args.join(' ')} failed: ${e.stderr || String(error)}`);
  }
}

/** pdfsig's report; with `trustedCaPem`, that CA is trusted for signing ("CT,C,C"). */
export async function pdfsig(pdf: Buffer, trustedCaPem?: string): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'convergenza-pdfsig-'));
  try {
    const file = path.join(dir, 'document.pdf');
    await writeFile(file, pdf);
    if (!trustedCaPem) return await run('pdfsig', [file]);
    const nss = path.join(dir, 'nss');
    await mkdir(nss);
    await run('certutil', ['-N', '-d', `sql:${nss}`, '--empty-password']);
    await writeFile(path.join(dir, 'ca.pem'), trustedCaPem);
    await run('certutil', [
      '-A',
      '-d',
      `sql:${nss}`,
      '-n',
      'test-ca',
      '-t',
      'CT,C,C',
      '-i',
      path.join(dir, 'ca.pem'),
    ]);
    return await run('pdfsig', ['-nssdir', `sql:${nss}`, file]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
