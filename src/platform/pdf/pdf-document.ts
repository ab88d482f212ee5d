// A tagged, accessible A4 PDF (PDF/UA-1 identification, document language, title shown by viewers,
// structure tree with headings, paragraphs and figures with alternative text, decoration marked as
// artifacts, embedded Titillium Web) on top of pdfkit, and the QR / DataMatrix symbols drawn as vector
// modules so they stay sharp at any print or scan resolution. See docs/adr/0008-pdf.md.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import bwipjs from 'bwip-js';
import * as fontkit from 'fontkit';
import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';
import { metadataText, PDFUA_IDENTIFICATION } from './pdf-metadata.ts';

export type PdfLang = 'it' | 'en';
export type FontName = 'regular' | 'semibold' | 'bold';
export interface TextStyle {
  font?: FontName;
  size?: number;
  color?: string;
  align?: 'left' | 'right' | 'center';
}

export const A4 = { width: 595.28, height: 841.89 };
export const MARGIN = 40;
export const COLORS = { text: '#17324d', label: '#5c6f82', accent: '#0059b3', rule: '#a9b6c3' };
const FIELD_LABEL: TextStyle = { font: 'semibold', size: 7.5, color: COLORS.label };
const FIELD_VALUE: TextStyle = { font: 'bold', size: 10 };
const MM = 72 / 25.4;
export const mm = (value: number) => value * MM;

/**
 * fontkit decodes a glyph's outline every time a document's subset takes the glyph (only to see whether
 * it is a composite of other glyphs): with the font parsed once per process, so is each glyph's outline.
 * Glyphs are fontkit's own cached objects; a static TrueType font (no variations) never changes them.
 */
function decodeGlyphsOnce(font: fontkit.Font): void {
  type Glyph = { _decode?: () => unknown };
  const target = font as unknown as { getGlyph(id: number, codePoints?: number[]): Glyph | null };
  const getGlyph = target.getGlyph.bind(target);
  const done = new WeakSet<Glyph>();
  target.getGlyph = (id, codePoints) => {
    const glyph = getGlyph(id, codePoints);
    if (glyph && typeof glyph._decode === 'function' && !done.has(glyph)) {
      done.add(glyph);
      const decoded = glyph._decode();
      glyph._decode = () => decoded;
    }
    return glyph;
  };
}

// Parsed once per process (parsing is most of the cost of a small document); each document embeds
// its own subset.
let parsedFonts: Record<FontName, fontkit.Font> | undefined;
function fonts(): Record<FontName, fontkit.Font> {
  if (!parsedFonts) {
    const pkg = createRequire(import.meta.url).resolve('bootstrap-italia/package.json');
    const dir = path.join(path.dirname(pkg), 'dist/fonts/Titillium_Web');
    const load = (weight: string) => {
      const font = fontkit.create(
        readFileSync(path.join(dir, `titillium-web-v10-latin-ext_latin-${weight}.ttf`)),
      );
      if (!('layout' in font)) throw new Error(`Titillium Web ${weight} is a font collection`);
      if (!font.variationAxes || Object.keys(font.variationAxes).length === 0) decodeGlyphsOnce(font);
      return font;
    };
    parsedFonts = { regular: load('regular'), semibold: load('600'), bold: load('700') };
  }
  return parsedFonts;
}

/**
 * Text layout (fontkit's shaping of each word) shared by all documents of the process. pdfkit lays out
 * every word with the current font and keeps the result per document (the `layoutCache` of its embedded
 * font, scaled to 1000 units per em): the same words — most of every document — were shaped again for
 * each one. Here each font's cache outlives the document, bounded: when full it starts again (names and
 * numbers come and go, the common words are back after one document).
 */
const LAYOUTS_PER_FONT = 5000;
const sharedLayouts = new Map<FontName, Map<string, unknown>>();

function sharedLayoutCache(name: FontName): object {
  let runs = sharedLayouts.get(name);
  if (!runs) {
    runs = new Map();
    sharedLayouts.set(name, runs);
  }
  const cache = runs;
  return new Proxy(Object.create(null), {
    get: (_target, text) => (typeof text === 'string' ? cache.get(text) : undefined),
    set: (_target, text, run) => {
      if (typeof text !== 'string') return false;
      if (cache.size >= LAYOUTS_PER_FONT) cache.clear();
      cache.set(text, run);
      return true;
    },
  });
}

type Struct = PDFKit.PDFStructureElement;
interface StructOptions {
  alt?: string;
  lang?: string;
  bbox?: [number, number, number, number];
  placement?: 'Block' | 'Inline';
}

export class TaggedPdf {
  readonly doc: PDFKit.PDFDocument;
  #parent: Struct;
  readonly #root: Struct;

  /**
   * `archival`: PDF/A-2a (ISO 19005-2, level A: tagged) besides PDF/UA-1, for documents kept for years
   * (certificates): pdfkit adds the PDF/A identification and the sRGB output intent, and the PDF/UA
   * identification is added here (pdfkit writes one of the two).
   */
  constructor(o: { lang: PdfLang; title: string; subject?: string; author?: string; archival?: boolean }) {
    this.doc = new PDFDocument({
      size: 'A4',
      margin: 20,
      pdfVersion: '1.7',
      subset: o.archival ? 'PDF/A-2a' : 'PDF/UA',
      tagged: true,
      lang: o.lang === 'it' ? 'it-IT' : 'en-GB',
      displayTitle: true,
      info: {
        Title: metadataText(o.title),
        ...(o.subject ? { Subject: metadataText(o.subject) } : {}),
        ...(o.author ? { Author: metadataText(o.author) } : {}),
        Creator: 'Convergenza',
      },
      // No default font: pdfkit would otherwise parse Helvetica's metrics (AFM) for every document, to
      // use none of it (every text is in Titillium Web).
      font: null,
      // The typings (0.17) lack the 'PDF/UA' subset, which adds the pdfuaid identification to the XMP,
      // and a null font.
    } as unknown as PDFKit.PDFDocumentOptions);
    if (o.archival) this.doc.appendXML(PDFUA_IDENTIFICATION);
    const parsed = fonts();
    for (const name of ['regular', 'semibold', 'bold'] as const) {
      // pdfkit ≥ 0.20 takes a parsed fontkit font; its typings predate that.
      this.doc.registerFont(name, parsed[name] as unknown as Buffer);
      // Selecting the font creates its embedded font (written out only if some text uses it).
      const embedded = (this.doc.font(name) as unknown as { _font: { layoutCache?: object } })._font;
      if (embedded.layoutCache) embedded.layoutCache = sharedLayoutCache(name);
    }
    this.doc.font('regular');
    this.#root = this.doc.struct('Document');
    this.doc.addStructure(this.#root);
    this.#parent = this.#root;
  }

  /** Groups what `build` adds under one structure element (Sect, Div, L…). */
  group(tag: string, build: () => void): void {
    const element = this.doc.struct(tag);
    this.#parent.add(element);
    const previous = this.#parent;
    this.#parent = element;
    try {
      build();
    } finally {
      this.#parent = previous;
      element.end();
    }
  }

  /** Adds a structure element whose content `draw` paints; returns what `draw` returns. */
  tag<T>(tag: string, draw: () => T, options: StructOptions = {}): T {
    let result: T | undefined;
    this.#parent.add(
      this.doc.struct(tag, options as PDFKit.Mixins.StructureElementOptions, () => {
        result = draw();
      }),
    );
    return result as T;
  }

  /** Paints decoration that assistive technology must skip. */
  artifact(draw: () => void): void {
    this.doc.markContent('Artifact', { type: 'Layout' });
    draw();
    this.doc.endMarkedContent();
  }

  style(s: TextStyle = {}): this {
    this.doc
      .font(s.font ?? 'regular')
      .fontSize(s.size ?? 9)
      .fillColor(s.color ?? COLORS.text);
    return this;
  }

  heightOf(text: string, width: number, s: TextStyle = {}): number {
    this.style(s);
    return this.doc.heightOfString(text, { width, lineGap: 1 });
  }

  /** Writes text at (x, y) without tagging (call inside `tag`); returns the y below it. */
  write(text: string, x: number, y: number, width: number, s: TextStyle = {}): number {
    this.style(s);
    this.doc.text(text, x, y, { width, lineGap: 1, align: s.align ?? 'left' });
    // Where pdfkit left the cursor: the same as y + heightOfString, without wrapping the text twice.
    return this.doc.y;
  }

  heading(level: 1 | 2 | 3, text: string, x: number, y: number, width: number, s: TextStyle = {}): number {
    return this.tag(`H${level}`, () => this.write(text, x, y, width, { font: 'bold', ...s }));
  }

  paragraph(text: string, x: number, y: number, width: number, s: TextStyle = {}): number {
    return this.tag('P', () => this.write(text, x, y, width, s));
  }

  /** A small label above its value, read as one paragraph (the trailing space keeps the words apart). */
  field(label: string, value: string, x: number, y: number, width: number, s: TextStyle = {}): number {
    return this.tag('P', () => {
      const below = this.write(`${label} `, x, y, width, FIELD_LABEL);
      return this.write(value, x, below + 1, width, { ...FIELD_VALUE, ...s });
    });
  }

  /** "Label value" on one line, the value in bold. */
  inlineField(label: string, value: string, x: number, y: number, width: number): number {
    return this.tag('P', () => {
      this.style({ ...FIELD_LABEL, size: 9 });
      this.doc.text(`${label} `, x, y, { width, lineGap: 1, continued: true });
      this.style({ ...FIELD_VALUE, size: 9 });
      this.doc.text(value, { lineGap: 1 });
      return this.doc.y;
    });
  }

  fieldHeight(label: string, value: string, width: number, s: TextStyle = {}): number {
    return (
      this.heightOf(`${label} `, width, FIELD_LABEL) +
      1 +
      this.heightOf(value, width, { ...FIELD_VALUE, ...s })
    );
  }

  figure(alt: string, x: number, y: number, w: number, h: number, draw: () => void): void {
    this.tag('Figure', draw, { alt, bbox: [x, y, x + w, y + h], placement: 'Block' });
  }

  /**
   * Adds an annotation (`data`: its dictionary, e.g. a form field's widget) at (x, y, w, h) under a new
   * structure element `tag` (Form for a widget) with alternative text, as PDF/UA asks of annotations
   * (pdfkit gives the pages of a tagged document Tabs S). Returns the annotation's object.
   */
  annotation(tag: string, alt: string, box: [number, number, number, number], data: object): unknown {
    const element = this.doc.struct(tag, { alt } as PDFKit.Mixins.StructureElementOptions);
    this.#parent.add(element);
    const [x, y, w, h] = box;
    this.doc.annotate(x, y, w, h, {
      ...data,
      structParent: element,
    } as unknown as PDFKit.Mixins.AnnotationOption);
    element.end();
    return (this.doc.page as unknown as { annotations: unknown[] }).annotations.at(-1);
  }

  rule(x1: number, y: number, x2: number, dashed = false): void {
    this.artifact(() => {
      this.doc.save().lineWidth(0.6).strokeColor(COLORS.rule);
      if (dashed) this.doc.dash(4, { space: 3 });
      this.doc.moveTo(x1, y).lineTo(x2, y).stroke().undash().restore();
    });
  }

  box(x: number, y: number, w: number, h: number): void {
    this.artifact(() => {
      this.doc.save().lineWidth(0.8).strokeColor(COLORS.rule).roundedRect(x, y, w, h, 4).stroke().restore();
    });
  }

  async finish(): Promise<Buffer> {
    const chunks: Buffer[] = [];
    const done = new Promise<Buffer>((resolve, reject) => {
      this.doc.on('data', (chunk: Buffer) => chunks.push(chunk));
      this.doc.on('end', () => resolve(Buffer.concat(chunks)));
      this.doc.on('error', reject);
    });
    this.#root.end();
    this.doc.end();
    return done;
  }
}

/** A symbol's dark modules, row by row. */
export interface ModuleMatrix {
  columns: number;
  rows: number;
  dark(column: number, row: number): boolean;
}

/** The pagoPA QR symbol: version 4 (33×33), error correction M, as the avvisi guide prescribes. */
export function qrMatrix(text: string): ModuleMatrix {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: 'M', version: 4 });
  return { columns: modules.size, rows: modules.size, dark: (c, r) => modules.get(r, c) === 1 };
}

/** An ECC 200 DataMatrix symbol, size chosen by the encoder (48×48 for the 256-character Poste string). */
export function dataMatrixMatrix(text: string): ModuleMatrix {
  const [symbol] = bwipjs.raw({ bcid: 'datamatrix', text });
  if (!symbol || !('pixs' in symbol)) throw new Error('DataMatrix encoder returned no 2D symbol');
  return { columns: symbol.pixx, rows: symbol.pixy, dark: (c, r) => symbol.pixs[r * symbol.pixx + c] === 1 };
}

/**
 * Paints the dark modules as filled rectangles (one per horizontal run) in a square of side `size`: one
 * path in module units under a scaling matrix, so each rectangle is a few digits (a QR code of a few
 * hundred runs stays a small part of the page's content).
 */
export function drawMatrix(
  doc: PDFKit.PDFDocument,
  m: ModuleMatrix,
  x: number,
  y: number,
  size: number,
): void {
  const module = size / Math.max(m.columns, m.rows);
  const runs: string[] = [];
  for (let row = 0; row < m.rows; row++) {
    let column = 0;
    while (column < m.columns) {
      if (!m.dark(column, row)) {
        column++;
        continue;
      }
      const start = column;
      while (column < m.columns && m.dark(column, row)) column++;
      runs.push(`${start} ${row} ${column - start} 1 re`);
    }
  }
  const n = (value: number) => Math.round(value * 10_000) / 10_000;
  doc.save().fillColor('#000000');
  doc.addContent(`${n(module)} 0 0 ${n(module)} ${n(x)} ${n(y)} cm\n${runs.join('\n')}\nf`);
  doc.restore();
}

const groupings: Record<PdfLang, Intl.NumberFormat> = {
  it: new Intl.NumberFormat('it-IT', { useGrouping: true }),
  en: new Intl.NumberFormat('en-GB', { useGrouping: true }),
};

/** "€ 1.234,50" in Italian, "€ 1,234.50" in English; integer arithmetic on cents. */
export function formatEuroCents(lang: PdfLang, cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  const euros = groupings[lang].format(Math.trunc(abs / 100));
  const rest = String(abs % 100).padStart(2, '0');
  return `${sign}€ ${euros}${lang === 'it' ? ',' : '.'}${rest}`;
}

/** A calendar date (YYYY-MM-DD) as DD/MM/YYYY, the form both languages use on Italian documents. */
export function formatDate(date: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!match) throw new Error(`not a date (YYYY-MM-DD): "${date}"`);
  return `${match[3]}/${match[2]}/${match[1]}`;
}

const dateTimeOptions: Intl.DateTimeFormatOptions = {
  timeZone: 'Europe/Rome',
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
};
const dateTimes: Record<PdfLang, Intl.DateTimeFormat> = {
  it: new Intl.DateTimeFormat('it-IT', dateTimeOptions),
  en: new Intl.DateTimeFormat('en-GB', dateTimeOptions),
};

/** An instant in Italian time, "31/12/2026, 14:05". */
export function formatDateTime(lang: PdfLang, iso: string): string {
  const instant = new Date(iso);
  if (Number.isNaN(instant.getTime())) throw new Error(`not an ISO 8601 date-time: "${iso}"`);
  return dateTimes[lang].format(instant);
}
