import { LOCALES, isLocale, type Locale } from './labels.js';

/**
 * The settings of a template version's meta.json that clerks change with form fields, no markup (issue #19): the
 * letterhead (a logo, the name's colour, alignment, which company lines show, extra lines per locale) and the theme
 * (an accent colour for headings and table headers). The engine applies them (letterheadData: `@letterhead` in
 * templates/_partials/letterhead.hbs; clerkCss: CSS after base.css); the guardrails refuse bad values with the codes
 * of checkClerkSettings, which the engine also refuses (TEMPLATE_ERROR), so nothing unchecked reaches CSS or markup.
 * A meta.json without these keys renders exactly as before (no CSS added, the partial prints the same bytes).
 *
 *   "letterhead": { "logo": "data:image/png;base64,…", "color": "#1f4e79", "align": "center",
 *                   "show": { "nameEn": false, "phone": true, "taxId": false, "address": true },
 *                   "lines": { "zh-CN": ["品质成就未来"], "en": ["www.example.com"] } },
 *   "theme": { "accent": "#1f4e79" }
 */

/** The keys a meta.json may have: the engine's (template-engine.ts, TemplateMeta) and the clerks'. */
export const META_KEYS = [
  'title',
  'required',
  'orientation',
  'pageNumbers',
  'font',
  'labels',
  'letterhead',
  'theme',
] as const;
const LETTERHEAD_KEYS = ['logo', 'color', 'align', 'show', 'lines'] as const;
const SHOW_KEYS = ['nameEn', 'phone', 'taxId', 'address'] as const;
const THEME_KEYS = ['accent'] as const;

export const LETTERHEAD_LIMITS = {
  /** The logo's decoded bytes. */
  logoBytes: 256 * 1024,
  /** Extra lines per locale. */
  lines: 4,
  /** Characters per extra line. */
  lineChars: 120,
} as const;

export interface LetterheadSettings {
  logo?: string;
  color?: string;
  align?: 'left' | 'center';
  show?: Partial<Record<(typeof SHOW_KEYS)[number], boolean>>;
  lines?: Partial<Record<Locale, string[]>>;
}

export interface ThemeSettings {
  accent?: string;
}

/** The problems a clerk's field can have, each its own stable code (template-guardrails.ts lists them). */
export const ClerkSettingCode = {
  /** A key meta.json (or its letterhead, show or theme) does not have: a typo would silently do nothing. */
  META_UNKNOWN_KEY: 'META_UNKNOWN_KEY',
  /** A colour that is not `#rrggbb`. */
  META_COLOR_INVALID: 'META_COLOR_INVALID',
  /** A value of the wrong kind: align other than left/center, show not true/false, letterhead not an object… */
  META_VALUE_INVALID: 'META_VALUE_INVALID',
  /** The logo is not a base64 data: URI of a PNG or JPEG (checked by its magic bytes, not only its media type). */
  LETTERHEAD_LOGO_INVALID: 'LETTERHEAD_LOGO_INVALID',
  /** The logo is larger than LETTERHEAD_LIMITS.logoBytes decoded. */
  LETTERHEAD_LOGO_TOO_LARGE: 'LETTERHEAD_LOGO_TOO_LARGE',
  /** More extra lines in a locale than LETTERHEAD_LIMITS.lines. */
  LETTERHEAD_LINES_TOO_MANY: 'LETTERHEAD_LINES_TOO_MANY',
  /** An extra line longer than LETTERHEAD_LIMITS.lineChars. */
  LETTERHEAD_LINE_TOO_LONG: 'LETTERHEAD_LINE_TOO_LONG',
} as const;
export type ClerkSettingCode = (typeof ClerkSettingCode)[keyof typeof ClerkSettingCode];

export interface ClerkSettingProblem {
  code: ClerkSettingCode;
  /** Where in meta.json, as a JSON path: `letterhead.color`, `letterhead.lines.en[2]`. */
  path: string;
  message: string;
}

const COLOR = /^#[0-9a-fA-F]{6}$/;
const LOGO = /^data:image\/(png|jpeg);base64,([A-Za-z0-9+/]*={0,2})$/;
const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const JPEG_MAGIC = Buffer.from([0xff, 0xd8, 0xff]);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every problem of the clerks' settings of a parsed meta.json (an object), in key order. */
export function checkClerkSettings(meta: Record<string, unknown>): ClerkSettingProblem[] {
  const problems: ClerkSettingProblem[] = [];
  const add = (code: ClerkSettingCode, path: string, message: string) => problems.push({ code, path, message });
  const unknownKeys = (obj: Record<string, unknown>, known: readonly string[], at: string) => {
    for (const key of Object.keys(obj)) {
      if (!known.includes(key)) {
        const path = at ? `${at}.${key}` : key;
        add('META_UNKNOWN_KEY', path, `"${path}" is not a setting of meta.json (${at || 'keys'}: ${known.join(', ')})`);
      }
    }
  };
  const color = (value: unknown, path: string, what: string) => {
    if (value !== undefined && (typeof value !== 'string' || !COLOR.test(value))) {
      add('META_COLOR_INVALID', path, `${what} must be a colour written #rrggbb (e.g. #1f4e79), not ${show(value)}`);
    }
  };

  unknownKeys(meta, META_KEYS, '');

  const lh = meta.letterhead;
  if (lh !== undefined) {
    if (!isObject(lh)) {
      add('META_VALUE_INVALID', 'letterhead', '"letterhead" must be an object');
    } else {
      unknownKeys(lh, LETTERHEAD_KEYS, 'letterhead');
      if (lh.logo !== undefined) checkLogo(lh.logo, add);
      color(lh.color, 'letterhead.color', "The company name's colour");
      if (lh.align !== undefined && lh.align !== 'left' && lh.align !== 'center') {
        add(
          'META_VALUE_INVALID',
          'letterhead.align',
          `"letterhead.align" must be "left" or "center", not ${show(lh.align)}`,
        );
      }
      if (lh.show !== undefined) {
        if (!isObject(lh.show)) add('META_VALUE_INVALID', 'letterhead.show', '"letterhead.show" must be an object');
        else {
          unknownKeys(lh.show, SHOW_KEYS, 'letterhead.show');
          for (const key of SHOW_KEYS) {
            const v = lh.show[key];
            if (v !== undefined && typeof v !== 'boolean') {
              add('META_VALUE_INVALID', `letterhead.show.${key}`, `"letterhead.show.${key}" must be true or false`);
            }
          }
        }
      }
      if (lh.lines !== undefined) checkLines(lh.lines, add);
    }
  }

  const theme = meta.theme;
  if (theme !== undefined) {
    if (!isObject(theme)) add('META_VALUE_INVALID', 'theme', '"theme" must be an object');
    else {
      unknownKeys(theme, THEME_KEYS, 'theme');
      color(theme.accent, 'theme.accent', 'The accent colour (headings, table headers)');
    }
  }
  return problems;
}

type Add = (code: ClerkSettingCode, path: string, message: string) => void;

function checkLogo(logo: unknown, add: Add): void {
  const m = typeof logo === 'string' ? LOGO.exec(logo) : null;
  if (!m) {
    add(
      'LETTERHEAD_LOGO_INVALID',
      'letterhead.logo',
      'The logo must be a PNG or JPEG image as a data: URI (data:image/png;base64,… or data:image/jpeg;base64,…)',
    );
    return;
  }
  // Size first, from the base64 length, before decoding anything large.
  const approx = Math.floor((m[2].length * 3) / 4);
  const bytes = approx > LETTERHEAD_LIMITS.logoBytes + 2 ? undefined : Buffer.from(m[2], 'base64');
  if (!bytes || bytes.length > LETTERHEAD_LIMITS.logoBytes) {
    add(
      'LETTERHEAD_LOGO_TOO_LARGE',
      'letterhead.logo',
      `The logo is ${Math.round((bytes?.length ?? approx) / 1024)} KB: at most ${LETTERHEAD_LIMITS.logoBytes / 1024} KB`,
    );
    return;
  }
  const magic = m[1] === 'png' ? PNG_MAGIC : JPEG_MAGIC;
  if (bytes.length < magic.length || !bytes.subarray(0, magic.length).equals(magic)) {
    add(
      'LETTERHEAD_LOGO_INVALID',
      'letterhead.logo',
      `The logo says it is a ${m[1] === 'png' ? 'PNG' : 'JPEG'} image but its bytes are not one`,
    );
  }
}

function checkLines(lines: unknown, add: Add): void {
  if (!isObject(lines)) {
    add('META_VALUE_INVALID', 'letterhead.lines', '"letterhead.lines" must be an object of lists by locale');
    return;
  }
  for (const [locale, list] of Object.entries(lines)) {
    const at = `letterhead.lines.${locale}`;
    if (!isLocale(locale)) {
      add('META_UNKNOWN_KEY', at, `"${locale}" is not a locale (${LOCALES.join(', ')})`);
      continue;
    }
    if (!Array.isArray(list) || list.some((l) => typeof l !== 'string')) {
      add('META_VALUE_INVALID', at, `"${at}" must be a list of lines of text`);
      continue;
    }
    if (list.length > LETTERHEAD_LIMITS.lines) {
      add(
        'LETTERHEAD_LINES_TOO_MANY',
        at,
        `${list.length} extra lines in ${locale}: at most ${LETTERHEAD_LIMITS.lines}`,
      );
    }
    (list as string[]).forEach((line, i) => {
      if ([...line].length > LETTERHEAD_LIMITS.lineChars) {
        add(
          'LETTERHEAD_LINE_TOO_LONG',
          `${at}[${i}]`,
          `Extra line ${i + 1} in ${locale} has ${[...line].length} characters: at most ${LETTERHEAD_LIMITS.lineChars}`,
        );
      }
    });
  }
}

function show(v: unknown): string {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}

/** What `{{> letterhead}}` reads as `@letterhead`: undefined without the key (the partial prints today's markup). */
export interface LetterheadData {
  logo?: string;
  center: boolean;
  /** The company lines to leave out (`show.x: false`). */
  hide: Partial<Record<(typeof SHOW_KEYS)[number], true>>;
  /** The extra lines of the locale. */
  lines: string[];
}

/** The letterhead settings of a checked meta.json, for a render in `locale`. */
export function letterheadData(letterhead: LetterheadSettings | undefined, locale: Locale): LetterheadData | undefined {
  if (!letterhead) return undefined;
  const hide: LetterheadData['hide'] = {};
  for (const key of SHOW_KEYS) if (letterhead.show?.[key] === false) hide[key] = true;
  return {
    logo: letterhead.logo,
    center: letterhead.align === 'center',
    hide,
    lines: letterhead.lines?.[locale] ?? [],
  };
}

/**
 * The CSS of the clerks' settings, after base.css and before the type's styles.css: custom properties
 * (`--td-accent`, `--td-letterhead-color`) and the rules that use them, with today's colours as their fallbacks.
 * Empty without letterhead or theme, so a built-in template's HTML stays byte for byte what it was. Only checked
 * colours get here (`#rrggbb`).
 */
export function clerkCss(letterhead: LetterheadSettings | undefined, theme: ThemeSettings | undefined): string {
  const vars: string[] = [];
  const rules: string[] = [];
  if (theme?.accent && COLOR.test(theme.accent)) {
    vars.push(`--td-accent: ${theme.accent};`);
    rules.push('h1, h2, h3, h4, th { color: var(--td-accent, #111); }');
  }
  if (letterhead) {
    if (letterhead.color && COLOR.test(letterhead.color)) {
      vars.push(`--td-letterhead-color: ${letterhead.color};`);
      rules.push('.letterhead-name { color: var(--td-letterhead-color, #111); }');
    }
    rules.push(
      '.letterhead { display: flow-root; }',
      '.letterhead-logo img { max-height: 16mm; max-width: 60mm; }',
      '.letterhead-logo.text-left { float: left; margin: 0 4mm 1mm 0; }',
      '.letterhead-logo.text-center { margin-bottom: 1mm; }',
      '.letterhead-line { font-size: 8pt; color: #333; }',
    );
  }
  if (!rules.length) return '';
  return `${vars.length ? `:root { ${vars.join(' ')} }\n` : ''}${rules.join('\n')}\n`;
}
