import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Injectable } from '@nestjs/common';

/**
 * Fonts for PDFs: the TrueType Noto Sans SC and Noto Serif SC shipped by npm (@expo-google-fonts/noto-sans-sc and
 * noto-serif-sc; 黑体 and 宋体), never the host's fonts. TrueType (glyf) outlines come out of Chromium as embedded CID TrueType fonts; Debian's CFF Noto CJK
 * came out as ~100 Type 3 fonts per PDF (FINDINGS).
 *
 * Cost is what shapes this file: Chromium spends time in proportion to the size of each font file a document
 * uses, system fonts included (the whole 10.5 MB font ~200 ms per document; against a 15 KB subset, a 1.2 MB
 * one cost 40 ms more and a 2.2 MB one 85 ms more, docs/benchmarks.md). So:
 * - each face is subset on its own ('Tenderdesk Sans', and 'Tenderdesk Serif' only for a document whose HTML names
 *   it: the serif face costs nothing to documents that do not use it, and its 2 x 14.8 MB are loaded into HarfBuzz
 *   on first use only);
 * - each browser launch gets the faces as system fonts: fontconfig serves 'Tenderdesk Sans' (and 'Tenderdesk Serif'
 *   once a document or header/footer template of this process named it) from a subset written at the launch, of
 *   punctuation, Latin and the characters documents and header/footer templates have used so far in this process
 *   (up to SYSTEM_CHARS_MAX). Header/footer templates cannot use web fonts: they print with these. A document all of
 *   whose characters the browser's fonts hold gets no `@font-face` at all: its family names resolve to them
 *   (measured: 1-page statement 39 -> 27 ms, against 177 KB of font data: URIs set, parsed and matched with
 *   Chromium's memory cache in every document, docs/benchmarks.md). A document with characters the browser's fonts
 *   lack gets the family as `local()` faces (those fonts, by their fontconfig full name) plus `@font-face` data: URIs
 *   of the characters beyond them, limited by `unicode-range`: a shared subset of such characters (the same data:
 *   URI for every document while it lasts: Chromium decodes a data: URI it has seen before from its memory cache),
 *   rebuilt now and then as documents bring more, up to SHARED_CHARS_MAX, and a small subset of the document's
 *   characters the shared one lacks. The next browser launched has them all: the pool replaces the browser once
 *   RELAUNCH_AFTER_CHARS such characters (or a face) have come (PdfFonts.outgrown), or after RENDER_RECYCLE_AFTER;
 * - before the first launch that has a face (the first document of the process, the first serif document), the
 *   document gets that face as data: URIs only, the shared subset and the extra as above, with no `local()` face;
 * - the full Noto Sans SC is the fallback for any character a subset lacks, so no glyph is ever missing.
 */
export const FONT_FAMILY = 'Tenderdesk Sans';
export const SERIF_FAMILY = 'Tenderdesk Serif';

type Weight = 400 | 700;
const WEIGHTS: readonly Weight[] = [400, 700];
export type Face = 'sans' | 'serif';

const require = createRequire(import.meta.url);
const FACES: Record<Face, { family: string; file: string; files: Record<Weight, string> }> = {
  sans: {
    family: FONT_FAMILY,
    file: 'TenderdeskSans',
    files: {
      400: require.resolve('@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf'),
      700: require.resolve('@expo-google-fonts/noto-sans-sc/700Bold/NotoSansSC_700Bold.ttf'),
    },
  },
  serif: {
    family: SERIF_FAMILY,
    file: 'TenderdeskSerif',
    files: {
      400: require.resolve('@expo-google-fonts/noto-serif-sc/400Regular/NotoSerifSC_400Regular.ttf'),
      700: require.resolve('@expo-google-fonts/noto-serif-sc/700Bold/NotoSerifSC_700Bold.ttf'),
    },
  },
};
/** A CSS font-family naming the serif face (quoted or not, any case: CSS family names are case-insensitive). */
const NAMES_SERIF = /tenderdesk\s+serif/i;
// HarfBuzz's subsetter build (harfbuzzjs, pinned in package.json: the wasm exports subsetFonts() calls).
const HARFBUZZ_WASM = require.resolve('harfbuzzjs/dist/harfbuzz-subset.wasm');

/** Printable ASCII: always in a subset (numbers, codes and Latin in templates cost almost nothing). */
const ASCII = range(0x20, 0x7e);
/** Header/footer seed: Latin-1 and general punctuation, CJK punctuation, full-width forms, 第/页/共. */
const HEADER_SEED = [
  ...ASCII,
  ...range(0xa0, 0xff),
  ...range(0x2010, 0x203a),
  ...range(0x3000, 0x303f),
  ...range(0xff01, 0xff5e),
  0xffe5,
  ...[...'第页共'].map((c) => c.codePointAt(0)!),
];
/**
 * Beyond this many characters (the ~400 of the seed included) the browser's fonts stop growing; documents carry the
 * rest as data: URIs. Every document prints with these fonts, and Chromium's cost grows with the size of a font a
 * document uses: the 1-page statement printed 1.29x slower with 2,000 characters in the system font than with 603
 * (81.8 vs 63.6 ms, same rounds, load 17; docs/benchmarks.md). They stay small.
 */
const SYSTEM_CHARS_MAX = 1200;
/**
 * A browser whose fonts lack this many characters documents have brought since its launch (or a face) is replaced
 * (BrowserPool): a launch (~0.3 s) against ~10 ms a document that carries data: URIs. Characters only grow, up to
 * SYSTEM_CHARS_MAX, so a process relaunches for its fonts a few times at most.
 */
const RELAUNCH_AFTER_CHARS = 100;
/** Per-document extra subsets kept (a few KB of CSS each): repeated documents skip subsetting. */
const SUBSET_CACHE_SIZE = 64;
/** The shared subset grows up to this many characters (~250 KB a weight); beyond, documents carry extras. */
const SHARED_CHARS_MAX = 1200;
/** New characters seen before the shared subset is rebuilt with them (each rebuild is a new font to decode). */
const SHARED_REBUILD_AFTER = 48;

const NAMED_ENTITIES: Record<string, number> = {
  nbsp: 0xa0,
  yen: 0xa5,
  middot: 0xb7,
  times: 0xd7,
  divide: 0xf7,
  deg: 0xb0,
  plusmn: 0xb1,
  copy: 0xa9,
  reg: 0xae,
  sect: 0xa7,
  para: 0xb6,
  ndash: 0x2013,
  mdash: 0x2014,
  lsquo: 0x2018,
  rsquo: 0x2019,
  ldquo: 0x201c,
  rdquo: 0x201d,
  hellip: 0x2026,
  bull: 0x2022,
  permil: 0x2030,
  euro: 0x20ac,
  trade: 0x2122,
  larr: 0x2190,
  rarr: 0x2192,
  le: 0x2264,
  ge: 0x2265,
  ne: 0x2260,
  radic: 0x221a,
  check: 0x2713,
};

/**
 * The characters an HTML document can show: every non-ASCII character of the source (CSS `content:` included)
 * and the character references. Over-counting (tag or attribute text) only adds a few glyphs; a character this
 * misses still prints, through the fallback font.
 */
export function documentCodepoints(html: string): Set<number> {
  const cps = new Set<number>(ASCII);
  for (const ch of html) {
    const cp = ch.codePointAt(0)!;
    if (cp > 0x7e) cps.add(cp);
  }
  for (const m of html.matchAll(/&(?:#x([0-9a-f]+)|#(\d+)|([a-z]+));/gi)) {
    const cp = m[1] ? parseInt(m[1], 16) : m[2] ? Number(m[2]) : NAMED_ENTITIES[m[3].toLowerCase()];
    if (cp !== undefined && cp > 0x7e && cp <= 0x10ffff) cps.add(cp);
  }
  return cps;
}

/** Whether a document (its CSS or inline styles) names the serif face: only then is the serif face subset for it. */
export function usesSerif(html: string): boolean {
  return NAMES_SERIF.test(html);
}

/**
 * The fonts one browser launch has as system fonts (fontconfig): per face, the characters of its subset. Immutable;
 * a new launch gets a new one with at least the characters and faces of the one before.
 */
export class SystemFonts {
  constructor(
    /** The fontconfig configuration (FONTCONFIG_FILE) of the launch. */
    readonly file: string,
    readonly chars: Readonly<Partial<Record<Face, ReadonlySet<number>>>>,
  ) {}
}

@Injectable()
export class PdfFonts {
  private harfbuzz?: Promise<Subsetter>;
  /** Subsets per browser fonts (those of a launch; `none`: before the launch that has the face). */
  private readonly subsets = new WeakMap<SystemFonts, Record<Face, FaceSubsets>>();
  private readonly none: Record<Face, FaceSubsets> = { sans: new FaceSubsets('sans'), serif: new FaceSubsets('serif') };
  /** Characters for the next browser's fonts: the seed, and those of documents and header/footer templates. */
  private readonly systemChars = new Set<number>(HEADER_SEED);
  /** Faces the next browser's fontconfig serves: a document or header/footer template named them. */
  private readonly systemFaces = new Set<Face>(['sans']);
  private latest?: SystemFonts;

  /**
   * `@font-face` rules for a document printed by a browser with these system fonts (undefined: not known), for
   * 'Tenderdesk Sans' and, when the document names it, 'Tenderdesk Serif': per face, nothing when the browser's font
   * holds every character of the document; otherwise `local()` faces for the browser's font (when it has the face)
   * and data: URI subsets of the characters beyond it, limited by unicode-range. Every character of the document is
   * then in the fonts the family names. Notes the document's characters for the fonts of the next browser.
   */
  async fontFaceCss(html: string, system?: SystemFonts): Promise<string> {
    const subsetter = await this.subsetter();
    const doc = documentCodepoints(html);
    const faces: Face[] = usesSerif(html) ? ['sans', 'serif'] : ['sans'];
    this.note(doc, faces);
    let subsets = this.none;
    if (system) {
      subsets = this.subsets.get(system) ?? {
        sans: new FaceSubsets('sans', system.chars.sans),
        serif: new FaceSubsets('serif', system.chars.serif),
      };
      this.subsets.set(system, subsets);
    }
    return faces
      .map((face) => subsets[face].css(subsetter, doc))
      .filter((css) => css !== '')
      .join('\n');
  }

  /** The system fonts of the browser launched last (undefined before the first launch). */
  latestSystemFonts(): SystemFonts | undefined {
    return this.latest;
  }

  /**
   * Whether documents since these fonts' launch brought enough characters (RELAUNCH_AFTER_CHARS) or a face they lack
   * for the browser to be worth replacing by one whose fonts have them.
   */
  outgrown(system: SystemFonts): boolean {
    const faces = Object.keys(system.chars).length;
    const chars = system.chars.sans?.size ?? 0;
    return this.systemFaces.size > faces || this.systemChars.size - chars >= RELAUNCH_AFTER_CHARS;
  }

  /** Remembers the characters (and faces) of header/footer templates for the fonts of the next browser. */
  noteHeaderText(text: string): void {
    this.note(documentCodepoints(text), usesSerif(text) ? ['serif'] : []);
  }

  private note(cps: Iterable<number>, faces: Face[]): void {
    for (const face of faces) this.systemFaces.add(face);
    for (const cp of cps) {
      if (this.systemChars.size >= SYSTEM_CHARS_MAX) return;
      this.systemChars.add(cp);
    }
  }

  /**
   * Writes a fontconfig configuration into `dir` for one browser launch (FONTCONFIG_FILE): the subsets of the
   * characters noted so far registered as 'Tenderdesk Sans' (and 'Tenderdesk Serif' once a document or header named
   * it), each weight with the full name local() finds it by, the full Noto Sans SC as fallback, and no host font at
   * all, so that the output never depends on what the machine has installed. Returns what the launch has.
   */
  async writeFontconfig(dir: string): Promise<SystemFonts> {
    const subsetter = await this.subsetter();
    const cps = [...this.systemChars].sort((a, b) => a - b);
    const fontDir = join(dir, 'fonts');
    await mkdir(fontDir, { recursive: true });
    await mkdir(join(dir, 'fontconfig-cache'), { recursive: true });
    const faces = [...this.systemFaces];
    for (const face of faces) {
      for (const weight of WEIGHTS) {
        await writeFile(join(fontDir, `${FACES[face].file}-${weight}.ttf`), subsetter.subset(face, weight, cps));
      }
    }
    const x = escapeXml;
    const sans = FACES.sans.files;
    const rename = faces
      .flatMap((face) =>
        WEIGHTS.map(
          (weight) => `  <match target="scan">
    <test name="file"><string>${x(fontDir)}/${FACES[face].file}-${weight}.ttf</string></test>
    <edit name="family" mode="assign" binding="same"><string>${x(FACES[face].family)}</string></edit>
    <edit name="fullname" mode="assign" binding="same"><string>${x(localName(face, weight))}</string></edit>
    <edit name="postscriptname" mode="assign" binding="same"><string>${x(localName(face, weight))}</string></edit>
  </match>`,
        ),
      )
      .join('\n');
    const conf = `<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
<fontconfig>
  <dir>${x(fontDir)}</dir>
  <dir>${x(dirname(sans[400]))}</dir>
  <dir>${x(dirname(sans[700]))}</dir>
  <cachedir>${x(join(dir, 'fontconfig-cache'))}</cachedir>
  <!-- The header subsets are named Noto Sans SC / Noto Serif SC inside; rename them so that the family is unambiguous. -->
${rename}
  <!-- Any family asked for (sans-serif, Arial, ...) falls back on the small subset, never on the 10.5 MB font. -->
  <match target="pattern">
    <edit name="family" mode="append_last" binding="strong"><string>${FONT_FAMILY}</string></edit>
  </match>
</fontconfig>
`;
    const file = join(dir, 'fonts.conf');
    await writeFile(file, conf);
    const chars = new Set(cps);
    const system = new SystemFonts(file, Object.fromEntries(faces.map((face) => [face, chars])));
    this.latest = system;
    return system;
  }

  /** Loads HarfBuzz and the sans face once (~0.2 s); later calls share it. */
  warmUp(): Promise<void> {
    return this.subsetter().then(() => undefined);
  }

  private subsetter(): Promise<Subsetter> {
    this.harfbuzz ??= Subsetter.load().catch((err: unknown) => {
      this.harfbuzz = undefined; // let a later call try again
      throw err;
    });
    return this.harfbuzz;
  }
}

/**
 * One face's subsets across documents printed by browsers with the same system font (`base`, its characters; none
 * before the first launch with the face): a shared subset that grows with the characters documents bring beyond
 * the base (up to SHARED_CHARS_MAX), and per-document extras beyond both, cached by character set.
 */
class FaceSubsets {
  private readonly cssCache = new Map<string, string>();
  private shared?: { cps: ReadonlySet<number>; css: string };
  /** Characters documents had beyond the shared subset, for its next rebuild. */
  private readonly pending = new Set<number>();

  constructor(
    private readonly face: Face,
    private readonly base?: ReadonlySet<number>,
  ) {}

  css(subsetter: Subsetter, all: ReadonlySet<number>): string {
    const { base } = this;
    if (!base) return this.beyond(subsetter, all);
    const doc = new Set([...all].filter((cp) => !base.has(cp)));
    if (doc.size === 0) return ''; // the browser's font has them all: the family resolves to it
    // Listed first: for a character in the unicode-range of a data: URI face below, that face is tried first.
    const local = WEIGHTS.map(
      (weight) =>
        `@font-face{font-family:'${FACES[this.face].family}';font-style:normal;font-weight:${weight};src:local('${localName(this.face, weight)}');}`,
    ).join('\n');
    return `${local}\n${this.beyond(subsetter, doc)}`;
  }

  /** The shared subset and the extra for these characters (a document's, less the base). */
  private beyond(subsetter: Subsetter, doc: ReadonlySet<number>): string {
    this.shared ??= { cps: doc, css: this.faces(subsetter, doc) };
    let extra = [...doc].filter((cp) => !this.shared!.cps.has(cp));
    if (extra.length > 0 && this.shared.cps.size < SHARED_CHARS_MAX) {
      for (const cp of extra) this.pending.add(cp);
      if (this.pending.size >= SHARED_REBUILD_AFTER || extra.length >= SHARED_REBUILD_AFTER) {
        const cps = new Set([
          ...this.shared.cps,
          ...[...this.pending].slice(0, SHARED_CHARS_MAX - this.shared.cps.size),
        ]);
        this.shared = { cps, css: this.faces(subsetter, cps) };
        this.pending.clear();
        extra = extra.filter((cp) => !cps.has(cp));
      }
    }
    if (extra.length === 0) return this.shared.css;
    return `${this.shared.css}\n${this.extraCss(
      subsetter,
      extra.sort((a, b) => a - b),
    )}`;
  }

  /** The subset of characters missing from the shared subset, limited to them by unicode-range; cached by set. */
  private extraCss(subsetter: Subsetter, cps: number[]): string {
    const key = createHash('sha256').update(Uint32Array.from(cps)).digest('hex');
    const cached = this.cssCache.get(key);
    if (cached !== undefined) {
      this.cssCache.delete(key); // re-insert: the Map's order is the LRU order
      this.cssCache.set(key, cached);
      return cached;
    }
    const css = faces(subsetter, this.face, cps, unicodeRange(cps));
    this.cssCache.set(key, css);
    if (this.cssCache.size > SUBSET_CACHE_SIZE) this.cssCache.delete(this.cssCache.keys().next().value!);
    return css;
  }

  /** The shared subset's faces: limited to its characters by unicode-range over a local() face. */
  private faces(subsetter: Subsetter, cps: ReadonlySet<number>): string {
    return faces(subsetter, this.face, cps, this.base ? unicodeRange(cps) : undefined);
  }
}

/** A CSS unicode-range for these code points: runs of consecutive code points as ranges. */
export function unicodeRange(cps: Iterable<number>): string {
  const sorted = [...new Set(cps)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    const from = sorted[i].toString(16);
    parts.push(j > i ? `U+${from}-${sorted[j].toString(16)}` : `U+${from}`);
    i = j + 1;
  }
  return parts.join(',');
}

// The project's lib (ES2023, no DOM) has no WebAssembly typings: declare the little used here.
declare const WebAssembly: { instantiate(bytes: Uint8Array): Promise<{ instance: { exports: unknown } }> };

interface HarfbuzzExports {
  memory: { buffer: ArrayBuffer };
  _initialize(): void;
  malloc(size: number): number;
  hb_blob_create(data: number, length: number, mode: number, userData: number, destroy: number): number;
  hb_blob_destroy(blob: number): void;
  hb_blob_get_length(blob: number): number;
  hb_blob_get_data(blob: number, length: number): number;
  hb_face_create(blob: number, index: number): number;
  hb_face_destroy(face: number): void;
  hb_face_reference_blob(face: number): number;
  hb_set_add(set: number, codepoint: number): void;
  hb_subset_input_create_or_fail(): number;
  hb_subset_input_destroy(input: number): void;
  hb_subset_input_unicode_set(input: number): number;
  hb_subset_or_fail(face: number, input: number): number;
}

const HB_MEMORY_MODE_WRITABLE = 2;

/**
 * Subsets with the HarfBuzz WebAssembly build that subset-font uses, but keeps each font's face loaded.
 * subset-font copies and parses the 10.5 MB font on every call: 40-60 ms per weight per document measured;
 * with the face kept, a statement's subset takes 1-3 ms. HarfBuzz's default layout features are kept (kerning
 * and the shaping features Chromium applies; 67 KB), not subset-font's "all features" (124 KB, 5x slower).
 * The sans face is loaded with HarfBuzz; the serif face on its first subset (most deployments never use it).
 */
class Subsetter {
  private readonly faces: Partial<Record<Face, Record<Weight, number>>> = {};

  private constructor(private readonly hb: HarfbuzzExports) {}

  static async load(): Promise<Subsetter> {
    const { instance } = await WebAssembly.instantiate(readFileSync(HARFBUZZ_WASM));
    const hb = instance.exports as unknown as HarfbuzzExports;
    hb._initialize();
    const subsetter = new Subsetter(hb);
    subsetter.loaded('sans');
    return subsetter;
  }

  /** The HarfBuzz faces of both weights, read and loaded on first use. */
  private loaded(face: Face): Record<Weight, number> {
    const known = this.faces[face];
    if (known) return known;
    const { hb } = this;
    const load = (weight: Weight) => {
      const font = readFileSync(FACES[face].files[weight]);
      const ptr = hb.malloc(font.length); // owned by the face for the life of the process
      new Uint8Array(hb.memory.buffer).set(font, ptr);
      const blob = hb.hb_blob_create(ptr, font.length, HB_MEMORY_MODE_WRITABLE, 0, 0);
      const f = hb.hb_face_create(blob, 0);
      hb.hb_blob_destroy(blob);
      return f;
    };
    const faces = { 400: load(400), 700: load(700) };
    this.faces[face] = faces;
    for (const weight of WEIGHTS) this.subset(face, weight, ASCII); // the first subset of a face loads its tables
    return faces;
  }

  /** A TrueType font holding the glyphs of these code points (those the font has). */
  subset(face: Face, weight: Weight, codepoints: Iterable<number>): Buffer {
    const { hb } = this;
    const hbFace = this.loaded(face)[weight];
    const input = hb.hb_subset_input_create_or_fail();
    if (input === 0) throw new Error('harfbuzz: hb_subset_input_create_or_fail failed');
    try {
      const unicodes = hb.hb_subset_input_unicode_set(input);
      for (const cp of codepoints) hb.hb_set_add(unicodes, cp);
      const subset = hb.hb_subset_or_fail(hbFace, input);
      if (subset === 0) throw new Error('harfbuzz: hb_subset_or_fail failed');
      const blob = hb.hb_face_reference_blob(subset);
      try {
        const length = hb.hb_blob_get_length(blob);
        const data = hb.hb_blob_get_data(blob, 0);
        // Copy out: the memory can grow (and move) on the next call.
        return Buffer.from(new Uint8Array(hb.memory.buffer, data, length));
      } finally {
        hb.hb_blob_destroy(blob);
        hb.hb_face_destroy(subset);
      }
    } finally {
      hb.hb_subset_input_destroy(input);
    }
  }
}

/** `@font-face` rules for both weights of a face's subset of these characters, inlined as data: URIs. */
function faces(subsetter: Subsetter, face: Face, cps: Iterable<number>, limit?: string): string {
  const sorted = [...cps].sort((a, b) => a - b);
  return WEIGHTS.map(
    (weight) =>
      `@font-face{font-family:'${FACES[face].family}';font-style:normal;font-weight:${weight};` +
      (limit ? `unicode-range:${limit};` : '') +
      `src:url(data:font/ttf;base64,${subsetter.subset(face, weight, sorted).toString('base64')}) format('truetype');}`,
  ).join('\n');
}

export function localName(face: Face, weight: Weight): string {
  return `${FACES[face].file}-${weight}`;
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
