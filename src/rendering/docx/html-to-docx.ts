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
import {
  parseBlocks,
  type Align,
  type BlockModel,
  type ParagraphModel,
  type RunModel,
  type TableModel,
} from './html-blocks.js';

/**
 * HTML -> DOCX for the restricted HTML subset our templates produce (the subset is listed in html-blocks.ts,
 * which reads the HTML; this file only writes `docx` elements from that reading):
 * h1–h4 -> Heading1–4; p/div -> paragraphs; strong/b, em/i, u -> bold/italic/underline runs; br -> line break;
 * table -> table with columnSpan/rowSpan, `<thead>` rows as repeating header rows (w:tblHeader), th shaded,
 * `<col width="N%">` as column widths, class "plain" without borders; ul/ol -> bullet / decimal numbering (each
 * `<ol>` restarts at 1); img with a data: URI (PNG/JPEG) -> inline image scaled to fit; `<div class="page-break">`
 * -> page break; `<div class="signature-block">` -> its paragraphs kept together (keepNext), the seal image when
 * the `<img class="seal">` has a data: source; classes text-left/center/right -> paragraph alignment.
 * Every run names the CJK font for ascii, hAnsi, eastAsia and cs, and so does the default style, so Word and
 * LibreOffice do not fall back to a Latin font for Chinese text.
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

/** The family Word and LibreOffice are asked for; the PDF side ships the same design as 'Tenderdesk Sans'. */
export const DOCX_FONT = 'Noto Sans SC';
const FONT = { ascii: DOCX_FONT, hAnsi: DOCX_FONT, eastAsia: DOCX_FONT, cs: DOCX_FONT };

// A4 in twips (1/1440 inch) and margins close to the PDF's @page (20/15/18 mm).
const A4 = { short: 11906, long: 16838 };
const MARGIN = { top: 1134, bottom: 1020, left: 850, right: 850, header: 567, footer: 567 };
const TWIPS_PER_PX = 15; // 96 px per inch
const BODY_SIZE = 18; // half-points: 9 pt, as base.css

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
  const children = blocksToDocx(parseBlocks(input.html), contentWidth);

  const doc = new Document({
    title: input.title,
    creator: 'Tenderdesk',
    styles: {
      default: {
        document: {
          run: {
            font: FONT,
            size: BODY_SIZE,
            language: { value: { 'zh-CN': 'zh-CN', en: 'en-US', es: 'es-ES' }[input.locale], eastAsia: 'zh-CN' },
          },
          paragraph: { spacing: { after: 60, line: 276 } },
        },
        heading1: headingStyle(32),
        heading2: headingStyle(26),
        heading3: headingStyle(22),
        heading4: headingStyle(20),
      },
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
  return packDocx(doc);
}

function headingStyle(size: number) {
  return {
    run: { font: FONT, size, bold: true, color: '000000' },
    paragraph: { spacing: { before: 160, after: 100 }, keepNext: true },
  };
}

function listLevels(level: (n: number) => Pick<ILevelsOptions, 'format' | 'text'>): ILevelsOptions[] {
  return Array.from({ length: 9 }, (_, n) => ({
    level: n,
    ...level(n),
    alignment: AlignmentType.LEFT,
    style: { paragraph: { indent: { left: 360 * (n + 1), hanging: 360 } }, run: { font: FONT } },
  }));
}

function pageHeader(text: string): Header {
  return new Header({
    children: [
      new Paragraph({
        alignment: AlignmentType.RIGHT,
        border: { bottom: { style: BorderStyle.SINGLE, size: 4, color: '999999', space: 2 } },
        children: [new TextRun({ text, font: FONT, size: 16, color: '555555' })],
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
        children: [new TextRun({ children: parts, font: FONT, size: 16, color: '555555' })],
      }),
      ...(note
        ? [
            new Paragraph({
              alignment: AlignmentType.CENTER,
              children: [new TextRun({ text: note, font: FONT, size: 14, color: 'B00020' })],
            }),
          ]
        : []),
    ],
  });
}

/** `width`: the twips available (the page's text width, or a cell's). */
function blocksToDocx(blocks: BlockModel[], width: number): (Paragraph | Table)[] {
  return blocks.map((block) => {
    switch (block.kind) {
      case 'paragraph':
        return paragraph(block, width);
      case 'table':
        return table(block, width);
      case 'pageBreak':
        return new Paragraph({ children: [new PageBreak()] });
    }
  });
}

function paragraph(p: ParagraphModel, width: number): Paragraph {
  return new Paragraph({
    heading: p.heading ? HEADING[p.heading] : undefined,
    alignment: p.align ? ALIGN[p.align] : undefined,
    keepNext: p.keepNext,
    numbering: p.list
      ? { reference: p.list.ordered ? 'ordered' : 'bullet', level: p.list.level, instance: p.list.instance }
      : undefined,
    children: p.runs.map((r) => run(r, width)),
  });
}

function run(r: RunModel, width: number): ParagraphChild {
  switch (r.kind) {
    case 'text':
      return new TextRun({
        text: r.text,
        bold: r.bold || undefined,
        italics: r.italic || undefined,
        underline: r.underline ? {} : undefined,
        font: FONT,
      });
    case 'break':
      return new TextRun({ break: 1, font: FONT });
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

const CELL_MARGIN = 80; // twips each side, about base.css's cell padding

function table(t: TableModel, width: number): Table {
  const columnWidths = t.widths
    ? t.widths.map((f) => Math.round(f * width))
    : Array.from({ length: t.columns }, () => Math.floor(width / t.columns));
  const spanWidth = (from: number, span: number) => columnWidths.slice(from, from + span).reduce((a, b) => a + b, 0);

  const rows = t.rows.map(
    (row) =>
      new TableRow({
        tableHeader: row.header || undefined,
        cantSplit: true, // as `tr { break-inside: avoid }` in the page CSS
        children: row.cells.map((cell) => {
          const cellWidth = spanWidth(cell.column, cell.colSpan);
          const content = blocksToDocx(cell.blocks, cellWidth - 2 * CELL_MARGIN);
          return new TableCell({
            columnSpan: cell.colSpan > 1 ? cell.colSpan : undefined,
            rowSpan: cell.rowSpan > 1 ? cell.rowSpan : undefined,
            width: { size: cellWidth, type: WidthType.DXA },
            shading: cell.header && !t.plain ? { type: ShadingType.CLEAR, color: 'auto', fill: 'F0F0F0' } : undefined,
            // Word refuses a cell without a paragraph.
            children: content.length > 0 ? content : [new Paragraph({})],
          });
        }),
      }),
  );
  return new Table({
    rows,
    columnWidths,
    width: { size: width, type: WidthType.DXA },
    layout: TableLayoutType.FIXED,
    margins: { left: CELL_MARGIN, right: CELL_MARGIN, top: 20, bottom: 20 },
    borders: t.plain ? TableBorders.NONE : undefined,
  });
}
