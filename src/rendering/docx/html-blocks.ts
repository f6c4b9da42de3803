import { parseDocument } from 'htmlparser2';

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

export function parseBlocks(html: string): BlockModel[] {
  const dom = parseDocument(html);
  const body = findElement(dom.children, 'body');
  const builder = new BlockBuilder({ next: 1 });
  builder.children(body ? body.children : dom.children, PLAIN);
  return builder.finish();
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
  align?: Align;
  heading?: 1 | 2 | 3 | 4;
  list?: ListContext;
}
const PLAIN: Style = { bold: false, italic: false, underline: false };

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

  /** `lists` numbers the ordered lists of the whole document, cells included. */
  constructor(private readonly lists: { next: number }) {}

  finish(): BlockModel[] {
    this.close();
    return this.blocks;
  }

  children(nodes: DomNode[], style: Style): void {
    for (const n of nodes) {
      if (isElement(n)) this.element(n, style);
      else if (n.type === 'text') this.text((n as { data: string }).data, style);
      // comments, doctype and CDATA are not content
    }
  }

  private element(el: DomElement, style: Style): void {
    const name = el.name.toLowerCase();
    if (SKIPPED.has(name)) return;
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
    if (c.includes('signature-block')) {
      const group = this.blocks.slice(start).filter((b): b is ParagraphModel => b.kind === 'paragraph');
      group.slice(0, -1).forEach((p) => (p.keepNext = true));
    }
  }

  private list(el: DomElement, style: Style, ordered: boolean): void {
    this.close();
    const list: ListContext = {
      ordered,
      level: style.list ? Math.min(style.list.level + 1, 8) : 0,
      instance: ordered ? this.lists.next++ : 0,
    };
    for (const item of el.children) {
      if (isElement(item)) this.block(item, { ...style, list });
    }
  }

  private table(el: DomElement, style: Style): void {
    this.close();
    const rows: RowModel[] = [];
    let widths: number[] | undefined;
    const readRows = (nodes: DomNode[], header: boolean): void => {
      for (const n of nodes) {
        if (!isElement(n)) continue;
        if (n.name === 'tr') rows.push(this.row(n, header, { ...style, align: alignOf(el) ?? style.align }));
        else if (n.name === 'thead') readRows(n.children, true);
        else if (n.name === 'tbody' || n.name === 'tfoot') readRows(n.children, header);
        else if (n.name === 'colgroup') widths = columnWidths(n);
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
      widths: widths && widths.length === columns ? normalise(widths) : undefined,
      plain: classes(el).includes('plain'),
    });
  }

  private row(tr: DomElement, header: boolean, style: Style): RowModel {
    const rowStyle = { ...style, align: alignOf(tr) ?? style.align };
    const cells: CellModel[] = [];
    for (const n of tr.children) {
      if (!isElement(n) || (n.name !== 'td' && n.name !== 'th')) continue;
      const th = n.name === 'th';
      const inner = new BlockBuilder(this.lists);
      inner.children(n.children, {
        bold: rowStyle.bold || th,
        italic: rowStyle.italic,
        underline: rowStyle.underline,
        align: alignOf(n) ?? rowStyle.align,
      });
      cells.push({
        blocks: inner.finish(),
        colSpan: positiveInt(n.attribs.colspan),
        rowSpan: positiveInt(n.attribs.rowspan),
        column: 0,
        header: th,
      });
    }
    return { header, cells };
  }

  // ---- inline content ----

  private paragraph(style: Style): ParagraphModel {
    if (!this.para) {
      this.para = { kind: 'paragraph', runs: [], heading: style.heading, align: style.align, list: style.list };
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
      last.underline === style.underline
    ) {
      last.text += text;
    } else {
      p.runs.push({ kind: 'text', text, bold: style.bold, italic: style.italic, underline: style.underline });
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

function columnWidths(colgroup: DomElement): number[] {
  const widths: number[] = [];
  for (const col of colgroup.children) {
    if (!isElement(col) || col.name !== 'col') continue;
    const declared = col.attribs.width ?? /width\s*:\s*([\d.]+%)/.exec(col.attribs.style ?? '')?.[1] ?? '';
    const pct = /^([\d.]+)%$/.exec(declared.trim());
    const value = pct ? Number(pct[1]) : NaN;
    for (let k = 0; k < positiveInt(col.attribs.span); k++) widths.push(value);
  }
  return widths.every((w) => w > 0) ? widths : [];
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
