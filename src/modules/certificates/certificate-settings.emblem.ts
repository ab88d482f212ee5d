// The comune's coat of arms for the top of its certificates: a PNG or JPEG told by its magic bytes, at
// most 512 KiB, of sane dimensions. A PNG is decoded in full here (chunk checksums, the image data
// inflated to its exact size, valid row filters) because pdfkit's PNG reader inflates some PNGs in a
// callback that throws, which would bring the process down while issuing, long after the upload.
import zlib from 'node:zlib';
import type { Issue, SettingsProblem } from './certificate-settings.rules.ts';

export const MAX_EMBLEM_BYTES = 512 * 1024;
const MIN_SIDE = 16;
const MAX_SIDE = 2048;

export type EmblemType = 'image/png' | 'image/jpeg';
export interface EmblemFacts {
  type: EmblemType;
  width: number;
  height: number;
}

const PNG_SIGNATURE = Buffer.from('89504e470d0a1a0a', 'hex');
/** Channels per colour type, and the bit depths each allows (PNG §11.2.2). */
const PNG_COLOUR: Record<number, { channels: number; depths: number[] }> = {
  0: { channels: 1, depths: [1, 2, 4, 8, 16] },
  2: { channels: 3, depths: [8, 16] },
  3: { channels: 1, depths: [1, 2, 4, 8] },
  4: { channels: 2, depths: [8, 16] },
  6: { channels: 4, depths: [8, 16] },
};
/** Adam7 passes: first column and row, column and row steps. */
const ADAM7 = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
] as const;

/** The rows of filtered image data (row length without the filter byte) a PNG of this header holds. */
function pngRows(width: number, height: number, bitsPerPixel: number, interlaced: boolean): number[] {
  const rowBytes = (w: number) => Math.ceil((w * bitsPerPixel) / 8);
  if (!interlaced) return Array.from({ length: height }, () => rowBytes(width));
  return ADAM7.flatMap(([x0, y0, dx, dy]) => {
    const w = Math.ceil((width - x0) / dx);
    const h = Math.ceil((height - y0) / dy);
    return w > 0 && h > 0 ? Array.from({ length: h }, () => rowBytes(w)) : [];
  });
}

function pngFacts(b: Buffer): { width: number; height: number } | null {
  let at = 8;
  let header: { width: number; height: number; bits: number; interlaced: boolean } | null = null;
  const data: Buffer[] = [];
  let ended = false;
  while (!ended && at + 12 <= b.length) {
    const length = b.readUInt32BE(at);
    const type = b.subarray(at + 4, at + 8).toString('latin1');
    if (at + 12 + length > b.length) return null;
    const body = b.subarray(at + 8, at + 8 + length);
    if (zlib.crc32(b.subarray(at + 4, at + 8 + length)) !== b.readUInt32BE(at + 8 + length)) return null;
    if (type === 'IHDR') {
      const colour = PNG_COLOUR[body[9]!];
      const bits = body[8]!;
      if (length !== 13 || !colour?.depths.includes(bits) || body[10] !== 0 || body[11] !== 0) return null;
      if (body[12]! > 1) return null;
      header = {
        width: body.readUInt32BE(0),
        height: body.readUInt32BE(4),
        bits: bits * colour.channels,
        interlaced: body[12] === 1,
      };
    } else if (type === 'IDAT') data.push(body);
    else if (type === 'IEND') ended = true;
    at += 12 + length;
  }
  if (!header || !ended || data.length === 0) return null;
  const { width, height } = header;
  if (Math.min(width, height) < 1 || Math.max(width, height) > MAX_SIDE) return { width, height };
  const rows = pngRows(width, height, header.bits, header.interlaced);
  const expected = rows.reduce((sum, n) => sum + n + 1, 0);
  let pixels: Buffer;
  try {
    pixels = zlib.inflateSync(Buffer.concat(data), { maxOutputLength: expected + 1 });
  } catch {
    return null;
  }
  if (pixels.length !== expected) return null;
  let row = 0;
  for (const n of rows) {
    if (pixels[row]! > 4) return null;
    row += n + 1;
  }
  return { width, height };
}

/** Width and height from a JPEG's first start-of-frame segment. */
function jpegFacts(b: Buffer): { width: number; height: number } | null {
  let i = 2;
  while (i + 9 < b.length) {
    if (b[i] !== 0xff) return null;
    const marker = b[i + 1]!;
    if (marker === 0xff) {
      i++;
      continue;
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8)) {
      i += 2;
      continue;
    }
    if (marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker))
      return { height: b.readUInt16BE(i + 5), width: b.readUInt16BE(i + 7) };
    i += 2 + b.readUInt16BE(i + 2);
  }
  return null;
}

/** What the uploaded image is, or what is wrong with it. */
export function inspectEmblem(bytes: Buffer | null): EmblemFacts | { issues: Issue[] } {
  const fail = (problem: SettingsProblem) => ({ issues: [{ field: 'emblem', problem }] });
  if (!bytes || bytes.length === 0) return fail('noFile');
  if (bytes.length > MAX_EMBLEM_BYTES) return fail('tooLarge');
  const png = bytes.subarray(0, 8).equals(PNG_SIGNATURE);
  const jpeg = bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
  const size = png ? pngFacts(bytes) : jpeg ? jpegFacts(bytes) : null;
  if (!size) return fail('imageFormat');
  const { width, height } = size;
  const sane = (n: number) => n >= MIN_SIDE && n <= MAX_SIDE;
  if (!sane(width) || !sane(height) || Math.max(width, height) > 4 * Math.min(width, height))
    return fail('imageSize');
  return { type: png ? 'image/png' : 'image/jpeg', width, height };
}
