import { isPriceField } from '../../common/amount-redaction.js';
import { DOCX_ELEMENTS } from '../docx/html-blocks.js';
import { builtInDataContract, type DataContract, type ProductionAudience } from './data-contract.js';
import { HELPER_NAMES } from './helpers.js';
import { checkClerkSettings, ClerkSettingCode } from './clerk-settings.js';
import { checkTemplateSource, readMetaShape, type TemplateEngine } from './template-engine.js';
import type { TemplateFileName, TemplateFiles } from './template-source.js';

/**
 * Template guardrails: what a template store checks when a draft of a document type is saved, before anyone renders
 * it. Pure functions of the files, the engine's partial names and the type's data contract (data-contract.ts);
 * each problem has a stable code, a severity, the file and, where it has one, the line and column (1-based).
 * An error means the draft must not be published; a warning is shown to its author.
 */
export const GuardrailCode = {
  /** The engine refuses the file: Handlebars syntax, `{{{ }}}`/`{{& }}`, `<script>`, an unknown helper or partial. */
  TEMPLATE_INVALID: 'TEMPLATE_INVALID',
  /** meta.json is not JSON or not the shape the engine reads. */
  META_INVALID: 'META_INVALID',
  /** An element the DOCX mapping (docx/html-blocks.ts, DOCX_ELEMENTS) does not carry: `element` names it. */
  DOCX_UNSUPPORTED_ELEMENT: 'DOCX_UNSUPPORTED_ELEMENT',
  /** An element whose name comes from data (`<{{tag}}>`): no one can say what it will be. */
  DOCX_DYNAMIC_ELEMENT: 'DOCX_DYNAMIC_ELEMENT',
  /** `<img src="…">` written in the template that is not a data: PNG/JPEG URI: nothing is fetched, DOCX drops it. */
  DOCX_IMAGE_SOURCE: 'DOCX_IMAGE_SOURCE',
  /** styles.css fetches something (`@import`, `url()` other than data:): the renderer blocks every request. */
  CSS_EXTERNAL_RESOURCE: 'CSS_EXTERNAL_RESOURCE',
  /** styles.css writes text (`content:`): it would be in the PDF and not in the DOCX. */
  CSS_GENERATED_CONTENT: 'CSS_GENERATED_CONTENT',
  /** meta.json requires a field the type's data never has: every render would fail. */
  REQUIRED_FIELD_UNKNOWN: 'REQUIRED_FIELD_UNKNOWN',
  /** A production copy reaches a price field, or formats an amount (`money`, `capital`). */
  PRODUCTION_PRICE_FIELD: 'PRODUCTION_PRICE_FIELD',
  /** A field the type's data contract does not have (a typo, or a field of another type): it prints nothing. */
  FIELD_UNKNOWN: 'FIELD_UNKNOWN',
  // The clerks' fields of meta.json (clerk-settings.ts), each its own code:
  /** A key meta.json, its letterhead, letterhead.show, letterhead.lines or theme does not have. */
  META_UNKNOWN_KEY: ClerkSettingCode.META_UNKNOWN_KEY,
  /** A colour (letterhead.color, theme.accent) that is not #rrggbb. */
  META_COLOR_INVALID: ClerkSettingCode.META_COLOR_INVALID,
  /** A clerk's field of the wrong kind (align, show, lines, letterhead or theme not an object). */
  META_VALUE_INVALID: ClerkSettingCode.META_VALUE_INVALID,
  /** letterhead.logo is not a data: URI of a PNG or JPEG (by its magic bytes). */
  LETTERHEAD_LOGO_INVALID: ClerkSettingCode.LETTERHEAD_LOGO_INVALID,
  /** letterhead.logo is larger than 256 KB decoded. */
  LETTERHEAD_LOGO_TOO_LARGE: ClerkSettingCode.LETTERHEAD_LOGO_TOO_LARGE,
  /** More than 4 extra letterhead lines in a locale. */
  LETTERHEAD_LINES_TOO_MANY: ClerkSettingCode.LETTERHEAD_LINES_TOO_MANY,
  /** An extra letterhead line longer than 120 characters. */
  LETTERHEAD_LINE_TOO_LONG: ClerkSettingCode.LETTERHEAD_LINE_TOO_LONG,
} as const;
export type GuardrailCode = (typeof GuardrailCode)[keyof typeof GuardrailCode];

const SEVERITY: Record<GuardrailCode, 'error' | 'warning'> = {
  TEMPLATE_INVALID: 'error',
  META_INVALID: 'error',
  DOCX_UNSUPPORTED_ELEMENT: 'error',
  DOCX_DYNAMIC_ELEMENT: 'error',
  DOCX_IMAGE_SOURCE: 'error',
  CSS_EXTERNAL_RESOURCE: 'error',
  CSS_GENERATED_CONTENT: 'error',
  REQUIRED_FIELD_UNKNOWN: 'error',
  PRODUCTION_PRICE_FIELD: 'error',
  FIELD_UNKNOWN: 'warning',
  META_UNKNOWN_KEY: 'error',
  META_COLOR_INVALID: 'error',
  META_VALUE_INVALID: 'error',
  LETTERHEAD_LOGO_INVALID: 'error',
  LETTERHEAD_LOGO_TOO_LARGE: 'error',
  LETTERHEAD_LINES_TOO_MANY: 'error',
  LETTERHEAD_LINE_TOO_LONG: 'error',
};

// A document type's files as the store holds them (the names of a `templates/<type>/` folder).
export type { TemplateFileName, TemplateFiles } from './template-source.js';

export interface TemplateProblem {
  code: GuardrailCode;
  severity: 'error' | 'warning';
  file: TemplateFileName;
  line?: number;
  column?: number;
  message: string;
  /** The offending element's name (DOCX_* codes). */
  element?: string;
  /** The field as the contract writes it (`lines[].unitPrice`); a clerk's setting's path in meta.json (`letterhead.color`). */
  field?: string;
}

export interface GuardrailInput {
  type: string;
  files: TemplateFiles;
  /** The partials `{{> name}}` may use: TemplateEngine.partialNames(). */
  partials: Iterable<string>;
  /** The type's contract: builtInDataContract(engine.root, type), or dataContract() from samples. */
  contract: DataContract;
}

/** The content elements of the DOCX subset (the skipped ones, such as `<style>`, are not content to allow). */
const ALLOWED_ELEMENTS: ReadonlySet<string> = new Set(
  Object.entries(DOCX_ELEMENTS)
    .filter(([group]) => group !== 'skipped')
    .flatMap(([, names]) => names),
);
/** Helpers that print an amount. */
const MONEY_HELPERS = new Set(['money', 'capital']);
/** Every name `{{name}}` calls rather than looks up: ours and Handlebars' own. */
const HELPERS = new Set([...HELPER_NAMES, 'if', 'unless', 'each', 'with', 'lookup', 'log']);
const HBS_FILES = ['template.hbs', 'header.hbs', 'footer.hbs'] as const;

/** All problems of a draft, errors and warnings, in file order then by line. */
export function checkTemplate(input: GuardrailInput): TemplateProblem[] {
  const { type, files, contract } = input;
  if (contract.type !== type) throw new Error(`the data contract is ${contract.type}'s, not ${type}'s`);
  const partials = new Set(input.partials);
  const problems: TemplateProblem[] = [];

  for (const file of HBS_FILES) {
    const source = files[file];
    if (source === undefined) continue;
    const { ast, problem } = checkTemplateSource(source, partials);
    if (problem) {
      problems.push(problemOf('TEMPLATE_INVALID', file, problem.reason, problem));
    }
    if (!ast) continue; // nothing more can be said of a file that does not parse
    problems.push(...byPosition([...checkMarkup(file, ast), ...checkFields(file, ast, contract)]));
  }
  if (files['styles.css'] !== undefined) problems.push(...byPosition(checkCss(files['styles.css'])));
  if (files['meta.json'] !== undefined) problems.push(...checkMeta(files['meta.json'], contract));
  return problems;
}

/** The store's call on save: a draft of one of `engine`'s built-in types, checked against that type's samples. */
export function checkDraft(engine: TemplateEngine, type: string, files: TemplateFiles): TemplateProblem[] {
  return checkTemplate({
    type,
    files,
    partials: engine.partialNames(),
    contract: builtInDataContract(engine.root, type),
  });
}

function problemOf(
  code: GuardrailCode,
  file: TemplateFileName,
  message: string,
  where: { line?: number; column?: number } = {},
  extra: { element?: string; field?: string } = {},
): TemplateProblem {
  return { code, severity: SEVERITY[code], file, line: where.line, column: where.column, message, ...extra };
}

const byPosition = (problems: TemplateProblem[]) =>
  problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));

// ---- positions ----

interface Position {
  line: number;
  column: number;
}

/** Where `index` of `text` is, when `text` starts at `start` (Handlebars: line 1-based, column 0-based). */
function positionIn(text: string, index: number, start: hbs.AST.Position): Position {
  const lines = text.slice(0, index).split('\n');
  const last = lines[lines.length - 1];
  return lines.length === 1
    ? { line: start.line, column: start.column + last.length + 1 }
    : { line: start.line + lines.length - 1, column: last.length + 1 };
}

const positionOf = (loc: hbs.AST.SourceLocation): Position => ({ line: loc.start.line, column: loc.start.column + 1 });

/** HTML comments are not markup: blanked, newlines kept, so positions stay right. */
const blankComments = (text: string) => text.replace(/<!--[\s\S]*?(-->|$)/g, (c) => c.replace(/[^\n]/g, ' '));

// ---- markup: the DOCX subset ----

/**
 * The HTML is in the template's content statements (mustaches print escaped text, never markup), so the elements
 * are found there. A tag whose name is printed from data (`<{{x}}`) can be any element: refused as such.
 */
function checkMarkup(file: TemplateFileName, ast: hbs.AST.Program): TemplateProblem[] {
  const problems: TemplateProblem[] = [];
  for (const content of contentStatements(ast)) {
    // `original` is the source as written (`value` has whitespace control applied), so positions are the file's;
    // Handlebars' typings call it StripFlags, it is the string.
    const text = blankComments((content as unknown as { original: string }).original);
    for (const m of text.matchAll(/<([a-zA-Z][a-zA-Z0-9-]*)/g)) {
      const element = m[1].toLowerCase();
      // <script> is the engine's to refuse (TEMPLATE_INVALID): not said twice.
      if (ALLOWED_ELEMENTS.has(element) || element === 'script') continue;
      problems.push(
        problemOf(
          'DOCX_UNSUPPORTED_ELEMENT',
          file,
          `<${element}> is not in the HTML subset the DOCX carries (${[...ALLOWED_ELEMENTS].join(', ')})`,
          positionIn(text, m.index, content.loc.start),
          { element },
        ),
      );
    }
    const open = /<\/?$/.exec(text);
    if (open) {
      problems.push(
        problemOf(
          'DOCX_DYNAMIC_ELEMENT',
          file,
          'an element name must be written in the template, not printed from data',
          positionIn(text, open.index, content.loc.start),
        ),
      );
    }
    for (const m of text.matchAll(/<img\b[^>]*?\ssrc\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))/gi)) {
      const src = m[1] ?? m[2] ?? m[3];
      if (/^data:image\/(png|jpe?g);base64,/i.test(src.trim())) continue;
      problems.push(
        problemOf(
          'DOCX_IMAGE_SOURCE',
          file,
          'an image written in a template must be a data: URI (PNG or JPEG): nothing is fetched, and the DOCX carries no other',
          positionIn(text, m.index, content.loc.start),
          { element: 'img' },
        ),
      );
    }
  }
  return problems;
}

function contentStatements(ast: hbs.AST.Program): hbs.AST.ContentStatement[] {
  const found: hbs.AST.ContentStatement[] = [];
  const visit = (program: hbs.AST.Program | undefined): void => {
    for (const s of program?.body ?? []) {
      if (s.type === 'ContentStatement') found.push(s as hbs.AST.ContentStatement);
      else if (s.type === 'BlockStatement' || s.type === 'PartialBlockStatement' || s.type === 'DecoratorBlock') {
        const b = s as hbs.AST.BlockStatement;
        visit(b.program);
        visit(b.inverse);
      }
    }
  };
  visit(ast);
  return found;
}

// ---- fields ----

interface FieldUse extends Position {
  field: string;
  /** Printed in the production copy (not only in a branch a production copy never takes). */
  production: boolean;
}

interface Scope {
  /** The context's path in the contract ('' for the root); null when it cannot be known (a dynamic lookup). */
  path: string | null;
  /** Block parameters (`as |line i|`) and the paths they stand for. */
  params: Map<string, string | null>;
}

function checkFields(file: TemplateFileName, ast: hbs.AST.Program, contract: DataContract): TemplateProblem[] {
  const walker = new FieldWalker(contract.production?.audience);
  walker.program(ast, [{ path: '', params: new Map() }], contract.production !== undefined);
  const problems: TemplateProblem[] = [];
  for (const use of walker.uses) {
    if (use.production && isPriceField(use.field)) {
      problems.push(
        problemOf(
          'PRODUCTION_PRICE_FIELD',
          file,
          `"${use.field}" is a price field: the production copy of ${contract.type} prints no price or amount`,
          use,
          { field: use.field },
        ),
      );
    }
    if (!isKnown(contract.fields, use.field)) {
      problems.push(
        problemOf(
          'FIELD_UNKNOWN',
          file,
          `"${use.field}" is not a field of ${contract.type}'s data: it prints nothing`,
          use,
          { field: use.field },
        ),
      );
    }
  }
  for (const call of walker.moneyCalls) {
    problems.push(
      problemOf(
        'PRODUCTION_PRICE_FIELD',
        file,
        `{{${call.helper}}} prints an amount: the production copy of ${contract.type} prints no price or amount`,
        call,
      ),
    );
  }
  return problems;
}

/** Known: in the contract, or the `length` of something that is (a list's or a string's). */
function isKnown(fields: ReadonlySet<string>, field: string): boolean {
  if (fields.has(field)) return true;
  const length = /^(.+)\.length$/.exec(field);
  return length !== null && fields.has(length[1]);
}

const UNKNOWN = Symbol('unknown');

/**
 * Walks a template's Handlebars AST and records every field it reads, resolved against the context it is read in:
 * `#each list` reads `list[]`, `#with x` reads `x`, `../` climbs, `@root.` starts over, `as |p|` names the context.
 * For a type whose production copy is a value of a field (`audience` "production"), a branch that the copy never
 * takes (`{{#if (eq audience "finance")}}`) is walked as not production's.
 */
class FieldWalker {
  readonly uses: FieldUse[] = [];
  readonly moneyCalls: (Position & { helper: string })[] = [];

  constructor(private readonly audience: ProductionAudience | undefined) {}

  program(program: hbs.AST.Program | undefined, scopes: Scope[], production: boolean): void {
    for (const s of program?.body ?? []) this.statement(s, scopes, production);
  }

  private statement(s: hbs.AST.Statement, scopes: Scope[], production: boolean): void {
    switch (s.type) {
      case 'MustacheStatement':
        this.call(s as hbs.AST.MustacheStatement, scopes, production);
        return;
      case 'BlockStatement':
        this.block(s as hbs.AST.BlockStatement, scopes, production);
        return;
      case 'PartialStatement':
      case 'PartialBlockStatement': {
        // The partial's own fields are the shared partial's business; what this template passes it is ours.
        const p = s as hbs.AST.PartialStatement & { program?: hbs.AST.Program };
        this.arguments(p.params, p.hash, scopes, production);
        this.program(p.program, scopes, production);
        return;
      }
      default:
        return; // content, comments, decorators
    }
  }

  /** `{{name}}`, `{{helper args}}`, `(helper args)`. */
  private call(node: hbs.AST.MustacheStatement | hbs.AST.SubExpression, scopes: Scope[], production: boolean): void {
    const path = node.path;
    const hasArgs = node.params.length > 0 || (node.hash?.pairs.length ?? 0) > 0;
    if (path.type !== 'PathExpression') {
      this.expression(path, scopes, production);
    } else {
      const p = path as hbs.AST.PathExpression;
      const helper = hasArgs || (!p.data && p.depth === 0 && p.parts.length === 1 && HELPERS.has(p.original));
      if (!helper) {
        this.use(p, scopes, production);
        return;
      }
      if (production && MONEY_HELPERS.has(p.original))
        this.moneyCalls.push({ helper: p.original, ...positionOf(node.loc) });
      // (lookup x "name") reads x.name as surely as x.name does.
      const [object, key] = node.params;
      if (p.original === 'lookup' && object?.type === 'PathExpression' && isLiteral(key)) {
        const base = this.resolve(object as hbs.AST.PathExpression, scopes);
        if (typeof base === 'string') {
          const field = joinPath(base, [String((key as hbs.AST.StringLiteral).value)]);
          if (field) this.uses.push({ field, production, ...positionOf(node.loc) });
        }
      }
    }
    this.arguments(node.params, node.hash, scopes, production);
  }

  private arguments(
    params: hbs.AST.Expression[],
    hash: hbs.AST.Hash | undefined,
    scopes: Scope[],
    production: boolean,
  ): void {
    for (const e of params) this.expression(e, scopes, production);
    for (const pair of hash?.pairs ?? []) this.expression(pair.value, scopes, production);
  }

  private expression(e: hbs.AST.Expression, scopes: Scope[], production: boolean): void {
    if (e.type === 'PathExpression') this.use(e as hbs.AST.PathExpression, scopes, production);
    else if (e.type === 'SubExpression') this.call(e as hbs.AST.SubExpression, scopes, production);
  }

  private block(b: hbs.AST.BlockStatement, scopes: Scope[], production: boolean): void {
    const name = b.path.type === 'PathExpression' ? (b.path as hbs.AST.PathExpression).original : '';
    this.arguments(b.params, b.hash, scopes, production);
    if (name === 'each' || name === 'with') {
      const target = b.params[0];
      const base = target?.type === 'PathExpression' ? this.resolve(target as hbs.AST.PathExpression, scopes) : null;
      const path = typeof base === 'string' ? (name === 'each' ? `${base}[]` : base) : null;
      const [item, ...rest] = b.program.blockParams ?? [];
      const params = new Map<string, string | null>(rest.map((r) => [r, null])); // @index / @key: not fields
      if (item) params.set(item, path);
      this.program(b.program, [...scopes, { path, params }], production);
      this.program(b.inverse, scopes, production); // {{else}} of an empty list: the outer context
      return;
    }
    if ((name === 'if' || name === 'unless') && production && typeof this.audience === 'object') {
      const value = this.staticValue(b.params[0], scopes);
      if (value !== UNKNOWN) {
        const takesProgram = name === 'if' ? Boolean(value) : !value;
        this.program(b.program, scopes, takesProgram);
        this.program(b.inverse, scopes, !takesProgram);
        return;
      }
    }
    this.program(b.program, scopes, production);
    this.program(b.inverse, scopes, production);
  }

  /** A condition's value in the production copy, where it only depends on the audience field; else UNKNOWN. */
  private staticValue(e: hbs.AST.Expression | undefined, scopes: Scope[]): unknown {
    if (!e || typeof this.audience !== 'object') return UNKNOWN;
    if (isLiteral(e)) return (e as hbs.AST.StringLiteral).value;
    if (e.type === 'PathExpression') {
      return this.resolve(e as hbs.AST.PathExpression, scopes) === this.audience.field ? this.audience.value : UNKNOWN;
    }
    if (e.type === 'SubExpression') {
      const sub = e as hbs.AST.SubExpression;
      const name = sub.path.type === 'PathExpression' ? (sub.path as hbs.AST.PathExpression).original : '';
      if (name === 'eq' && sub.params.length === 2) {
        const [a, b] = sub.params.map((p) => this.staticValue(p, scopes));
        return a === UNKNOWN || b === UNKNOWN ? UNKNOWN : a === b;
      }
    }
    return UNKNOWN;
  }

  private use(p: hbs.AST.PathExpression, scopes: Scope[], production: boolean): void {
    const field = this.resolve(p, scopes);
    if (field) this.uses.push({ field, production, ...positionOf(p.loc) });
  }

  /**
   * The contract path a path expression reads: a string ('' for the root context itself), null when its context
   * cannot be known, undefined when it is not a field (`@index`, `@title` and the engine's other data).
   */
  private resolve(p: hbs.AST.PathExpression, scopes: Scope[]): string | null | undefined {
    if (p.data) return p.parts[0] === 'root' ? joinPath('', p.parts.slice(1)) : undefined;
    if (p.depth === 0 && p.parts.length > 0) {
      for (let i = scopes.length - 1; i >= 0; i--) {
        const params = scopes[i].params;
        if (params.has(p.parts[0])) {
          const base = params.get(p.parts[0]);
          return base === null || base === undefined ? base : joinPath(base, p.parts.slice(1));
        }
      }
    }
    const scope = scopes[Math.max(0, scopes.length - 1 - p.depth)];
    return scope.path === null ? null : joinPath(scope.path, p.parts);
  }
}

/** `lines` + ['0', 'name'] -> `lines[].name`: a numeric segment is a list item. */
function joinPath(base: string, parts: readonly string[]): string {
  let path = base;
  for (const part of parts) {
    if (/^\d+$/.test(part)) path += '[]';
    else path = path ? `${path}.${part}` : part;
  }
  return path;
}

function isLiteral(e: hbs.AST.Expression | undefined): boolean {
  return e?.type === 'StringLiteral' || e?.type === 'NumberLiteral' || e?.type === 'BooleanLiteral';
}

// ---- styles.css ----

/**
 * The DOCX takes nothing from styles.css: CSS may shape the PDF, not add to it. It may not fetch (`@import`,
 * `url()` other than data:, which the renderer would block anyway) nor write text (`content:` other than none,
 * normal or an empty string), which would be in the PDF only.
 */
function checkCss(source: string): TemplateProblem[] {
  const css = source.replace(/\/\*[\s\S]*?(\*\/|$)/g, (c) => c.replace(/[^\n]/g, ' '));
  const start = { line: 1, column: 0 };
  const problems: TemplateProblem[] = [];
  for (const m of css.matchAll(/@import\b|\burl\(\s*(?!['"]?\s*data:)/gi)) {
    problems.push(
      problemOf(
        'CSS_EXTERNAL_RESOURCE',
        'styles.css',
        `${m[0].startsWith('@') ? '@import' : 'url()'} fetches a resource: only data: URIs can be used`,
        positionIn(css, m.index, start),
      ),
    );
  }
  for (const m of css.matchAll(/(?<![\w-])content\s*:\s*([^;}]*)/gi)) {
    if (/^(none|normal|""|'')?\s*(!important)?\s*$/i.test(m[1].trim())) continue;
    problems.push(
      problemOf(
        'CSS_GENERATED_CONTENT',
        'styles.css',
        `content: ${m[1].trim()} writes text into the PDF that the DOCX does not have: put it in the template`,
        positionIn(css, m.index, start),
      ),
    );
  }
  return problems;
}

// ---- meta.json ----

function checkMeta(source: string, contract: DataContract): TemplateProblem[] {
  const read = readMetaShape(source);
  if ('reason' in read) return [problemOf('META_INVALID', 'meta.json', read.reason)];
  const settings = checkClerkSettings(read.meta as Record<string, unknown>).map((p) =>
    problemOf(p.code, 'meta.json', p.message, positionOfKey(source, p.path), { field: p.path }),
  );
  const required = (read.meta.required ?? [])
    .filter((field) => !isKnown(contract.fields, field))
    .map((field) => {
      const at = source.indexOf(JSON.stringify(field));
      return problemOf(
        'REQUIRED_FIELD_UNKNOWN',
        'meta.json',
        `"${field}" is required but ${contract.type}'s data never has it: every render would fail`,
        at >= 0 ? positionIn(source, at, { line: 1, column: 0 }) : {},
        { field },
      );
    });
  return [...settings, ...required];
}

/**
 * Where a setting's key is written in meta.json (`letterhead.lines.en[2]`: the key "en"; each key looked for after
 * the one before it), or nothing when it cannot be found.
 */
function positionOfKey(source: string, path: string): { line?: number; column?: number } {
  let from = 0;
  for (const key of path.replace(/\[\d+\]$/, '').split('.')) {
    const at = source.indexOf(JSON.stringify(key), from);
    if (at < 0) return {};
    from = at;
  }
  return positionIn(source, from, { line: 1, column: 0 });
}
