// Test support: reads our PDFs back with independent Debian tools (poppler-utils, qpdf, zbar-tools,
// dmtx-utils). A missing tool fails the test with the package to install; it never skips.
import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { testEnv } from '../../config.ts';

const exec = promisify(execFile);

const PACKAGES: Record<string, string> = {
  pdftotext: 'poppler-utils',
  pdfinfo: 'poppler-utils',
  pdffonts: 'poppler-utils',
  pdftoppm: 'poppler-utils',
  qpdf: 'qpdf',
  zbarimg: 'zbar-tools',
  dmtxread: 'dmtx-utils',
};

function requireTool(name: string): void {
  const found = (testEnv('PATH') ?? '').split(path.delimiter).some((dir) => {
    try {
      accessSync(path.join(dir, name), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
  if (!found) {
    throw new Error(
      `${name} is not installed: install the Debian package ${PACKAGES[name]} ` +
        `(apt-get install ${PACKAGES[name]}); .ci/run installs it in CI`,
    );
  }
}

/** Runs a tool; exit codes in `accept` count as success (zbarimg exits 4 when it finds nothing). */
async function run(tool: string, args: string[], accept: number[] = [0]): Promise<string> {
  requireTool(tool);
  try {
    const { stdout } = await exec(tool, args, { maxBuffer: 64 * 1024 * 1024, timeout: 60_000 });
    return stdout;
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    if (typeof e.code === 'number' && accept.includes(e.code)) return e.stdout ?? '';
    throw new Error(`${tool} ${args.join(' ')} failed: ${e.stderr || String(error)}`);
  }
}

async function withPdf<T>(pdf: Buffer, use: (file: string, dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'convergenza-pdf-'));
  try {
    const file = path.join(dir, 'document.pdf');
    await writeFile(file, pdf);
    return await use(file, dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The text in content-stream order (`-raw`), which is also the reading order of our documents. */
export const pdfText = (pdf: Buffer) =>
  withPdf(pdf, (file) => run('pdftotext', ['-raw', '-enc', 'UTF-8', file, '-']));

/** `pdfinfo` fields as a map ("Tagged" → "yes", "Title" → …). */
export const pdfInfo = (pdf: Buffer) =>
  withPdf(pdf, async (file) => {
    const out = await run('pdfinfo', ['-enc', 'UTF-8', file]);
    return new Map(
      out.split('\n').flatMap((line) => {
        const match = /^([^:]+):\s*(.*)$/.exec(line);
        return match ? [[match[1]!, match[2]!] as const] : [];
      }),
    );
  });

/** The structure tree with its text, as `pdfinfo -struct-text` prints it. */
export const pdfStructure = (pdf: Buffer) =>
  withPdf(pdf, (file) => run('pdfinfo', ['-enc', 'UTF-8', '-struct-text', file]));

/** `qpdf --check`: the file's syntax, cross-reference table and streams; throws on any error or warning. */
export const qpdfCheck = (pdf: Buffer) => withPdf(pdf, (file) => run('qpdf', ['--check', file]));

/** One row per font: name, type and whether it is embedded. */
export const pdfFonts = (pdf: Buffer) =>
  withPdf(pdf, async (file) => {
    const lines = (await run('pdffonts', [file])).split('\n').slice(2).filter(Boolean);
    return lines.map((line) => {
      const [name, ...rest] = line.trim().split(/\s+/);
      // Columns from the right: object ID (2), uni, sub, emb.
      return { name: name!, embedded: rest[rest.length - 5] === 'yes' };
    });
  });

export interface PageCodes {
  qr: string[];
  dataMatrix: string[];
}

/**
 * Rasterises one page at `dpi` and decodes it: QR codes with zbarimg, DataMatrix codes with dmtxread
 * (zbar has no DataMatrix decoder). `expectedDataMatrix` bounds dmtxread's scan.
 */
export const decodePage = (pdf: Buffer, page: number, expectedDataMatrix: number, dpi = 300) =>
  withPdf(pdf, async (file, dir) => {
    const prefix = path.join(dir, 'page');
    await run('pdftoppm', ['-r', String(dpi), '-f', String(page), '-l', String(page), '-png', file, prefix]);
    const [png] = (await readdir(dir)).filter((name) => name.endsWith('.png'));
    if (!png) throw new Error(`pdftoppm produced no image of page ${page}`);
    const image = path.join(dir, png);
    const lines = (out: string) => out.split('\n').filter((line) => line.length > 0);
    const qr = lines(
      await run('zbarimg', ['--quiet', '--raw', '--nodbus', '-Sdisable', '-Sqrcode.enable', image], [4]),
    );
    const dataMatrix =
      expectedDataMatrix > 0
        ? lines(await run('dmtxread', ['-n', '-N', String(expectedDataMatrix), '-m', '30000', image], [1]))
        : [];
    return { qr, dataMatrix } satisfies PageCodes;
  });

/** Alternative texts of the Figure structure elements, read from the file (pdfkit writes them uncompressed). */
export function figureAltTexts(pdf: Buffer): string[] {
  const raw = pdf.toString('latin1');
  const alts: string[] = [];
  for (const match of raw.matchAll(/<<\n\/S \/Figure\n([\s\S]*?)>>\nendobj/g)) {
    const body = match[1]!;
    const start = body.indexOf('/Alt (');
    if (start < 0) {
      alts.push('');
      continue;
    }
    let bytes = '';
    for (let i = start + 6; i < body.length && body[i] !== ')'; i++) {
      if (body[i] === '\\') {
        const next = body[++i]!;
        bytes += { n: '\n', r: '\r', t: '\t', b: '\b', f: '\f' }[next] ?? next;
      } else {
        bytes += body[i];
      }
    }
    const buffer = Buffer.from(bytes, 'latin1');
    alts.push(
      buffer[0] === 0xfe && buffer[1] === 0xff ? buffer.subarray(2).swap16().toString('utf16le') : bytes,
    );
  }
  return alts;
}

/** The document language in the catalog (/Lang). */
export function catalogLanguage(pdf: Buffer): string | null {
  return /\/Type \/Catalog[\s\S]*?\/Lang \(([^)]*)\)/.exec(pdf.toString('latin1'))?.[1] ?? null;
}

/** A small opaque PNG (a red shield shape on white) standing in for a comune's coat of arms. */
export function emblemPng(width = 40, height = 48): Buffer {
  const rows: number[] = [];
  for (let y = 0; y < height; y++) {
    rows.push(0); // filter: none
    for (let x = 0; x < width; x++) {
      const inside = y < height * 0.6 || Math.abs(x - width / 2) < (height - y) * 0.8;
      rows.push(...(inside ? [0xc0, 0x1f, 0x2f] : [0xff, 0xff, 0xff]));
    }
  }
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', zlib.deflateSync(Buffer.from(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
