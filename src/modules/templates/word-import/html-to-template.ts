import Handlebars from 'handlebars';
import { parseDocument } from 'htmlparser2';
import { HELPER_NAMES } from '../../../rendering/templates/helpers.js';
import type { ImportWarnings } from './import-warnings.js';

/**
 * mammoth's HTML -> a template.hbs in the subset the DOCX mapping reads (src/rendering/docx/html-blocks.ts) and the
 * template engine accepts (src/rendering/templates/template-engine.ts):
 * - elements: h1–h6, p, br, strong, em, u, table/thead/tbody/tr/th/td (colspan, rowspan), ul/ol/li, img with a PNG or
 *   JPEG data: URI; classes text-left/center/right, and plain on a table (no borders). Anything else keeps its text and loses its tag, with a
 *   warning (hyperlinks, struck-out text, superscripts…); bookmarks go silently.
 * - `{{…}}` typed in Word stays a Handlebars expression, also when Word split it over runs of different formatting
 *   (the expression moves whole into its first run). Curly quotes and full-width braces typed by an IME are made
 *   ASCII inside it. An expression the engine would refuse (unknown helper, `{{{ }}}`, unknown partial, a syntax
 *   error) is dropped with a warning, and other `{{` text is escaped, so the result always compiles.
 * - Blocks (`{{#each lines}}…{{/each}}`, `{{#if}}`) must open and close within one paragraph, cell or row, so the
 *   HTML stays well-formed whatever the data; two shapes span more:
 *   - a paragraph holding only block markers (or a partial) is not a paragraph: its markers stand between the
 *     blocks around it, so `{{#if x}}` on a line of its own before a table and `{{/if}}` after it wrap the table;
 *   - a table row whose first cell starts with openers and whose last cell ends with closers is wrapped by them
 *     (the row repeats for `{{#each lines}}`); a row that held nothing else is left out (marker rows).
 */

type DomNode = ReturnType<typeof parseDocument>['children'][number];
type DomElement = Extract<DomNode, { attribs: Record<string, string> }>;
type DomText = Extract<DomNode, { data: string }>;

function isElement(n: DomNode): n is DomElement {
  return 'attribs' in n && 'name' in n;
}
function isText(n: DomNode): n is DomText {
  return n.type === 'text' && 'data' in n;
}

const COMPILE_OPTIONS = {
  knownHelpers: Object.fromEntries(HELPER_NAMES.map((n) => [n, true])),
  knownHelpersOnly: true,
} as const;

/** A mustache: `{{{…}}}` first, so that a triple is not read as a double with a stray brace; no brace inside. */
const MUSTACHE = /\{\{\{[^{}]*\}\}\}|\{\{[^{}]*\}\}/g;
const LEADING_OPENERS = /^\s*((?:\{\{[#^][^{}]*\}\}\s*)+)/;
const TRAILING_CLOSERS = /((?:\s*\{\{\/[^{}]*\}\})+)\s*$/;
const MARKERS_ONLY = /^(\s*\{\{\s*(?:[#^/>][^{}]*|else(?:\s[^{}]*)?)\}\}\s*)+$/;

const LEAF_BLOCKS = new Set(['p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'li']);
/** Where a run of text ends: an expression never spans these. */
const TEXT_BOUNDARIES = new Set([...LEAF_BLOCKS, 'td', 'th', 'tr', 'table', 'ul', 'ol', 'br', 'img']);
const INLINE = { strong: 'strong', b: 'strong', em: 'em', i: 'em', u: 'u' } as const;
const ALIGN_CLASSES = new Set(['text-left', 'text-center', 'text-right']);
const IMAGE_SRC = /^data:image\/(png|jpeg);base64,[A-Za-z0-9+/=]+$/;

interface Marker {
  kind: 'open' | 'close' | 'else';
  name: string;
  text: string;
  dropped: boolean;
}
type Piece = string | Marker;

export function htmlToTemplate(html: string, partials: readonly string[], warnings: ImportWarnings): string {
  const dom = parseDocument(html);
  for (const group of textGroups(dom.children)) joinExpressions(group);
  return new TemplateWriter(partials, warnings).write(dom.children);
}

// ---- expressions across runs ----

/** The text nodes of the document, in order, cut at every block boundary. */
function textGroups(nodes: DomNode[]): DomText[][] {
  const groups: DomText[][] = [[]];
  const walk = (list: DomNode[]) => {
    for (const n of list) {
      if (isText(n)) {
        n.data = n.data.replace(/｛｛/g, '{{').replace(/｝｝/g, '}}');
        groups[groups.length - 1].push(n);
      } else if (isElement(n)) {
        const boundary = TEXT_BOUNDARIES.has(n.name);
        if (boundary) groups.push([]);
        walk(n.children);
        if (boundary) groups.push([]);
      }
    }
  };
  walk(nodes);
  return groups.filter((g) => g.length > 1);
}

/** Moves every expression that spans several text nodes whole into the first of them. */
function joinExpressions(nodes: DomText[]): void {
  const starts: number[] = [];
  let text = '';
  for (const n of nodes) {
    starts.push(text.length);
    text += n.data;
  }
  const nodeAt = (offset: number) => {
    let i = 0;
    while (i + 1 < nodes.length && starts[i + 1] <= offset) i++;
    return i;
  };
  // From the last to the first, so that the offsets of those still to do stay true.
  for (const m of [...text.matchAll(MUSTACHE)].reverse()) {
    const from = nodeAt(m.index);
    const to = nodeAt(m.index + m[0].length - 1);
    if (from === to) continue;
    nodes[from].data = nodes[from].data.slice(0, m.index - starts[from]) + m[0];
    for (let k = from + 1; k < to; k++) nodes[k].data = '';
    nodes[to].data = nodes[to].data.slice(m.index + m[0].length - starts[to]);
  }
}

// ---- writing ----

class TemplateWriter {
  private out: Piece[] = [];
  private readonly open: Marker[] = [];
  /** For each element being written, how many blocks were open when it started: its own must close inside it. */
  private readonly scopes: number[] = [0];
  /** Inside a cell, paragraphs follow one another on a line: a row is a line of the source. */
  private cells = 0;
  private readonly checked = new Map<string, string | undefined>();

  constructor(
    private readonly partials: readonly string[],
    private readonly warnings: ImportWarnings,
  ) {}

  write(nodes: DomNode[]): string {
    this.nodes(nodes);
    this.closeScope(0);
    return this.out
      .map((p) => (typeof p === 'string' ? p : p.dropped ? '' : p.text))
      .join('')
      .replace(/\n{3,}/g, '\n\n')
      .trim();
  }

  private nodes(nodes: DomNode[]): void {
    for (const n of nodes) {
      if (isText(n)) this.text(n.data);
      else if (isElement(n)) this.element(n);
    }
  }

  private element(el: DomElement): void {
    const name = el.name.toLowerCase();
    if (LEAF_BLOCKS.has(name)) return this.block(el, name);
    if (Object.hasOwn(INLINE, name)) {
      if (textOf(el) === '' && !el.children.some(isElement)) return; // its text moved into an expression before it
      const tag = INLINE[name as keyof typeof INLINE];
      return this.scoped(`<${tag}>`, `</${tag}>`, () => this.nodes(el.children));
    }
    switch (name) {
      case 'br':
        this.out.push('<br>');
        return;
      case 'img':
        // mammoth's image converter (word-import.ts) already refused, with a warning, what this does not keep.
        if (IMAGE_SRC.test(el.attribs.src ?? '')) this.out.push(`<img src="${el.attribs.src}">`);
        return;
      case 'table':
        return this.table(el);
      case 'ul':
      case 'ol':
        return this.scoped(`<${name}>\n`, `</${name}>\n`, () => this.nodes(el.children));
      case 'a':
        // Bookmarks (`<a id>`) carry nothing; a link's text stays.
        if (el.attribs.href) this.warnings.add('hyperlink', el.attribs.href);
        return this.nodes(el.children);
      default:
        this.warnings.add('element', name);
        return this.nodes(el.children);
    }
  }

  /** A paragraph, heading or list item; one of only block markers is written as its markers alone. */
  private block(el: DomElement, name: string): void {
    const text = textOf(el);
    if (text.trim() === '' && !hasImage(el)) return; // what held only a dropped image, or bookmarks
    if (name !== 'li' && MARKERS_ONLY.test(text) && !hasImage(el)) {
      this.text(text);
      this.out.push('\n');
      return;
    }
    const cls = classAttr(el);
    this.scoped(`<${name}${cls}>`, `</${name}>${this.cells > 0 ? '' : '\n'}`, () => this.nodes(el.children));
  }

  private table(el: DomElement): void {
    const plain = (el.attribs.class ?? '').split(/\s+/).includes('plain') ? ' class="plain"' : '';
    this.scoped(`<table${plain}>\n`, '</table>\n', () => {
      for (const part of el.children) {
        if (!isElement(part)) continue;
        if (part.name === 'tr') this.row(part);
        else if (part.name === 'thead' || part.name === 'tbody' || part.name === 'tfoot') {
          this.scoped(`<${part.name}>\n`, `</${part.name}>\n`, () =>
            part.children.filter(isElement).forEach((tr) => tr.name === 'tr' && this.row(tr)),
          );
        }
      }
    });
  }

  private row(tr: DomElement): void {
    const texts = textNodes(tr).filter((t) => t.data.trim() !== '');
    const first = texts[0];
    const last = texts[texts.length - 1];
    const before = first ? LEADING_OPENERS.exec(first.data) : null;
    if (before) first.data = first.data.slice(before[0].length);
    const after = last ? TRAILING_CLOSERS.exec(last.data) : null;
    if (after) last.data = last.data.slice(0, after.index);
    if (before) this.text(before[1]);
    if (textOf(tr).trim() !== '' || hasImage(tr)) {
      this.scoped('<tr>', '</tr>\n', () => {
        for (const cell of tr.children) {
          if (!isElement(cell) || (cell.name !== 'td' && cell.name !== 'th')) continue;
          const span = ['colspan', 'rowspan']
            .filter((a) => /^[1-9]\d{0,2}$/.test(cell.attribs[a] ?? '') && cell.attribs[a] !== '1')
            .map((a) => ` ${a}="${cell.attribs[a]}"`)
            .join('');
          this.cells++;
          this.scoped(`<${cell.name}${span}${classAttr(cell)}>`, `</${cell.name}>`, () => this.nodes(cell.children));
          this.cells--;
        }
      });
    }
    if (after) this.text(after[1]);
    if (before || after) this.out.push('\n');
  }

  /** Writes `open`, the content and `close`; blocks opened inside must close inside. */
  private scoped(open: string, close: string, content: () => void): void {
    this.out.push(open);
    this.scopes.push(this.open.length);
    content();
    this.closeScope(this.scopes.pop()!);
    this.out.push(close);
  }

  private closeScope(base: number): void {
    while (this.open.length > base) {
      const marker = this.open.pop()!;
      marker.dropped = true;
      this.warnings.add('unclosed', marker.text);
    }
  }

  // ---- text and expressions ----

  private text(data: string): void {
    let at = 0;
    for (const m of data.matchAll(MUSTACHE)) {
      this.literal(data.slice(at, m.index), true);
      this.expression(m[0]);
      at = m.index + m[0].length;
    }
    this.literal(data.slice(at), false);
  }

  private literal(text: string, beforeExpression: boolean): void {
    if (text === '') return;
    let escaped = text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\{\{/g, '\\{{');
    // A backslash right before a mustache would escape it: Handlebars reads `\\{{` as a backslash, then the mustache.
    if (beforeExpression && escaped.endsWith('\\')) escaped += '\\';
    this.out.push(escaped);
  }

  private expression(typed: string): void {
    const source = typed
      .replace(/[“”„]/g, '"')
      .replace(/[‘’]/g, "'")
      .replace(/[\u00a0\u3000]/g, ' ');
    const inner = source.slice(2, -2).trim();
    if (source.startsWith('{{{') || inner.startsWith('&')) return this.warnings.add('raw', typed);
    if (inner.startsWith('!')) return void this.out.push(source); // a comment
    if (inner.startsWith('>')) {
      const name = inner.slice(1).trim();
      if (this.partials.includes(name)) this.out.push(`{{> ${name}}}`);
      else this.warnings.add('partial', typed, this.partials.join(', '));
      return;
    }
    if (inner.startsWith('#') || (inner.startsWith('^') && inner !== '^')) {
      const name = /^[#^]\s*([^\s}]+)/.exec(inner)?.[1] ?? '';
      const problem = this.compileProblem(`${source}{{/${name}}}`);
      if (problem) return this.warnings.add('expression', typed, problem);
      const marker: Marker = { kind: 'open', name, text: source, dropped: false };
      this.open.push(marker);
      this.out.push(marker);
      return;
    }
    if (inner.startsWith('/')) {
      const name = inner.slice(1).trim();
      const base = this.scopes[this.scopes.length - 1];
      if (this.open.length > base && this.open[this.open.length - 1].name === name) {
        this.open.pop();
        this.out.push(source);
      } else {
        this.warnings.add('unopened', typed);
      }
      return;
    }
    if (inner === 'else' || inner === '^' || inner.startsWith('else ')) {
      const problem = this.compileProblem(`{{#if x}}${source}{{/if}}`);
      if (problem) return this.warnings.add('expression', typed, problem);
      if (this.open.length > this.scopes[this.scopes.length - 1]) this.out.push(source);
      else this.warnings.add('unopened', typed);
      return;
    }
    const problem = this.compileProblem(source);
    if (problem) return this.warnings.add('expression', typed, problem);
    this.out.push(source);
  }

  /** compileProblem, once per distinct expression: a long table repeats the same few (precompile is ~0.3 ms). */
  private compileProblem(source: string): string | undefined {
    if (!this.checked.has(source)) this.checked.set(source, compileProblem(source));
    return this.checked.get(source);
  }
}

/** Why the template engine would refuse this source (the same compile options), or undefined. */
function compileProblem(source: string): string | undefined {
  try {
    Handlebars.precompile(source, COMPILE_OPTIONS);
    return undefined;
  } catch (e) {
    // Parse errors say where on their first lines and what was wrong on their last.
    const lines = String((e as Error).message)
      .trim()
      .split('\n');
    return lines[lines.length - 1].replace(/ - \d+:\d+$/, '').trim();
  }
}

// ---- DOM reading ----

function textNodes(el: DomElement): DomText[] {
  return el.children.flatMap((n) => (isText(n) ? [n] : isElement(n) ? textNodes(n) : []));
}

function textOf(el: DomElement): string {
  return textNodes(el)
    .map((t) => t.data)
    .join('');
}

/** An image kept: mammoth's converter leaves the source empty for those it refused. */
function hasImage(el: DomElement): boolean {
  return el.children.some(
    (n) => isElement(n) && ((n.name === 'img' && IMAGE_SRC.test(n.attribs.src ?? '')) || hasImage(n)),
  );
}

function classAttr(el: DomElement): string {
  const kept = (el.attribs.class ?? '').split(/\s+/).filter((c) => ALIGN_CLASSES.has(c));
  return kept.length ? ` class="${kept.join(' ')}"` : '';
}
