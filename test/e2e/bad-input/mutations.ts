/**
 * The generic hostile inputs of the bad-input corpus (issue #8): per field kind, the values a valid body's field
 * is replaced by, each of which the service must refuse with a 4xx and a stable code, changing nothing.
 */

/** A JSON number literal JSON.stringify cannot write (1e309 parses to Infinity). Serialised by `toJson`. */
export class RawJson {
  constructor(readonly text: string) {}
}

export type Json = null | boolean | number | string | RawJson | Json[] | { [key: string]: Json };

export type FieldKind =
  | 'text' // free text with a MaxLength
  | 'code' // a string with a pattern (names, codes, currency, numbers)
  | 'email'
  | 'amount' // IsAmount: decimal string, 2 places
  | 'decimal' // IsPositiveDecimal (qty, payment share)
  | 'percent' // IsPercent (0..100)
  | 'date' // IsDateOnly
  | 'datetime'
  | 'enum'
  | 'enumArray'
  | 'uuid'
  | 'uuidArray'
  | 'int'
  | 'bool'
  | 'object' // a nested DTO
  | 'array' // an array of nested DTOs
  | 'data'; // any JSON object (template data)

export interface FieldSpec {
  kind: FieldKind;
  /** The field must be present (null and absence are refused). */
  required?: boolean;
  /** null is a legitimate value (it clears the field): the null mutation does not apply. */
  nullable?: boolean;
  /** text/code: '' is refused (MinLength(1) or a not-blank rule); 'blank' also refuses '   '. */
  nonEmpty?: boolean | 'blank';
  /** int: bounds; amount: the smallest value accepted ('0' or '0.01'). */
  min?: number | string;
  max?: number;
  /** uuid: it names a record; an unknown one must be refused (4xx, not a foreign-key 500). */
  ref?: boolean;
  /** Extra values for this field that must be refused (endpoint-specific). */
  also?: { name: string; value: Json; codes?: string[] | null }[];
  /** Codes the service may answer besides VALIDATION_FAILED (a rule it checks itself). */
  codes?: string[];
}

export interface FieldCase {
  name: string;
  value: Json | typeof ABSENT;
  /** Codes accepted for this case; default VALIDATION_FAILED. `null`: any stable code (e.g. an unknown reference). */
  codes?: string[] | null;
}

/** Remove the field (a required field left out). */
export const ABSENT = Symbol('absent');

export const SQL_INJECTION = "'; DROP TABLE customers; --";
export const TEMPLATE_INJECTIONS = [
  "{{constructor.constructor('return process')()}}",
  '${7*7}',
  '<%= 7*7 %>',
  '#{7*7}',
];
export const HUGE = 'x'.repeat(100_000);
export const NUL = 'a\u0000b';
export const UNKNOWN_UUID = '6b3f3c52-7d5e-4a8e-9a0c-2f1d0e9b8a71';
export const INVALID_DATES: Json[] = [
  '2026-02-30',
  '2026-13-01',
  'yesterday',
  20261301,
  '2026-1-1',
  '0000-00-00',
  '2026-02-28T00:00:00Z',
];

/** `{ a: { a: { ... } } }` `depth` levels deep. */
export function nested(depth: number): Json {
  let v: Json = 'bottom';
  for (let i = 0; i < depth; i++) v = { a: v };
  return v;
}

const WRONG_TYPES: Record<'string' | 'number' | 'bool' | 'object' | 'array', [string, Json][]> = {
  string: [
    ['a number', 12345],
    ['a boolean', true],
    ['an array', ['x']],
    ['an object', { x: 1 }],
  ],
  number: [
    ['a numeric string', '5'],
    ['a boolean', true],
    ['an array', [1]],
    ['an object', { x: 1 }],
  ],
  bool: [
    ['the string "true"', 'true'],
    ['the number 1', 1],
    ['an array', [true]],
    ['an object', { x: true }],
  ],
  object: [
    ['a string', 'x'],
    ['a number', 12],
    ['an array', [{}]],
    ['a boolean', true],
  ],
  array: [
    ['a string', 'x'],
    ['a number', 12],
    ['an object', { x: 1 }],
    ['a boolean', true],
  ],
};

function shapeOf(kind: FieldKind): keyof typeof WRONG_TYPES {
  switch (kind) {
    case 'int':
      return 'number';
    case 'bool':
      return 'bool';
    case 'object':
    case 'data':
      return 'object';
    case 'array':
    case 'enumArray':
    case 'uuidArray':
      return 'array';
    case 'text':
    case 'code':
    case 'email':
    case 'amount':
    case 'decimal':
    case 'percent':
    case 'date':
    case 'datetime':
    case 'enum':
    case 'uuid':
      return 'string';
  }
}

/** The hostile values for one field (the injection strings a free-text field keeps verbatim are not among them). */
export function fieldCases(spec: FieldSpec): FieldCase[] {
  const out: FieldCase[] = WRONG_TYPES[shapeOf(spec.kind)].map(([name, value]) => ({
    name: `wrong type: ${name}`,
    value,
  }));
  if (!spec.nullable) out.push({ name: 'null', value: null });
  if (spec.required) out.push({ name: 'absent', value: ABSENT });
  const strings = (entries: [string, Json][]) => entries.forEach(([name, value]) => out.push({ name, value }));
  switch (spec.kind) {
    case 'text':
      strings([
        ['a 100 kB string', HUGE],
        ['a NUL byte', NUL],
      ]);
      if (spec.nonEmpty) out.push({ name: 'empty string', value: '' });
      if (spec.nonEmpty === 'blank') out.push({ name: 'blank string', value: '   ' });
      break;
    case 'code':
      strings([
        ['a 100 kB string', HUGE],
        ['a NUL byte', NUL],
        ['empty string', ''],
        ['SQL injection', SQL_INJECTION],
        ['template injection', TEMPLATE_INJECTIONS[0]],
        ['path traversal', '../../etc/passwd'],
      ]);
      break;
    case 'email':
      strings([
        ['not an email', 'not-an-email'],
        ['a 100 kB string', `${HUGE}@example.com`],
        ['a NUL byte', 'a\u0000b@example.com'],
        ['SQL injection', `${SQL_INJECTION}@example.com`],
        ['empty string', ''],
      ]);
      break;
    case 'amount':
      strings([
        ['a negative amount', '-1.00'],
        ['NaN', 'NaN'],
        ['Infinity', 'Infinity'],
        ['-Infinity', '-Infinity'],
        ['1e309', '1e309'],
        ['three decimal places', '1.234'],
        ['17 integer digits', '12345678901234567.00'],
        ['a grouped amount', '1,000.00'],
        ['surrounding spaces', ' 100.00 '],
        ['empty string', ''],
        ['a JSON number', 100],
        ['a JSON number beyond double range', new RawJson('1e309')],
      ]);
      if (spec.min === '0.01') out.push({ name: 'zero', value: '0' });
      break;
    case 'decimal':
      strings([
        ['a negative value', '-1'],
        ['zero', '0'],
        ['NaN', 'NaN'],
        ['Infinity', 'Infinity'],
        ['1e309', '1e309'],
        ['too many places', '1.2345'],
        ['too many digits', '1234567890123456'],
        ['empty string', ''],
        ['a JSON number', 3],
      ]);
      if (spec.max !== undefined) out.push({ name: 'above the maximum', value: String(spec.max + 1) });
      break;
    case 'percent':
      strings([
        ['a negative percentage', '-1'],
        ['above 100', '100.01'],
        ['NaN', 'NaN'],
        ['exponent notation', '1e2'],
        ['empty string', ''],
        ['a JSON number', 13],
      ]);
      break;
    case 'date':
      INVALID_DATES.forEach((value) => out.push({ name: `invalid date ${JSON.stringify(value)}`, value }));
      out.push({ name: 'empty string', value: '' });
      break;
    case 'datetime':
      (['2026-02-30T10:00:00', '2026-12-15T25:00:00', 'yesterday', '2026-12-15', 20261215, ''] as Json[]).forEach(
        (value) => out.push({ name: `invalid date-time ${JSON.stringify(value)}`, value }),
      );
      break;
    case 'enum':
      strings([
        ['an unknown value', 'no_such_value'],
        ['empty string', ''],
        ['SQL injection', SQL_INJECTION],
        ['a NUL byte', NUL],
        ['a 100 kB string', HUGE],
      ]);
      break;
    case 'enumArray':
      strings([
        ['an unknown value', ['no_such_value']],
        ['a null item', [null]],
        ['a number item', [1]],
      ]);
      break;
    case 'uuid':
      strings([
        ['not a UUID', 'not-a-uuid'],
        ['SQL injection', SQL_INJECTION],
        ['almost a UUID', '00000000-0000-4000-8000-00000000000g'],
        ['empty string', ''],
      ]);
      if (spec.ref) out.push({ name: 'an unknown id', value: UNKNOWN_UUID, codes: null });
      break;
    case 'uuidArray':
      strings([
        ['an item not a UUID', ['not-a-uuid']],
        ['a null item', [null]],
        ['a number item', [1]],
      ]);
      break;
    case 'int':
      strings([
        ['a fraction', 1.5],
        ['a JSON number beyond double range', new RawJson('1e309')],
      ]);
      if (spec.min !== undefined) out.push({ name: 'below the minimum', value: Number(spec.min) - 1 });
      if (spec.max !== undefined) out.push({ name: 'above the maximum', value: spec.max + 1 });
      // Without a maximum, a huge integer is a number the service must refuse by its own rule (no such line,
      // version): any stable 4xx, never a 500 from an int4 column.
      out.push({
        name: 'beyond 2^53',
        value: new RawJson('9007199254740993123'),
        codes: spec.max === undefined ? null : undefined,
      });
      out.push({ name: 'beyond int4', value: 2147483648, codes: spec.max === undefined ? null : undefined });
      break;
    case 'bool':
      break;
    case 'object':
      strings([
        ['an unknown nested field', { unexpectedField: 1 }],
        ['nested 1000 deep', nested(1000)],
      ]);
      break;
    case 'array':
      strings([
        ['a null item', [null]],
        ['a string item', ['x']],
        ['a 1000-deep item', [nested(1000)]],
      ]);
      break;
    case 'data':
      strings([
        ['nested 1000 deep', nested(1000)],
        ['a __proto__ key inside', new RawJson('{"__proto__":{"polluted":true}}')],
      ]);
      break;
  }
  for (const a of spec.also ?? []) out.push({ name: a.name, value: a.value, codes: a.codes });
  if (spec.codes) {
    for (const c of out) if (c.codes !== null) c.codes = [...(c.codes ?? ['VALIDATION_FAILED']), ...spec.codes];
  }
  return out;
}

/** JSON text with RawJson values written as their literal text. */
export function toJson(value: Json): string {
  const raws: string[] = [];
  const text = JSON.stringify(value, (_key, v: unknown) => {
    if (v instanceof RawJson) {
      raws.push(v.text);
      return `\u0001RAW${raws.length - 1}\u0001`;
    }
    return v;
  });
  return text.replace(/"\\u0001RAW(\d+)\\u0001"/g, (_m, i: string) => raws[Number(i)]);
}

/** A copy of `body` with the value at `path` ('lines.0.qty') replaced, or removed for ABSENT. */
export function withValue(body: Json, path: string, value: Json | typeof ABSENT): Json {
  const copy = structuredCloneJson(body);
  const keys = path.split('.');
  let node = copy as Record<string, Json>;
  for (const key of keys.slice(0, -1)) {
    if (node[key] === undefined || node[key] === null || typeof node[key] !== 'object')
      node[key] = /^\d+$/.test(key) ? [] : {};
    node = node[key] as Record<string, Json>;
  }
  const last = keys[keys.length - 1];
  if (value === ABSENT) delete node[last];
  else node[last] = value;
  return copy;
}

function structuredCloneJson(value: Json): Json {
  if (value instanceof RawJson || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(structuredCloneJson);
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, structuredCloneJson(v)]));
}
