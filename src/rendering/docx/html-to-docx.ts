import {
  AlignmentType,
  BorderStyle,
  Document,
  Footer,
  Header,
  HeadingLevel,
  ImageRun,
  LevelFormat,
  PageBreak,
  PageNumber,
  PageOrientation,
  Paragraph,
  ShadingType,
  Table,
  TableBorders,
  TableCell,
  TableLayoutType,
  TableRow,
  TextRun,
  WidthType,
  type ILevelsOptions,
  type ParagraphChild,
} from 'docx';
import type { Locale } from '../templates/labels.js';
import { packDocx } from './docx-zip.js';
import type { Face } from './css-rules.js';
import {
  parseDocumentModel,
  type Align,
  type BlockModel,
  type CellModel,
  type ParagraphModel,
  type RunModel,
  type TableModel,
  type TextStyle,
} from './html-blocks.js';
import { fitNoWrapColumns } from './text-width.js';

/**
 * HTML -> DOCX for the restricted HTML subset our templates produce (the subset is listed in html-blocks.ts,
 * which reads the HTML; this file only writes `docx` elements from that reading):
 * h1–h4 -> Heading1–4; p/div -> paragraphs; strong/b, em/i, u -> bold/italic/underline runs; br -> line break;
 * table -> table with columnSpan/rowSpan, `<thead>` rows as repeating header rows (w:tblHeader), th shaded,
 * the template's column widths (`<col>`, or th/td widths in %), widened where a no-wrap cell (dates, amounts,
 * references: `white-space: nowrap`) would not fit, class "plain" without borders; ul/ol -> bullet / decimal
 * numbering (each `<ol>` restarts at 1); img with a data: URI (PNG/JPEG) -> inline image scaled to fit;
 * `<div class="page-break">` -> page break; `<div class="signature-block">` -> its paragraphs kept together
 * (keepNext), the seal image when the `<img class="seal">` has a data: source; classes text-left/center/right ->
 * paragraph alignment. Font sizes, bold and line heights follow the CSS: the body's make the default style, a bare
 * h1–h4's the Heading 1–4 styles, the letterhead's name its own "Letterhead" style (big and bold, as in the PDF).
 *
 * Fonts: the PDF embeds Noto Sans SC; the DOCX embeds no font (a CJK face is megabytes, and a subset would lack
 * the characters a clerk types) and names instead the faces Word and WPS users have: Microsoft YaHei (微软雅黑)
 * for sans text, SimSun (宋体) for serif text and SimHei (黑体) for sans text in a serif document (宋体 body, 黑体
 * headings). The default style names the body's face for ascii, hAnsi, eastAsia and cs (so Word and LibreOffice do
 * not fall back to a Latin font for Chinese text), the heading and letterhead styles theirs, a run its own only
 * where it differs; the font table gives each face its Chinese name,
 * charset and PANOSE class, from which Word and WPS pick the nearest face a machine has.
 */

export interface DocxInput {
  /** A complete rendered document; only its `<body>` is content. */
  html: string;
  /** One line at the top of every page (company name and document title). */
  headerText?: string;
  /** "第 X 页 / 共 Y 页" (zh-CN), "Page X of Y" (en) or "Página X de Y" (es) at the bottom of every page, as PAGE/NUMPAGES fields. */
  footer?: 'page-x-of-y';
  /** A line of its own under the page numbers (the ad-hoc notice). */
  footerNote?: string;
  locale: Locale;
  title: string;
  orientation?: 'portrait' | 'landscape';
}

/** A face as Word's font table describes it (the values Word itself writes for these fonts). */
interface FontFace {
  name: string;
  altName: string;
  panose: string;
  family: 'swiss' | 'modern' | 'auto';
  pitch: 'variable' | 'fixed';
}
/** The faces the DOCX names, by the CSS face and the document's body face. */
export const DOCX_FONTS = {
  sans: {
    name: 'Microsoft YaHei',
    altName: '微软雅黑',
    panose: '020B0503020204020204',
    family: 'swiss',
    pitch: 'variable',
  },
  serif: { name: 'SimSun', altName: '宋体', panose: '02010600030101010101', family: 'auto', pitch: 'variable' },
  heiti: { name: 'SimHei', altName: '黑体', panose: '02010609060101010101', family: 'modern', pitch: 'fixed' },
} as const satisfies Record<string, FontFace>;

/** The face of sans text: SimHei beside SimSun in a serif document, Microsoft YaHei otherwise. */
function faceFont(face: Face, body: Face): FontFace {
  if (face === 'serif') return DOCX_FONTS.serif;
  return body === 'serif' ? DOCX_FONTS.heiti : DOCX_FONTS.sans;
}
const runFonts = (f: FontFace) => ({ ascii: f.name, hAnsi: f.name, eastAsia: f.name, cs: f.name });

// A4 in twips (1/1440 inch) and margins close to the PDF's @page (20/15/18 mm).
const A4 = { short: 11906, long: 16838 };
const MARGIN = { top: 1134, bottom: 1020, left: 850, right: 850, header: 567, footer: 567 };
const TWIPS_PER_PX = 15; // 96 px per inch
const TWIPS_PER_MM = 1440 / 25.4;
const halfPoints = (pt: number) => Math.round(pt * 2);
/**
 * The CSS line height as an exact line spacing: CSS's `line-height` is exact too (the PDF's rows), whereas "at
 * least" lets a face's own line gap win (Noto Sans SC's made the statement's ledger rows a third taller than the
 * PDF's). A paragraph with an image is spaced "at least", or the image would be cut to one line.
 */
const lineTwips = (s: { size: number; lineHeight: number }) => Math.round(s.size * s.lineHeight * 20);
/** Space after a paragraph, as base.css's `p { margin: 0 0 1.2mm }`. */
const PARAGRAPH_AFTER = Math.round(1.2 * TWIPS_PER_MM);
/** Space before and after h1–h4, as base.css's margins. */
const HEADING_SPACING = {
  1: { before: 2, after: 1.5 },
  2: { before: 2.5, after: 1.2 },
  3: { before: 3, after: 1 },
  4: { before: 2, after: 1 },
} as const;
const LETTERHEAD_STYLE = 'Letterhead';

/** What the paragraphs of one document share: its base styles and fonts. */
interface Doc {
  body: TextStyle;
  headings: Record<1 | 2 | 3 | 4, TextStyle>;
  letterhead: TextStyle;
  /**
   * The "Table Text" styles, one per text size the tables use, made as cells need them: a cell's paragraph names
   * its style instead of carrying its size and line spacing itself (a 10-page statement's XML, and its CPU, grew
   * by half when every cell paragraph and run did).
   */
  cellStyles: Map<string, { id: string; name: string; style: TextStyle }>;
}

function cellStyle(d: Doc, size: number, lineHeight: number): { id: string; style: TextStyle } {
  const key = `${size}/${lineHeight}`;
  let found = d.cellStyles.get(key);
  if (!found) {
    const n = d.cellStyles.size;
    found = {
      id: n === 0 ? 'TableText' : `TableText${n + 1}`,
      name: n === 0 ? 'Table Text' : `Table Text ${n + 1}`,
      style: { ...d.body, size, lineHeight },
    };
    d.cellStyles.set(key, found);
  }
  return found;
}

const ALIGN: Record<Align, (typeof AlignmentType)[keyof typeof AlignmentType]> = {
  left: AlignmentType.LEFT,
  center: AlignmentType.CENTER,
  right: AlignmentType.RIGHT,
};
const HEADING = {
  1: HeadingLevel.HEADING_1,
  2: HeadingLevel.HEADING_2,
  3: HeadingLevel.HEADING_3,
  4: HeadingLevel.HEADING_4,
} as const;

export async function htmlToDocx(input: DocxInput): Promise<Buffer> {
  const landscape = input.orientation === 'landscape';
  const pageWidth = landscape ? A4.long : A4.short;
  const contentWidth = pageWidth - MARGIN.left - MARGIN.right;
  const model = parseDocumentModel(input.html);
  const d: Doc = { body: model.body, headings: model.headings, letterhead: model.letterhead, cellStyles: new Map() };
  const children = blocksToDocx(model.blocks, contentWidth, d);
  const bodyFont = runFonts(faceFont(d.body.face, d.body.face));

  const doc = new Document({
    title: input.title,
    creator: 'Tenderdesk',
    styles: {
      default: {
        document: {
          run: {
            font: bodyFont,
            size: halfPoints(d.body.size),
            language: { value: { 'zh-CN': 'zh-CN', en: 'en-US', es: 'es-ES' }[input.locale], eastAsia: 'zh-CN' },
          },
          paragraph: { spacing: { after: PARAGRAPH_AFTER, line: lineTwips(d.body), lineRule: 'exact' } },
        },
        heading1: headingStyle(d, 1),
        heading2: headingStyle(d, 2),
        heading3: headingStyle(d, 3),
        heading4: headingStyle(d, 4),
      },
      paragraphStyles: [
        {
          id: LETTERHEAD_STYLE,
          name: LETTERHEAD_STYLE,
          basedOn: 'Normal',
          next: 'Normal',
          quickFormat: true,
          run: {
            font: runFonts(faceFont(d.letterhead.face, d.body.face)),
            size: halfPoints(d.letterhead.size),
            bold: d.letterhead.bold,
          },
          paragraph: { spacing: { after: 0, line: lineTwips(d.letterhead), lineRule: 'exact' } },
        },
        // Text in table cells: no space after (base.css: `td p { margin: 0 }`), at the table's size.
        ...[...d.cellStyles.values()].map(({ id, name, style }) => ({
          id,
          name,
          basedOn: 'Normal',
          quickFormat: true,
          run: style.size !== d.body.size ? { size: halfPoints(style.size) } : undefined,
          paragraph: { spacing: { after: 0, line: lineTwips(style), lineRule: 'exact' as const } },
        })),
      ],
    },
    numbering: {
      config: [
        {
          reference: 'bullet',
          levels: listLevels((level) => ({ format: LevelFormat.BULLET, text: level % 2 ? '◦' : '•' })),
        },
        {
          reference: 'ordered',
          levels: listLevels((level) => ({ format: LevelFormat.DECIMAL, text: `%${level + 1}.` })),
        },
      ],
    },
    sections: [
      {
        properties: {
          page: {
            // docx swaps width and height itself for a landscape page, so the size is always given portrait.
            size: {
              width: A4.short,
              height: A4.long,
              orientation: landscape ? PageOrientation.LANDSCAPE : PageOrientation.PORTRAIT,
            },
            margin: MARGIN,
          },
        },
        headers: input.headerText ? { default: pageHeader(input.headerText) } : undefined,
        footers: input.footer === 'page-x-of-y' ? { default: pageFooter(input.locale, input.footerNote) } : undefined,
        children,
      },
    ],
  });
  return packDocx(doc, { 'word/fontTable.xml': FONT_TABLE });
}

function headingStyle(d: Doc, level: 1 | 2 | 3 | 4) {
  const h = d.headings[level];
  const mm = HEADING_SPACING[level];
  return {
    run: { font: runFonts(faceFont(h.face, d.body.face)), size: halfPoints(h.size), bold: true, color: '000000' },
    paragraph: {
      spacing: {
        before: Math.round(mm.before * TWIPS_PER_MM),
        after: Math.round(mm.after * TWIPS_PER_MM),
        line: lineTwips(h),
        lineRule: 'exact' as const,
      },
      keepNext: true,
    },
  };
}

const escapeXml = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
/** word/fontTable.xml: the faces the document names (`docx` writes an empty one). */
const FONT_TABLE =
  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
  '<w:fonts xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">' +
  Object.values(DOCX_FONTS)
    .map(
      (f: FontFace) =>
        `<w:font w:name="${escapeXml(f.name)}"><w:altName w:val="${escapeXml(f.altName)}"/>` +
        `<w:panose1 w:val="${f.panose}"/><w:charset w:val="86"/><w:family w:val="${f.family}"/>` +
        `<w:pitch w:val="${f.pitch}"/></w:font>`,
    )
    .join('') +
  '</w:fonts>';

function listLevels(level: (n: number) => Pick<ILevelsOptions, 'format' | 'text'>): ILevelsOptions[] {
  return Array.from({ length: 9 }, (_, n) => ({
    level: n,
    ...level(n),
    alignment: AlignmentType.LEFT,
    style: { paragraph: { indent: { left: 360 * (n + 1), hanging: 360 } } },
  }));
}

function pageHeader(text: string): Header {
  return new Header({
    children: [
      new Paragraph({
        alignment: AlignmentType.RIGHT,
        border: { bottom: { style: BorderStyle.SINGLE, size: 4, color: '999999', space: 2 } },
        children: [new TextRun({ text, font: runFonts(DOCX_FONTS.sans), size: 16, color: '555555' })],
      }),
    ],
  });
}

function pageFooter(locale: Locale, note?: string): Footer {
  const parts = {
    'zh-CN': ['第 ', PageNumber.CURRENT, ' 页 / 共 ', PageNumber.TOTAL_PAGES, ' 页'],
    en: ['Page ', PageNumber.CURRENT, ' of ', PageNumber.TOTAL_PAGES],
    es: ['Página ', PageNumber.CURRENT, ' de ', PageNumber.TOTAL_PAGES],
  }[locale];
  return new Footer({
    children: [
      new Paragraph({
        alignment: AlignmentType.CENTER,
        children: [new TextRun({ children: parts, font: runFonts(DOCX_FONTS.sans), size: 16, color: '555555' })],
      }),
      ...(note
        ? [
            new Paragraph({
              alignment: AlignmentType.CENTER,
              children: [new TextRun({ text: note, font: runFonts(DOCX_FONTS.sans), size: 14, color: 'B00020' })],
            }),
          ]
        : []),
    ],
  });
}

/** `width`: the twips available (the page's text width, or a cell's). */
function blocksToDocx(blocks: BlockModel[], width: number, d: Doc): (Paragraph | Table)[] {
  return blocks.map((block) => {
    switch (block.kind) {
      case 'paragraph':
        return paragraph(block, width, d);
      case 'table':
        return table(block, width, d);
      case 'pageBreak':
        return new Paragraph({ children: [new PageBreak()] });
    }
  });
}

/** The paragraph style's text: what a paragraph's runs and spacing differ from. */
function styleOf(p: ParagraphModel, d: Doc): { id?: string; style: TextStyle } {
  if (p.heading) return { style: d.headings[p.heading] };
  if (p.role === 'letterhead-name') return { id: LETTERHEAD_STYLE, style: d.letterhead };
  if (p.inCell) return cellStyle(d, p.size, p.lineHeight);
  return { style: d.body };
}

function paragraph(p: ParagraphModel, width: number, d: Doc): Paragraph {
  const { id, style: base } = styleOf(p, d);
  const line = lineTwips(p);
  const image = p.runs.some((r) => r.kind === 'image');
  return new Paragraph({
    heading: p.heading ? HEADING[p.heading] : undefined,
    style: id,
    alignment: p.align ? ALIGN[p.align] : undefined,
    keepNext: p.keepNext,
    // Only where the CSS makes this paragraph's lines other than its style's (a smaller table text), or it holds an image.
    spacing: image ? { line, lineRule: 'atLeast' } : line !== lineTwips(base) ? { line, lineRule: 'exact' } : undefined,
    border:
      p.role === 'letterhead-rule'
        ? { bottom: { style: BorderStyle.SINGLE, size: 10, color: '222222', space: 4 } } // 1.2 pt, as base.css
        : undefined,
    numbering: p.list
      ? { reference: p.list.ordered ? 'ordered' : 'bullet', level: p.list.level, instance: p.list.instance }
      : undefined,
    children: p.runs.map((r) => run(r, width, base, d)),
  });
}

function run(r: RunModel, width: number, base: TextStyle, d: Doc): ParagraphChild {
  switch (r.kind) {
    case 'text':
      return new TextRun({
        text: r.text,
        bold: r.bold || undefined,
        italics: r.italic || undefined,
        underline: r.underline ? {} : undefined,
        size: r.size !== base.size ? halfPoints(r.size) : undefined,
        // The default style names the body's face, a heading or letterhead style its own: a run names a face only
        // where it differs from its paragraph style's (naming it on every run made a third of the XML).
        font: r.face !== base.face ? runFonts(faceFont(r.face, d.body.face)) : undefined,
        // Only where the CSS colours it other than the body's text (the letterhead's name, a clerk's accent…).
        color: r.color,
      });
    case 'break':
      return new TextRun({ break: 1 });
    case 'image': {
      // Never wider than the space it sits in; keep the aspect ratio.
      const maxPx = Math.floor(width / TWIPS_PER_PX);
      const scale = Math.min(1, maxPx / r.width);
      return new ImageRun({
        type: r.type,
        data: r.data,
        transformation: {
          width: Math.max(1, Math.round(r.width * scale)),
          height: Math.max(1, Math.round(r.height * scale)),
        },
      });
    }
  }
}

const CELL_MARGIN = 80; // twips each side, about base.css's cell padding (1.4 mm)
const CELL_MARGIN_V = 34; // twips above and below: 0.6 mm

function table(t: TableModel, width: number, d: Doc): Table {
  const declared = t.widths
    ? t.widths.map((f) => Math.round(f * width))
    : Array.from({ length: t.columns }, () => Math.floor(width / t.columns));
  declared[declared.length - 1]! += width - declared.reduce((a, b) => a + b, 0); // rounding: exactly the width
  // The table's cell margins: its first body cell's padding (the CSS gives every cell of a kind the same), else
  // base.css's; a cell whose padding differs gets its own.
  const first = t.rows.find((r) => !r.header)?.cells[0] ?? t.rows[0]!.cells[0];
  const fallback = t.plain ? 0 : CELL_MARGIN;
  const marginOf = (cell: CellModel | undefined) => ({
    left: cell?.padding ? Math.round(cell.padding.left * 20) : fallback,
    right: cell?.padding ? Math.round(cell.padding.right * 20) : fallback,
  });
  const margin = marginOf(first);
  const columnWidths = fitNoWrapColumns(
    declared,
    noWrapCells(t).map((c) => {
      const m = marginOf(c.cell);
      return { column: c.cell.column, lines: cellLines(c.cell), padding: m.left + m.right };
    }),
  );
  const spanWidth = (from: number, span: number) => columnWidths.slice(from, from + span).reduce((a, b) => a + b, 0);

  const rows = t.rows.map(
    (row) =>
      new TableRow({
        tableHeader: row.header || undefined,
        cantSplit: true, // as `tr { break-inside: avoid }` in the page CSS
        children: row.cells.map((cell) => {
          const cellWidth = spanWidth(cell.column, cell.colSpan);
          const own = marginOf(cell);
          const differs = own.left !== margin.left || own.right !== margin.right;
          const content = blocksToDocx(cell.blocks, cellWidth - own.left - own.right, d);
          return new TableCell({
            columnSpan: cell.colSpan > 1 ? cell.colSpan : undefined,
            rowSpan: cell.rowSpan > 1 ? cell.rowSpan : undefined,
            width: { size: cellWidth, type: WidthType.DXA },
            margins: differs ? { left: own.left, right: own.right } : undefined,
            shading: cell.header && !t.plain ? { type: ShadingType.CLEAR, color: 'auto', fill: 'F0F0F0' } : undefined,
            // Word refuses a cell without a paragraph; an empty one is as high as the row's text, not the body's.
            children: content.length > 0 ? content : [emptyCellParagraph(cell, d)],
          });
        }),
      }),
  );
  return new Table({
    rows,
    columnWidths,
    width: { size: width, type: WidthType.DXA },
    layout: TableLayoutType.FIXED,
    margins: { left: margin.left, right: margin.right, top: CELL_MARGIN_V, bottom: CELL_MARGIN_V },
    borders: t.plain ? TableBorders.NONE : undefined,
  });
}

function emptyCellParagraph(cell: CellModel, d: Doc): Paragraph {
  return new Paragraph({ style: cellStyle(d, cell.size, cell.lineHeight).id });
}

/** The no-wrap cells that span one column. */
function noWrapCells(t: TableModel): { cell: CellModel }[] {
  return t.rows.flatMap((row) => row.cells.filter((c) => c.noWrap && c.colSpan === 1).map((cell) => ({ cell })));
}

/** A cell's lines (paragraphs split at line breaks), each as its text runs. */
function cellLines(cell: CellModel): { text: string; size: number; bold: boolean }[][] {
  const lines: { text: string; size: number; bold: boolean }[][] = [];
  for (const block of cell.blocks) {
    if (block.kind !== 'paragraph') continue;
    let line: { text: string; size: number; bold: boolean }[] = [];
    for (const r of block.runs) {
      if (r.kind === 'text') line.push({ text: r.text, size: r.size, bold: r.bold });
      else if (r.kind === 'break') {
        lines.push(line);
        line = [];
      }
    }
    lines.push(line);
  }
  return lines;
}
