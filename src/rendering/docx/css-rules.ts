/**
 * The few CSS properties the DOCX carries, read from a document's `<style>` and `style` attributes: font-size,
 * font-weight, font-family (sans or serif face), line-height, white-space (no-wrap), width (percentages, for
 * table columns), horizontal padding (cell margins) and color (`#rgb`, `#rrggbb`, or `var(--name, fallback)` with
 * `--name: #rrggbb` declared in any rule, `:root` included: the clerks' colours, templates/clerk-settings.ts).
 * Everything else in the CSS is the PDF's business and is not read.
 *
 * Selectors: compound selectors of a tag and/or classes (`td`, `.nowrap`, `table.lines.priced`, `*`), joined by
 * descendant (space) or child (`>`) combinators, in comma lists. A selector with anything else in it (attributes,
 * pseudo-classes, siblings) is skipped as a whole, as are at-rules (`@page`, `@media`, `@font-face`): the DOCX then
 * keeps what the rest gives. Precedence: the `style` attribute, then specificity (classes, then tags), then order.
 *
 * Hand-written because the project has no CSS parser among its dependencies and the templates' CSS is ours
 * (base.css and each type's styles.css): a small subset read plainly is enough. A stylesheet is parsed once per
 * distinct CSS text (every statement of a run shares it).
 */

export type Face = 'sans' | 'serif';

/** What the CSS says about one element (only the properties it declares). */
export interface Declared {
  /** Points, or relative to the parent's size (`em`, `%`). */
  fontSize?: { pt: number } | { factor: number };
  bold?: boolean;
  face?: Face;
  /** Unitless or percentage line height (a factor of the font size), or points. */
  lineHeight?: { factor: number } | { pt: number };
  noWrap?: boolean;
  /** Percentage of the containing table (width on col, th or td). */
  widthPct?: number;
  /** Points (a cell's horizontal padding: its margins in the DOCX). */
  paddingLeft?: number;
  paddingRight?: number;
  /** Text colour, `rrggbb` (upper case, no `#`). */
  color?: string;
}

/** An element as the selectors see it. */
export interface ElementRef {
  tag: string;
  classes: readonly string[];
}

interface Compound {
  tag?: string;
  classes: string[];
}
interface Selector {
  /** Right to left: parts[0] is the element itself, parts[i].combinator joins it to parts[i - 1]. */
  parts: { compound: Compound; combinator: ' ' | '>' }[];
  specificity: number;
  order: number;
  declared: Declared;
}

const cache = new Map<string, StyleSheet>();
const CACHE_SIZE = 16;

export class StyleSheet {
  private readonly byTag = new Map<string, Selector[]>();
  private readonly byClass = new Map<string, Selector[]>();
  private readonly universal: Selector[] = [];
  private readonly vars: ReadonlyMap<string, string>;

  /** The parsed stylesheet of this CSS text (kept for the next documents with the same CSS). */
  static of(css: string): StyleSheet {
    let sheet = cache.get(css);
    if (!sheet) {
      sheet = new StyleSheet(css);
      if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value!);
      cache.set(css, sheet);
    }
    return sheet;
  }

  private constructor(css: string) {
    let order = 0;
    const text = css.replace(/\/\*[\s\S]*?\*\//g, '');
    // Custom properties holding a colour, whatever rule declares them (`:root { --td-accent: #1f4e79; }`).
    const vars = new Map<string, string>();
    for (const m of text.matchAll(/(--[\w-]+)\s*:\s*(#[0-9a-f]{3}(?:[0-9a-f]{3})?)\s*[;}]/gi)) {
      vars.set(m[1]!.toLowerCase(), m[2]!);
    }
    this.vars = vars;
    for (const { selectors, body } of rules(text)) {
      const declared = declarations(body, vars);
      if (Object.keys(declared).length === 0) continue; // nothing the DOCX carries
      for (const text of selectors.split(',')) {
        const selector = parseSelector(text.trim(), order++, declared);
        if (!selector) continue;
        const self = selector.parts[0]!.compound;
        const key = self.classes[0];
        if (key !== undefined) push(this.byClass, key, selector);
        else if (self.tag) push(this.byTag, self.tag, selector);
        else this.universal.push(selector);
      }
    }
  }

  /** The declarations that apply to `el` (inside `ancestors`, nearest last), `style` attribute included. */
  match(el: ElementRef, ancestors: readonly ElementRef[], styleAttr?: string): Declared {
    const found: Selector[] = [];
    const consider = (list: Selector[] | undefined) => {
      for (const s of list ?? []) if (!found.includes(s) && matches(s, el, ancestors)) found.push(s);
    };
    consider(this.byTag.get(el.tag));
    for (const c of el.classes) consider(this.byClass.get(c));
    consider(this.universal);
    found.sort((a, b) => a.specificity - b.specificity || a.order - b.order);
    const out: Declared = {};
    for (const s of found) Object.assign(out, s.declared);
    if (styleAttr) Object.assign(out, declarations(styleAttr, this.vars));
    return out;
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Top-level rules; at-rules (with or without a block) are skipped. */
function* rules(css: string): Generator<{ selectors: string; body: string }> {
  let i = 0;
  while (i < css.length) {
    const open = css.indexOf('{', i);
    const semi = css.indexOf(';', i);
    if (open < 0) return;
    const head = css.slice(i, open).trim();
    if (head.startsWith('@') || (semi >= 0 && semi < open && css.slice(i, semi).trim().startsWith('@'))) {
      if (semi >= 0 && semi < open) {
        i = semi + 1; // @import ...; @charset ...;
        continue;
      }
      i = skipBlock(css, open);
      continue;
    }
    const close = css.indexOf('}', open);
    if (close < 0) return;
    yield { selectors: head, body: css.slice(open + 1, close) };
    i = close + 1;
  }
}

/** The index after the block opened at `open` (nested blocks included). */
function skipBlock(css: string, open: number): number {
  let depth = 0;
  for (let i = open; i < css.length; i++) {
    if (css[i] === '{') depth++;
    else if (css[i] === '}' && --depth === 0) return i + 1;
  }
  return css.length;
}

const COMPOUND = /^(\*|[a-z][a-z0-9]*)?((?:\.[\w-]+)*)$/i;

function parseSelector(text: string, order: number, declared: Declared): Selector | undefined {
  const tokens = text
    .replace(/\s*>\s*/g, ' > ')
    .split(/\s+/)
    .filter(Boolean);
  const parts: Selector['parts'] = [];
  let combinator: ' ' | '>' = ' ';
  let classes = 0;
  let tags = 0;
  for (const token of tokens.reverse()) {
    if (token === '>') {
      combinator = '>';
      continue;
    }
    const m = COMPOUND.exec(token);
    if (!m || token === '') return undefined;
    const tag = m[1] && m[1] !== '*' ? m[1].toLowerCase() : undefined;
    const cls = m[2] ? m[2].slice(1).split('.') : [];
    if (parts.length > 0) parts[parts.length - 1]!.combinator = combinator;
    parts.push({ compound: { tag, classes: cls }, combinator: ' ' });
    combinator = ' ';
    classes += cls.length;
    if (tag) tags++;
  }
  if (parts.length === 0 || combinator === '>') return undefined;
  return { parts, specificity: classes * 256 + tags, order, declared };
}

function compoundMatches(c: Compound, el: ElementRef): boolean {
  return (!c.tag || c.tag === el.tag) && c.classes.every((k) => el.classes.includes(k));
}

/** Right to left; a descendant combinator tries every ancestor (backtracking), a child combinator the parent only. */
function matches(s: Selector, el: ElementRef, ancestors: readonly ElementRef[]): boolean {
  if (!compoundMatches(s.parts[0]!.compound, el)) return false;
  const from = (part: number, above: number): boolean => {
    if (part === s.parts.length) return true;
    const { compound } = s.parts[part]!;
    const combinator = s.parts[part - 1]!.combinator;
    if (combinator === '>') {
      const parent = above - 1;
      return parent >= 0 && compoundMatches(compound, ancestors[parent]!) && from(part + 1, parent);
    }
    for (let a = above - 1; a >= 0; a--) {
      if (compoundMatches(compound, ancestors[a]!) && from(part + 1, a)) return true;
    }
    return false;
  };
  return from(1, ancestors.length);
}

const PT_PER: Record<string, number> = { pt: 1, px: 0.75, mm: 72 / 25.4, cm: 72 / 2.54, in: 72 };

/** The declarations of one block (`a: b; c: d`) that the DOCX carries. */
export function declarations(body: string, vars: ReadonlyMap<string, string> = new Map()): Declared {
  const out: Declared = {};
  for (const decl of body.split(';')) {
    const colon = decl.indexOf(':');
    if (colon < 0) continue;
    const prop = decl.slice(0, colon).trim().toLowerCase();
    const value = decl
      .slice(colon + 1)
      .replace(/!important/i, '')
      .trim()
      .toLowerCase();
    switch (prop) {
      case 'font-size': {
        const size = length(value);
        if (size) out.fontSize = size;
        break;
      }
      case 'font-weight':
        if (/^(bold|bolder|[6-9]00)$/.test(value)) out.bold = true;
        else if (/^(normal|lighter|[1-5]00)$/.test(value)) out.bold = false;
        break;
      case 'font-family': {
        // The first family names the face; a later one is only the browser's fallback.
        const first = value.split(',')[0]!.replace(/["']/g, '').trim();
        if (first) out.face = /serif/.test(first) && !/sans/.test(first) ? 'serif' : 'sans';
        break;
      }
      case 'line-height': {
        const m = /^([\d.]+)(%?)$/.exec(value);
        if (m) out.lineHeight = { factor: Number(m[1]) / (m[2] ? 100 : 1) };
        else {
          const l = length(value);
          if (l && 'pt' in l) out.lineHeight = l;
        }
        break;
      }
      case 'white-space':
        if (value === 'nowrap' || value === 'pre') out.noWrap = true;
        else if (value) out.noWrap = false;
        break;
      case 'padding': {
        // 1 to 4 lengths: top, right, bottom, left as CSS spreads them.
        const sides = value.split(/\s+/).map((v) => (v === '0' ? { pt: 0 } : length(v)));
        const right = sides[1] ?? sides[0];
        const left = sides[3] ?? right;
        if (right && 'pt' in right) out.paddingRight = right.pt;
        if (left && 'pt' in left) out.paddingLeft = left.pt;
        break;
      }
      case 'padding-left':
      case 'padding-right': {
        const l = value === '0' ? { pt: 0 } : length(value);
        if (l && 'pt' in l) out[prop === 'padding-left' ? 'paddingLeft' : 'paddingRight'] = l.pt;
        break;
      }
      case 'color': {
        const c = colorOf(value, vars);
        if (c) out.color = c;
        break;
      }
      case 'width': {
        const m = /^([\d.]+)%$/.exec(value);
        if (m && Number(m[1]) > 0) out.widthPct = Number(m[1]);
        break;
      }
    }
  }
  return out;
}

function length(value: string): { pt: number } | { factor: number } | undefined {
  const m = /^([\d.]+)(pt|px|mm|cm|in|em|rem|%)$/.exec(value);
  if (!m) return undefined;
  const n = Number(m[1]);
  if (!Number.isFinite(n) || n <= 0) return undefined;
  if (m[2] === 'em') return { factor: n };
  if (m[2] === '%') return { factor: n / 100 };
  return { pt: n * PT_PER[m[2]!]! };
}

/** `#rgb`, `#rrggbb` or `var(--name, fallback)` as `RRGGBB`; anything else (names, rgb()) is not read. */
function colorOf(value: string, vars: ReadonlyMap<string, string>): string | undefined {
  const v = /^var\(\s*(--[\w-]+)\s*(?:,\s*(.+))?\)$/.exec(value);
  const hex = v ? (vars.get(v[1]!) ?? v[2]?.trim()) : value;
  const m = hex ? /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(hex) : null;
  if (!m) return undefined;
  const h = m[1]!.length === 3 ? [...m[1]!].map((c) => c + c).join('') : m[1]!;
  return h.toUpperCase();
}
