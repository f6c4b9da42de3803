import { createHash } from 'node:crypto';
import Handlebars from 'handlebars';
import { TENDER_SECTIONS, type TenderSection } from '../tender.entity.js';

/**
 * A tender's own formats (投标文件格式, issue #19): the pure part. A format replaces the body of one section of the
 * `tender-package` template for one tender, or adds a free section of its own (`custom:<slug>`, with a title and a
 * position). The package renders a template composed here from the company's template.hbs: each overridden section's
 * `{{#if (eq section "<key>")}} … {{/if}}` block gets the tender's body, each free section a block of its own after
 * the last section block. The composed files are rendered like any stored version (TemplateEngine, `source`).
 */

/** The package sections a tender may give its own wording (every rendered section; not the table of contents). */
export const FORMAT_SECTIONS = TENDER_SECTIONS.filter((s) => s !== 'toc') as Exclude<TenderSection, 'toc'>[];
export type FormatSection = (typeof FORMAT_SECTIONS)[number];
export type CustomSectionKey = `custom:${string}`;
export type SectionFormatKey = FormatSection | CustomSectionKey;

/** `custom:` and a slug: lower-case letters, digits and dashes, 1 to 40 of them. */
export const CUSTOM_KEY = /^custom:[a-z0-9][a-z0-9-]{0,39}$/;

export const isCustomKey = (key: string): key is CustomSectionKey => CUSTOM_KEY.test(key);
export const isFormatKey = (key: string): key is SectionFormatKey =>
  (FORMAT_SECTIONS as readonly string[]).includes(key) || isCustomKey(key);

/** What a package render needs of one format. */
export interface SectionFormatBody {
  key: SectionFormatKey;
  body: string;
  /** Free sections: their title (outline, table of contents, heading). */
  title: string | null;
  /** Free sections: where they go, an index into the package's sections (toc included); past the end: last. */
  position: number | null;
}

/** What a package version records of each format it used (tender_package_versions.formats). */
export interface UsedFormat {
  key: SectionFormatKey;
  title: string | null;
  /** The format's version number when the package was made. */
  version: number;
  /** SHA-256 of key, title and body (formatHash). */
  hash: string;
  /** The wording itself, so an old package says what it had even after the format changed or was removed. */
  body: string;
}

export function formatHash(f: Pick<SectionFormatBody, 'key' | 'title' | 'body'>): string {
  return createHash('sha256')
    .update(`${f.key}\0${f.title ?? ''}\0`)
    .update(f.body, 'utf8')
    .digest('hex');
}

interface Located {
  key: string;
  /** Offsets into the source: the block's start and end, its content's start and end. */
  start: number;
  end: number;
  innerStart: number;
  innerEnd: number;
}

/**
 * The section blocks of a package template: every `{{#if (eq section "<key>")}}` block (at any depth), in source
 * order, with where its content is. A company's template that dropped a section's block has none for that key.
 */
export function sectionBlocks(template: string): Located[] {
  const ast = Handlebars.parse(template);
  const lineStarts = [0];
  for (let i = 0; i < template.length; i++) if (template[i] === '\n') lineStarts.push(i + 1);
  const offset = (p: hbs.AST.Position) => lineStarts[p.line - 1]! + p.column;
  const found: Located[] = [];
  const visit = (program: hbs.AST.Program | undefined): void => {
    for (const s of program?.body ?? []) {
      if (s.type !== 'BlockStatement') continue;
      const b = s as hbs.AST.BlockStatement;
      const key = sectionTest(b);
      if (key !== null && !b.inverse) {
        const start = offset(b.loc.start);
        const end = offset(b.loc.end);
        const source = template.slice(start, end);
        const open = source.indexOf('}}') + 2;
        const close = source.lastIndexOf('{{');
        found.push({ key, start, end, innerStart: start + open, innerEnd: start + close });
        continue;
      }
      visit(b.program);
      visit(b.inverse);
    }
  };
  visit(ast);
  return found;
}

/** `{{#if (eq section "bid_letter")}}` -> "bid_letter"; any other block -> null. */
function sectionTest(b: hbs.AST.BlockStatement): string | null {
  if (b.path.type !== 'PathExpression' || (b.path as hbs.AST.PathExpression).original !== 'if') return null;
  const test = b.params[0];
  if (b.params.length !== 1 || test?.type !== 'SubExpression') return null;
  const sub = test as hbs.AST.SubExpression;
  if ((sub.path as hbs.AST.PathExpression).original !== 'eq' || sub.params.length !== 2) return null;
  const [a, k] = sub.params;
  if (a?.type !== 'PathExpression' || (a as hbs.AST.PathExpression).original !== 'section') return null;
  return k?.type === 'StringLiteral' ? (k as hbs.AST.StringLiteral).value : null;
}

/** The company's markup of one section (the starting point of a tender's format); null: its template has none. */
export function sectionMarkup(template: string, key: string): string | null {
  const block = sectionBlocks(template).find((b) => b.key === key);
  return block ? trimLines(template.slice(block.innerStart, block.innerEnd)) : null;
}

/** The starting point of a free section: its title is printed by the package; the body is the tender's text. */
export const FREE_SECTION_START = '<p class="indent"></p>';

/**
 * The package template with the tender's formats in: each overridden section's block content replaced, each free
 * section a block of its own (its title as the heading) after the last section block. `null` for a key the template
 * has no block for: the caller refuses it (a company template that dropped the section).
 */
export function composeTemplate(
  template: string,
  formats: readonly Pick<SectionFormatBody, 'key' | 'body'>[],
): { template: string; missing: string[] } {
  if (!formats.length) return { template, missing: [] };
  const blocks = sectionBlocks(template);
  const missing: string[] = [];
  const edits: { start: number; end: number; text: string }[] = [];
  const free: string[] = [];
  for (const f of formats) {
    if (isCustomKey(f.key)) {
      free.push(
        `{{#if (eq section "${f.key}")}}\n  <h1 class="text-center">{{lookup titles section}}</h1>\n${f.body}\n{{/if}}\n`,
      );
      continue;
    }
    const block = blocks.find((b) => b.key === f.key);
    if (!block) missing.push(f.key);
    else edits.push({ start: block.innerStart, end: block.innerEnd, text: `\n${f.body}\n` });
  }
  if (free.length) {
    if (!blocks.length) missing.push(...formats.filter((f) => isCustomKey(f.key)).map((f) => f.key));
    else {
      const last = blocks[blocks.length - 1]!;
      edits.push({ start: last.end, end: last.end, text: `\n${free.join('')}` });
    }
  }
  let out = template;
  for (const e of edits.sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return { template: out, missing };
}

/**
 * The order of a package's sections with the free sections in: each at its position (an index into the order;
 * past the end: last), in the order of their positions, ties by key.
 */
export function withFreeSections<K extends string>(
  order: readonly K[],
  free: readonly Pick<SectionFormatBody, 'key' | 'position'>[],
): (K | CustomSectionKey)[] {
  const out: (K | CustomSectionKey)[] = [...order];
  const sorted = free
    .filter((f) => isCustomKey(f.key))
    .sort((a, b) => (a.position ?? Infinity) - (b.position ?? Infinity) || a.key.localeCompare(b.key));
  for (const [i, f] of sorted.entries()) {
    // Positions count the tender's own sections: the free sections placed before this one shift it by i.
    const at = Math.min(Math.max(0, (f.position ?? out.length) + i), out.length);
    out.splice(at, 0, f.key as CustomSectionKey);
  }
  return out;
}

/** Drops the common indentation and the blank first and last lines of a block's content. */
function trimLines(text: string): string {
  const lines = text
    .replace(/^\s*\n/, '')
    .replace(/\n\s*$/, '')
    .split('\n');
  const indent = Math.min(...lines.filter((l) => l.trim()).map((l) => /^ */.exec(l)![0].length));
  return lines.map((l) => l.slice(Number.isFinite(indent) ? indent : 0)).join('\n');
}
