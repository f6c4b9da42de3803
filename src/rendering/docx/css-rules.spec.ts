import { describe, expect, it } from '@jest/globals';
import { StyleSheet, declarations } from './css-rules.js';

const el = (tag: string, ...classes: string[]) => ({ tag, classes });

describe('StyleSheet', () => {
  const sheet = StyleSheet.of(`
    /* comment { font-size: 99pt } */
    @page { size: A4; margin: 20mm; }
    @media print { td { font-size: 30pt; } }
    td { font-size: 9pt; }
    table.ledger td { font-size: 8pt; }
    .big { font-size: 12pt; }
    tr > td.num { white-space: nowrap; }
    table > td { font-weight: bold; }
    td:first-child, a[href] { font-size: 40pt; }
    td { font-size: 10pt; }
  `);

  it('applies the most specific rule, the later of equal ones, and the style attribute last', () => {
    expect(sheet.match(el('td'), [el('table'), el('tr')]).fontSize).toEqual({ pt: 10 });
    expect(sheet.match(el('td'), [el('table', 'ledger'), el('tbody'), el('tr')]).fontSize).toEqual({ pt: 8 });
    expect(sheet.match(el('td', 'big'), [el('table', 'ledger'), el('tr')]).fontSize).toEqual({ pt: 8 }); // table.ledger td (1 class, 2 tags) beats .big
    expect(sheet.match(el('td', 'big'), [el('tr')]).fontSize).toEqual({ pt: 12 });
    expect(sheet.match(el('td'), [el('tr')], 'font-size: 7pt').fontSize).toEqual({ pt: 7 });
  });

  it('matches child combinators against the parent only, and skips at-rules and selectors it cannot read', () => {
    expect(sheet.match(el('td', 'num'), [el('table'), el('tr')]).noWrap).toBe(true);
    expect(sheet.match(el('td', 'num'), [el('tr'), el('div')]).noWrap).toBeUndefined();
    expect(sheet.match(el('td'), [el('table'), el('tr')]).bold).toBeUndefined(); // td's parent is tr
    expect(sheet.match(el('a'), []).fontSize).toBeUndefined();
  });

  it('is parsed once per CSS text', () => {
    expect(StyleSheet.of('p { font-size: 9pt }')).toBe(StyleSheet.of('p { font-size: 9pt }'));
  });
});

describe('declarations', () => {
  it('reads the properties the DOCX carries, in the units templates use', () => {
    expect(
      declarations(
        "font-size: 3mm; font-weight: 700; font-family: 'Tenderdesk Serif', serif; line-height: 1.6; white-space: nowrap; width: 12.5%; padding: 0.6mm 1mm",
      ),
    ).toEqual({
      fontSize: { pt: (3 * 72) / 25.4 },
      bold: true,
      face: 'serif',
      lineHeight: { factor: 1.6 },
      noWrap: true,
      widthPct: 12.5,
      paddingLeft: 72 / 25.4,
      paddingRight: 72 / 25.4,
    });
    expect(declarations("font-family: 'Tenderdesk Sans'; font-size: 150%; font-weight: normal")).toEqual({
      face: 'sans',
      fontSize: { factor: 1.5 },
      bold: false,
    });
    expect(declarations('width: 30mm; font-size: large; color: red')).toEqual({});
  });
});

describe('colours', () => {
  it('reads #rgb, #rrggbb and var() of a custom property declared anywhere, with its fallback', () => {
    const sheet = StyleSheet.of(`
      :root { --td-accent: #a01010; }
      h1 { color: var(--td-accent, #111); }
      th { color: var(--not-declared, #123); }
      p { color: #1F4e79; }
      td { color: rgb(1, 2, 3); }
    `);
    expect(sheet.match(el('h1'), []).color).toBe('A01010');
    expect(sheet.match(el('th'), []).color).toBe('112233');
    expect(sheet.match(el('p'), []).color).toBe('1F4E79');
    expect(sheet.match(el('td'), []).color).toBeUndefined();
  });
});
