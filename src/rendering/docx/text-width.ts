/**
 * Column widths that hold no-wrap cells (dates, amounts, references) on one line, as a browser widens an
 * automatic-layout column for its `white-space: nowrap` content. Word and LibreOffice wrap text in a fixed-layout
 * table whatever `w:noWrap` says (the property only applies to automatic layout, which each program computes its
 * own way), so the DOCX keeps its fixed layout and gives these columns the width their text needs, taken from the
 * columns that have no such cell.
 *
 * Text width is estimated from the characters, in ems, for the fonts the DOCX names (Microsoft YaHei, SimSun,
 * SimHei and their stand-ins, Noto Sans/Serif SC): CJK characters are one em, digits and Latin letters a little
 * over half of one. The estimates lean wide: a column a few points too wide costs nothing, one too narrow wraps.
 */

export interface TextPiece {
  text: string;
  /** Points. */
  size: number;
  bold: boolean;
}

/** Estimated advance of one character, in ems. */
function charEm(cp: number): number {
  if (cp >= 0x2e80 && !(cp >= 0xff61 && cp <= 0xffdc)) return 1; // CJK, full-width forms (half-width ones excepted)
  if (cp >= 0x30 && cp <= 0x39) return 0.56; // digits
  if (cp === 0x20 || cp === 0xa0) return 0.3;
  if (cp === 0x2c || cp === 0x2e || cp === 0x3a || cp === 0x3b) return 0.3; // , . : ;
  if (cp === 0x2d || cp === 0x2010 || cp === 0x2011) return 0.4; // hyphens
  if (cp >= 0x41 && cp <= 0x5a) return 0.7; // A–Z
  if (cp >= 0x61 && cp <= 0x7a) return 0.58; // a–z
  if (cp === 0x2014 || cp === 0x2026) return 1; // — …
  return 0.62; // ¥ $ % / ( ) and the rest of Latin
}

/** Twips one line of these pieces takes. */
export function lineTwips(pieces: TextPiece[]): number {
  let pt = 0;
  for (const p of pieces) {
    let em = 0;
    for (const ch of p.text) em += charEm(ch.codePointAt(0)!);
    pt += em * p.size * (p.bold ? 1.06 : 1);
  }
  return Math.ceil(pt * 20);
}

/** Slack for rounding in Word's and LibreOffice's layout (a line that fits to the twip may still wrap). */
const SLACK = 40;

/**
 * `declared` (twips per column, summing to the table width) with the columns of `cells` widened to their widest
 * line plus the cell's `padding` (its margins, twips), the width taken from the other columns in proportion to their width,
 * none of them below half its declared width. When the others cannot give it all, the no-wrap columns get what
 * there is, shared by need.
 */
export function fitNoWrapColumns(
  declared: number[],
  cells: { column: number; lines: TextPiece[][]; padding: number }[],
): number[] {
  if (cells.length === 0) return declared;
  const need = declared.map(() => 0);
  for (const cell of cells) {
    for (const line of cell.lines) {
      need[cell.column] = Math.max(need[cell.column]!, lineTwips(line) + cell.padding + SLACK);
    }
  }
  const isNoWrap = need.map((n) => n > 0);
  const short = declared.map((w, c) => Math.max(0, need[c]! - w));
  const deficit = short.reduce((a, b) => a + b, 0);
  if (deficit === 0) return declared;
  const spare = declared.map((w, c) => (isNoWrap[c] ? 0 : Math.floor(w / 2)));
  const available = spare.reduce((a, b) => a + b, 0);
  const taken = Math.min(deficit, available);
  const out = declared.map((w, c) => {
    if (isNoWrap[c]) return w + Math.floor((short[c]! * taken) / deficit);
    return available > 0 ? w - Math.floor((spare[c]! * taken) / available) : w;
  });
  // Rounding: the table keeps its width exactly (the last column takes the difference).
  const total = declared.reduce((a, b) => a + b, 0);
  out[out.length - 1]! += total - out.reduce((a, b) => a + b, 0);
  return out;
}
