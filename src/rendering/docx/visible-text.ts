import { parseBlocks, type BlockModel } from './html-blocks.js';

/**
 * The text a reader sees in the body of a rendered document, in reading order: one line per paragraph and per
 * table row (a row's cells separated by single spaces), no header or footer, no list markers (DOCX numbering is
 * not text either), `&nbsp;` as a plain space. Tests compare it, through `normaliseText`, with the text of the
 * DOCX (python-docx) and of the PDF (pdftotext).
 */
export function visibleText(html: string): string {
  return blocksText(parseBlocks(html));
}

export function blocksText(blocks: BlockModel[]): string {
  return blocks
    .flatMap(blockLines)
    .flatMap((line) => line.split('\n'))
    .map((line) => line.replace(/\s+/g, ' ').trim())
    .filter((line) => line !== '')
    .join('\n');
}

/** Whitespace of any kind (newlines, U+00A0 included) as single spaces: how two texts are compared. */
export function normaliseText(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function blockLines(block: BlockModel): string[] {
  switch (block.kind) {
    case 'paragraph':
      return [block.runs.map((r) => (r.kind === 'text' ? r.text : r.kind === 'break' ? '\n' : '')).join('')];
    case 'table':
      return block.rows.map((row) => row.cells.map((cell) => blocksText(cell.blocks).replace(/\n/g, ' ')).join(' '));
    case 'pageBreak':
      return [];
  }
}
