import { parseDocument } from 'htmlparser2';
import { StyleSheet, type Declared, type ElementRef, type Face } from './css-rules.js';

/**
 * The restricted HTML our templates produce, read into a small block model. One reading serves both
 * `visibleText()` and the DOCX writer, so the text a test takes from the HTML and the text the DOCX carries
 * cannot drift apart. The subset (anything else is read as an inline container, its text kept):
 * - blocks: h1–h4, p, div (and section/header/footer/article/blockquote/address as plain containers), ul/ol/li,
 *   table (caption, colgroup/col with width="N%", thead/tbody/tfoot, tr, th/td with colspan/rowspan),
 *   `<div class="page-break">`, `<div class="signature-block">` (kept together);
 * - inline: strong/b, em/i, u, span (and any unknown tag), br, img with a data: URI (PNG or JPEG; anything else,
 *   and the `<img class="seal" data-seal>` placeholder without a source, is dropped: nothing is ever fetched);
 * - alignment classes text-left, text-center, text-right on blocks and cells;
 * - from the CSS (`<style>` and `style` attributes, read by css-rules.ts): font-size, font-weight, font-family
 *   (sans or serif), line-height and white-space: nowrap of every element, and percentage widths of col, th and
 *   td as column widths;
 * - `<div class="letterhead-name">` is the letterhead's name (a paragraph style of its own in the DOCX) and the
 *   last line of `<div class="letterhead">` carries the letterhead's rule;
 * - head, style, script, title, template, noscript and comments are not content.
 * Whitespace follows CSS `white-space: normal`: runs of spaces, tabs and newlines are one space, dropped at the
 * start and end of a line; `&nbsp;` (U+00A0) is kept as it is. Entities are decoded by the parser.
 * DOCX_ELEMENTS lists the elements by what they become; the reader below takes its sets from it.
 */

/**
 * Every element the reader handles by name, grouped by what it becomes. The template guardrails
 * (templates/template-guardrails.ts) allow a document template exactly the content elements here, so this list is
 * the one place the DOCX subset is written down; html-blocks.spec.ts fails when the reader names an element that
 * is not listed, or a listed element is not read as its group says.
 */
export const DOCX_ELEMENTS = {
  /** Not content: left out with everything inside. */
  skipped: ['head', 'style', 'script', 'title', 'template', 'noscript', 'meta', 'link'],
  /** Heading 1–4 paragraphs. */
  headings: ['h1', 'h2', 'h3', 'h4'],
  /** Browsers draw h5/h6 as bold blocks; DOCX gets them as bold paragraphs. */
  boldBlocks: ['h5', 'h6'],
  /** Paragraphs (a block inside a block starts a new paragraph). */
  blocks: ['p', 'div', 'section', 'header', 'footer', 'article', 'blockquote', 'address', 'li'],
  lists: ['ul', 'ol'],
  /** A table and its parts (caption drawn above it, colgroup/col for the column widths). */
  table: ['table', 'caption', 'colgroup', 'col', 'thead', 'tbody', 'tfoot', 'tr', 'th', 'td'],
  bold: ['strong', 'b'],
  italic: ['em', 'i'],
  underline: ['u'],
  lineBreak: ['br'],
  image: ['img'],
  /** Inline containers: their text joins the run around them, without a look of their own. */
  text: ['span', 'a', 'small'],
} as const satisfies Record<string, readonly string[]>;

export type Align = 'left' | 'center' | 'right';

export interface TextRunModel {
  kind: 'text';
  text: string;
  bold: boolean;
  italic: boolean;
  underline: boolean;
  /** Points. */
  size: number;
  face: Face;
  /** `RRGGBB` where the CSS colours the text other than the body's colour. */
  color?: string;
}
export interface BreakRunModel {
  kind: 'break';
}
export interface ImageRunModel {
  kind: 'image';
  type: 'png' | 'jpg';
  data: Buffer;
  /** CSS pixels (96 per inch), from the width/height attributes or the image's own size. */
  width: number;
  height: number;
}
export type RunModel = TextRunModel | BreakRunModel | ImageRunModel;

export interface ListContext {
  ordered: boolean;
  level: number;
  /** Each `<ol>` counts from 1 on its own. */
  instance: number;
}

export interface ParagraphModel {
  kind: 'paragraph';
  runs: RunModel[];
  /** Points: the font size of the block (its runs may differ). */
  size: number;
  /** Line height as a factor of `size`. */
  lineHeight: number;
  /** In a table cell (no space after it, as `td p { margin: 0 }`). */
  inCell?: boolean;
  /** `letterhead-name`: the letterhead's name; `letterhead-rule`: the last line of the letterhead, ruled below. */
  role?: 'letterhead-name' | 'letterhead-rule';
  heading?: 1 | 2 | 3 | 4;
  align?: Align;
  list?: ListContext;
  /** Set inside a signature block: keep with the next paragraph so the block does not split across pages. */
  keepNext?: boolean;
}

export interface CellModel {
  blocks: BlockModel[];
  colSpan: number;
  rowSpan: number;
  /** First grid column the cell occupies. */
  column: number;
  header: boolean;
  /** `white-space: nowrap` (the `nowrap` class): its lines must not wrap, so its column is made wide enough. */
  noWrap: boolean;
  /** Horizontal padding in points, where the CSS gives it. */
  padding?: { left: number; right: number };
  /** The cell's text size (points) and line height: an empty cell's line is as high as its neighbours'. */
  size: number;
  lineHeight: number;
}

export interface RowModel {
  /** A `<thead>` row: repeated at the top of every page. */
  header: boolean;
  cells: CellModel[];
}

export interface TableModel {
  kind: 'table';
  rows: RowModel[];
  columns: number;
  /** Fractions of the table width, one per grid column, when the template gave them all. */
  widths?: number[];
  /** `class="plain"`: a layout table without borders or shading. */
  plain: boolean;
}

export interface PageBreakModel {
  kind: 'pageBreak';
}

export type BlockModel = ParagraphModel | TableModel | PageBreakModel;

/** The type of paragraphs of a kind, as the CSS makes them: the DOCX's paragraph styles. */
export interface TextStyle {
  size: number;
  bold: boolean;
  face: Face;
  lineHeight: number;
}

export interface DocumentModel {
  blocks: BlockModel[];
  /** The body's text: the DOCX's default style. */
  body: TextStyle;
  /** A bare h1–h4 in the body. */
  headings: Record<1 | 2 | 3 | 4, TextStyle>;
  /** `div.letterhead-name` in `div.letterhead`. */
  letterhead: TextStyle;
}

export function parseBlocks(html: string): BlockModel[] {
  return parseDocumentModel(html).blocks;
}

export function parseDocumentModel(html: string): DocumentModel {
  const dom = parseDocument(html);
  const body = findElement(dom.children, 'body');
  const css: string[] = [];
  collectStyles(dom.children, css);
  const sheet = StyleSheet.of(css.join('\n'));
  const htmlEl = findElement(dom.children, 'html');
  const ctx: Context = { lists: { next: 1 }, sheet, ancestors: [] };
  let base = BROWSER_DEFAULT;
  for (const el of [htmlEl, body]) {
    if (!el) continue;
    base = cascade(base, ctx.sheet.match(ref(el), ctx.ancestors, el.attribs.style));
    ctx.ancestors.push(ref(el));
  }
  ctx.bodyColor = base.color;
  const builder = new BlockBuilder(ctx);
  builder.children(body ? body.children : dom.children, base);
  const blocks = builder.finish();

  const kind = (chain: ElementRef[], extra: Partial<Style> = {}): TextStyle => {
    let style = base;
    for (let i = 0; i < chain.length; i++) {
      style = cascade(style, sheet.match(chain[i]!, [...ctx.ancestors, ...chain.slice(0, i)]));
    }
    style = { ...style, ...extra };
    return { size: style.size, bold: style.bold, face: style.face, lineHeight: style.lineHeight };
  };
  const h = (n: number) => kind([{ tag: `h${n}`, classes: [] }], { bold: true });
  return {
    blocks,
    body: kind([]),
    headings: { 1: h(1), 2: h(2), 3: h(3), 4: h(4) },
    letterhead: kind([
      { tag: 'div', classes: ['letterhead'] },
      { tag: 'div', classes: ['letterhead-name'] },
    ]),
  };
}

// ---- DOM access (htmlparser2's own domhandler types, taken from its result so versions cannot mismatch) ----

type DomNode = ReturnType<typeof parseDocument>['children'][number];
type DomElement = Extract<DomNode, { attribs: Record<string, string> }>;

function isElement(n: DomNode): n is DomElement {
  return 'attribs' in n && 'name' in n;
}

function findElement(nodes: DomNode[], name: string): DomElement | undefined {
  for (const n of nodes) {
    if (!isElement(n)) continue;
    if (n.name === name) return n;
    const inner = findElement(n.children, name);
    if (inner) return inner;
  }
  return undefined;
}

function classes(el: DomElement): string[] {
  return (el.attribs.class ?? '').split(/\s+/).filter(Boolean);
}

function ref(el: DomElement): ElementRef {
  return { tag: el.name.toLowerCase(), classes: classes(el) };
}

function collectStyles(nodes: DomNode[], out: string[]): void {
  for (const n of nodes) {
    if (!isElement(n)) continue;
    if (n.name === 'style') out.push(n.children.map((c) => (c as { data?: string }).data ?? '').join(''));
    else collectStyles(n.children, out);
  }
}

function alignOf(el: DomElement): Align | undefined {
  const c = classes(el);
  if (c.includes('text-right')) return 'right';
  if (c.includes('text-center')) return 'center';
  if (c.includes('text-left')) return 'left';
  return undefined;
}

function positiveInt(value: string | undefined): number {
  const n = Number.parseInt(value ?? '', 10);
  return Number.isFinite(n) && n > 0 ? n : 1;
}

// ---- building ----

interface Style {
  bold: boolean;
  italic: boolean;
  underline: boolean;
  /** Points. */
  size: number;
  face: Face;
  /** A factor of `size`. */
  lineHeight: number;
  noWrap: boolean;
  /** `RRGGBB` from the CSS (css-rules.ts); the body's is the document's default. */
  color?: string;
  align?: Align;
  heading?: 1 | 2 | 3 | 4;
  list?: ListContext;
  inCell?: boolean;
}
/** What a browser starts from: 16 px text, line-height normal (about 1.2). */
const BROWSER_DEFAULT: Style = {
  bold: false,
  italic: false,
  underline: false,
  size: 12,
  face: 'sans',
  lineHeight: 1.2,
  noWrap: false,
};

/** The style of an element inside `parent`, as the CSS declares it (inherited properties only). */
function cascade(parent: Style, d: Declared): Style {
  if (
    d.fontSize === undefined &&
    d.bold === undefined &&
    d.face === undefined &&
    d.lineHeight === undefined &&
    d.noWrap === undefined &&
    d.color === undefined
  ) {
    return parent;
  }
  const size = d.fontSize ? ('pt' in d.fontSize ? d.fontSize.pt : parent.size * d.fontSize.factor) : parent.size;
  return {
    ...parent,
    size,
    bold: d.bold ?? parent.bold,
    face: d.face ?? parent.face,
    lineHeight: d.lineHeight
      ? 'pt' in d.lineHeight
        ? d.lineHeight.pt / size
        : d.lineHeight.factor
      : parent.lineHeight,
    noWrap: d.noWrap ?? parent.noWrap,
    color: d.color ?? parent.color,
  };
}

interface Context {
  sheet: StyleSheet;
  /** Numbers the ordered lists of the whole document, cells included. */
  lists: { next: number };
  /** The elements around the one being read, outermost first (for descendant selectors). */
  ancestors: ElementRef[];
  /** The body's text colour: runs in it name no colour (the document's default, as Word's "automatic"). */
  bodyColor?: string;
}

const SKIPPED = new Set<string>(DOCX_ELEMENTS.skipped);
const BLOCKS = new Set<string>(DOCX_ELEMENTS.blocks);
const HEADINGS: Record<string, 1 | 2 | 3 | 4> = { h1: 1, h2: 2, h3: 3, h4: 4 } satisfies Record<
  (typeof DOCX_ELEMENTS.headings)[number],
  1 | 2 | 3 | 4
>;
const BOLD_BLOCKS = new Set<string>(DOCX_ELEMENTS.boldBlocks);

class BlockBuilder {
  private readonly blocks: BlockModel[] = [];
  private para: ParagraphModel | null = null;

  constructor(private readonly ctx: Context) {}

  finish(): BlockModel[] {
    this.close();
    return this.blocks;
  }

  /** A run's colour: the style's, unless it is the body's. */
  private colorOf(style: Style): string | undefined {
    return style.color !== this.ctx.bodyColor ? style.color : undefined;
  }

  children(nodes: DomNode[], style: Style): void {
    for (const n of nodes) {
      if (isElement(n)) this.element(n, style);
      else if (n.type === 'text') this.text((n as { data: string }).data, style);
      // comments, doctype and CDATA are not content
    }
  }

  /** `el` read with its own CSS, as an ancestor of what it contains. */
  private element(el: DomElement, parent: Style): void {
    const name = el.name.toLowerCase();
    if (SKIPPED.has(name)) return;
    const self = ref(el);
    const style = cascade(parent, this.ctx.sheet.match(self, this.ctx.ancestors, el.attribs.style));
    this.ctx.ancestors.push(self);
    try {
      this.content(el, name, style);
    } finally {
      this.ctx.ancestors.pop();
    }
  }

  private content(el: DomElement, name: string, style: Style): void {
    switch (name) {
      case 'br':
        this.lineBreak(style);
        return;
      case 'img':
        this.image(el, style);
        return;
      case 'strong':
      case 'b':
        this.children(el.children, { ...style, bold: true });
        return;
      case 'em':
      case 'i':
        this.children(el.children, { ...style, italic: true });
        return;
      case 'u':
        this.children(el.children, { ...style, underline: true });
        return;
      case 'table':
        this.table(el, style);
        return;
      case 'ul':
      case 'ol':
        this.list(el, style, name === 'ol');
        return;
      default:
        break;
    }
    const heading = HEADINGS[name];
    if (heading || BOLD_BLOCKS.has(name) || BLOCKS.has(name)) {
      this.block(el, { ...style, heading: heading ?? style.heading, bold: style.bold || BOLD_BLOCKS.has(name) });
      return;
    }
    this.children(el.children, style); // DOCX_ELEMENTS.text, and unknown tags: inline containers
  }

  private block(el: DomElement, style: Style): void {
    const c = classes(el);
    this.close();
    if (c.includes('page-break')) {
      this.blocks.push({ kind: 'pageBreak' });
      return;
    }
    const start = this.blocks.length;
    this.children(el.children, { ...style, align: alignOf(el) ?? style.align });
    this.close();
    const group = () => this.blocks.slice(start).filter((b): b is ParagraphModel => b.kind === 'paragraph');
    if (c.includes('signature-block'))
      group()
        .slice(0, -1)
        .forEach((p) => (p.keepNext = true));
    if (c.includes('letterhead-name')) group().forEach((p) => (p.role = 'letterhead-name'));
    if (c.includes('letterhead')) {
      const last = group().at(-1);
      if (last && !last.role) last.role = 'letterhead-rule';
    }
  }

  private list(el: DomElement, style: Style, ordered: boolean): void {
    this.close();
    const list: ListContext = {
      ordered,
      level: style.list ? Math.min(style.list.level + 1, 8) : 0,
      instance: ordered ? this.ctx.lists.next++ : 0,
    };
    for (const item of el.children) {
      if (isElement(item)) this.block(item, { ...style, list });
    }
  }

  private table(el: DomElement, style: Style): void {
    this.close();
    const rows: RowModel[] = [];
    const cellWidths: (number | undefined)[][] = []; // per row: each cell's declared width, in %
    let colWidths: number[] | undefined;
    const readRows = (nodes: DomNode[], header: boolean): void => {
      for (const n of nodes) {
        if (!isElement(n)) continue;
        if (n.name === 'tr') {
          const read = this.within(n, style, (s) => this.row(n, header, { ...s, align: alignOf(el) ?? style.align }));
          rows.push(read.row);
          cellWidths.push(read.widths);
        } else if (n.name === 'thead') this.within(n, style, () => readRows(n.children, true));
        else if (n.name === 'tbody' || n.name === 'tfoot') this.within(n, style, () => readRows(n.children, header));
        else if (n.name === 'colgroup') colWidths = this.within(n, style, () => this.columnWidths(n));
        else if (n.name === 'caption') this.block(n, style); // browsers draw the caption above the table
      }
    };
    readRows(el.children, false);
    const columns = placeCells(rows);
    if (rows.length === 0) return;
    this.blocks.push({
      kind: 'table',
      rows,
      columns,
      widths: tableWidths(columns, colWidths, rows, cellWidths),
      plain: classes(el).includes('plain'),
    });
  }

  /** `fn` with `el` among the ancestors (a table's parts: thead, tr, colgroup), given `el`'s own style. */
  private within<T>(el: DomElement, parent: Style, fn: (style: Style) => T): T {
    const self = ref(el);
    const style = cascade(parent, this.ctx.sheet.match(self, this.ctx.ancestors, el.attribs.style));
    this.ctx.ancestors.push(self);
    try {
      return fn(style);
    } finally {
      this.ctx.ancestors.pop();
    }
  }

  /** Each `<col>`'s width in % (its width attribute or CSS), NaN where it has none. */
  private columnWidths(colgroup: DomElement): number[] {
    const widths: number[] = [];
    for (const col of colgroup.children) {
      if (!isElement(col) || col.name !== 'col') continue;
      const declared = this.ctx.sheet.match(ref(col), this.ctx.ancestors, col.attribs.style).widthPct;
      const attr = /^([\d.]+)%$/.exec((col.attribs.width ?? '').trim());
      const value = attr ? Number(attr[1]) : (declared ?? NaN);
      for (let k = 0; k < positiveInt(col.attribs.span); k++) widths.push(value);
    }
    return widths;
  }

  private row(tr: DomElement, header: boolean, style: Style): { row: RowModel; widths: (number | undefined)[] } {
    const rowStyle = { ...style, align: alignOf(tr) ?? style.align };
    const cells: CellModel[] = [];
    const widths: (number | undefined)[] = [];
    for (const n of tr.children) {
      if (!isElement(n) || (n.name !== 'td' && n.name !== 'th')) continue;
      const th = n.name === 'th';
      const self = ref(n);
      const declared = this.ctx.sheet.match(self, this.ctx.ancestors, n.attribs.style);
      const cellStyle = cascade({ ...rowStyle, bold: rowStyle.bold || th }, declared);
      const attr = /^([\d.]+)%$/.exec((n.attribs.width ?? '').trim());
      widths.push(attr ? Number(attr[1]) : declared.widthPct);
      const inner = new BlockBuilder(this.ctx);
      this.ctx.ancestors.push(self);
      try {
        inner.children(n.children, {
          ...cellStyle,
          italic: rowStyle.italic,
          underline: rowStyle.underline,
          align: alignOf(n) ?? rowStyle.align,
          heading: undefined,
          list: undefined,
          inCell: true,
        });
      } finally {
        this.ctx.ancestors.pop();
      }
      cells.push({
        blocks: inner.finish(),
        colSpan: positiveInt(n.attribs.colspan),
        rowSpan: positiveInt(n.attribs.rowspan),
        column: 0,
        header: th,
        noWrap: cellStyle.noWrap,
        size: cellStyle.size,
        lineHeight: cellStyle.lineHeight,
        padding:
          declared.paddingLeft !== undefined || declared.paddingRight !== undefined
            ? { left: declared.paddingLeft ?? 0, right: declared.paddingRight ?? 0 }
            : undefined,
      });
    }
    return { row: { header, cells }, widths };
  }

  // ---- inline content ----

  private paragraph(style: Style): ParagraphModel {
    if (!this.para) {
      this.para = {
        kind: 'paragraph',
        runs: [],
        size: style.size,
        lineHeight: style.lineHeight,
        inCell: style.inCell,
        heading: style.heading,
        align: style.align,
        list: style.list,
      };
    }
    return this.para;
  }

  private text(data: string, style: Style): void {
    let text = data.replace(/[ \t\n\r\f]+/g, ' ');
    if (!this.para && text.trim() === '') return; // whitespace between blocks
    const p = this.paragraph(style);
    const last = p.runs[p.runs.length - 1];
    const atLineStart = !last || last.kind === 'break' || (last.kind === 'text' && last.text.endsWith(' '));
    if (atLineStart) text = text.replace(/^ /, '');
    if (text === '') return;
    if (
      last?.kind === 'text' &&
      last.bold === style.bold &&
      last.italic === style.italic &&
      last.underline === style.underline &&
      last.size === style.size &&
      last.face === style.face &&
      last.color === this.colorOf(style)
    ) {
      last.text += text;
    } else {
      const { bold, italic, underline, size, face } = style;
      const color = this.colorOf(style);
      p.runs.push({ kind: 'text', text, bold, italic, underline, size, face, ...(color ? { color } : {}) });
    }
  }

  private lineBreak(style: Style): void {
    const p = this.paragraph(style);
    trimTrailingSpace(p);
    p.runs.push({ kind: 'break' });
  }

  private image(el: DomElement, style: Style): void {
    const image = decodeImage(el);
    if (image) this.paragraph(style).runs.push(image);
  }

  private close(): void {
    const p = this.para;
    this.para = null;
    if (!p) return;
    trimTrailingSpace(p);
    if (p.runs.length > 0) this.blocks.push(p);
  }
}

function trimTrailingSpace(p: ParagraphModel): void {
  for (;;) {
    const last = p.runs[p.runs.length - 1];
    if (last?.kind !== 'text') return;
    last.text = last.text.replace(/ +$/, '');
    if (last.text !== '') return;
    p.runs.pop();
  }
}

/** Sets each cell's first grid column (cells covered by a rowspan from above push the rest right); returns the column count. */
function placeCells(rows: RowModel[]): number {
  const coveredFor: number[] = []; // per column: how many more rows a rowspan from above covers
  let columns = 0;
  for (const row of rows) {
    let col = 0;
    for (const cell of row.cells) {
      while ((coveredFor[col] ?? 0) > 0) col++;
      cell.column = col;
      for (let k = 0; k < cell.colSpan; k++) coveredFor[col + k] = cell.rowSpan;
      col += cell.colSpan;
    }
    columns = Math.max(columns, col, coveredFor.length);
    for (let i = 0; i < coveredFor.length; i++) coveredFor[i] = Math.max(0, (coveredFor[i] ?? 0) - 1);
  }
  return columns;
}

/**
 * The columns' widths as fractions of the table: each column's from its `<col>`, else from a cell of its own (no
 * colspan) that declares one; columns left without share what the others leave of 100%. Undefined when no column
 * has a width, or the declared ones leave nothing for the rest.
 */
function tableWidths(
  columns: number,
  colWidths: number[] | undefined,
  rows: RowModel[],
  cellWidths: (number | undefined)[][],
): number[] | undefined {
  const widths: (number | undefined)[] = Array.from({ length: columns }, (_, c) => {
    const w = colWidths?.[c];
    return w !== undefined && w > 0 ? w : undefined;
  });
  rows.forEach((row, r) =>
    row.cells.forEach((cell, i) => {
      const w = cellWidths[r]?.[i];
      if (cell.colSpan === 1 && w !== undefined && widths[cell.column] === undefined) widths[cell.column] = w;
    }),
  );
  const known = widths.filter((w): w is number => w !== undefined);
  if (known.length === 0) return undefined;
  const missing = columns - known.length;
  const left = 100 - known.reduce((a, b) => a + b, 0);
  if (missing > 0 && left <= 0) return undefined;
  return normalise(widths.map((w) => w ?? left / missing));
}

function normalise(widths: number[]): number[] {
  const total = widths.reduce((a, b) => a + b, 0);
  return widths.map((w) => w / total);
}

// ---- images: data: URIs only ----

const SEAL_PX = 151; // 40 mm, the usual diameter of a company seal

function decodeImage(el: DomElement): ImageRunModel | undefined {
  const m = /^data:image\/(png|jpe?g);base64,([\s\S]*)$/i.exec((el.attribs.src ?? '').trim());
  if (!m) return undefined;
  const type = m[1].toLowerCase() === 'png' ? 'png' : 'jpg';
  const data = Buffer.from(m[2].replace(/\s+/g, ''), 'base64');
  const natural = type === 'png' ? pngSize(data) : jpegSize(data);
  if (!natural) return undefined;
  const attrW = Number.parseFloat(el.attribs.width ?? '');
  const attrH = Number.parseFloat(el.attribs.height ?? '');
  let width = natural.width;
  let height = natural.height;
  if (attrW > 0 && attrH > 0) [width, height] = [attrW, attrH];
  else if (attrW > 0) [width, height] = [attrW, (natural.height * attrW) / natural.width];
  else if (attrH > 0) [width, height] = [(natural.width * attrH) / natural.height, attrH];
  else if (classes(el).includes('seal')) [width, height] = [SEAL_PX, (natural.height * SEAL_PX) / natural.width];
  return { kind: 'image', type, data, width: Math.round(width), height: Math.round(height) };
}

function pngSize(b: Buffer): { width: number; height: number } | undefined {
  if (b.length < 24 || b.readUInt32BE(0) !== 0x89504e47 || b.toString('ascii', 12, 16) !== 'IHDR') return undefined;
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

function jpegSize(b: Buffer): { width: number; height: number } | undefined {
  if (b.length < 4 || b[0] !== 0xff || b[1] !== 0xd8) return undefined;
  let i = 2;
  while (i + 9 < b.length) {
    if (b[i] !== 0xff) return undefined;
    const marker = b[i + 1];
    // SOF0–SOF15 carry the frame size; C4 (DHT), C8 (JPG) and CC (DAC) share the range but are not frames.
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { height: b.readUInt16BE(i + 5), width: b.readUInt16BE(i + 7) };
    }
    i += 2 + b.readUInt16BE(i + 2);
  }
  return undefined;
}
