import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A document type's data contract: the fields its data has, as dotted paths with `[]` for a list's items
 * (`customer.name`, `lines`, `lines[]`, `lines[].unitPrice`). The template guardrails warn about a field a template
 * uses that the contract lacks, and refuse a price field in a copy production staff receive.
 */
export interface DataContract {
  type: string;
  fields: ReadonlySet<string>;
  /** The copy production staff receive, when the type has one: when it is theirs, and the fields its data has. */
  production?: { audience: ProductionAudience; fields: ReadonlySet<string> };
}

/** The whole type goes to production (`always`), or the copy whose data has `field` equal to `value`. */
export type ProductionAudience = 'always' | { field: string; value: string };

/**
 * The document types production staff receive, and which copy. Kept in code rather than in meta.json because
 * meta.json is one of the files a company's override replaces: an override must not be able to unmark itself.
 * - the delivery notice goes to production scheduling (and the consignee) as it is: no price anywhere;
 * - the contact sheet and the contact list are one template for every department, and the data's `audience` says
 *   whose copy it is (contact-sheets/views: ProductionCopyData, the production list), production's has no price.
 */
export const PRODUCTION_AUDIENCE: Readonly<Record<string, ProductionAudience>> = {
  'delivery-notice': 'always',
  'contact-sheet': { field: 'audience', value: 'production' },
  'contact-list': { field: 'audience', value: 'production' },
};

/** Every field of a piece of data, as the contract writes them. */
export function fieldPaths(data: unknown): Set<string> {
  const paths = new Set<string>();
  const walk = (value: unknown, prefix: string): void => {
    if (Array.isArray(value)) {
      for (const item of value) {
        paths.add(`${prefix}[]`);
        walk(item, `${prefix}[]`);
      }
    } else if (value !== null && typeof value === 'object') {
      for (const [key, inner] of Object.entries(value)) {
        const path = prefix ? `${prefix}.${key}` : key;
        paths.add(path);
        walk(inner, path);
      }
    }
  };
  walk(data, '');
  return paths;
}

/** Whether a sample is the production copy's data. */
export function isProductionData(audience: ProductionAudience, data: unknown): boolean {
  if (audience === 'always') return true;
  return (
    typeof data === 'object' && data !== null && (data as Record<string, unknown>)[audience.field] === audience.value
  );
}

/**
 * The contract of `type` from its samples (every field any sample has) and the fields its meta.json requires. The
 * production copy's fields are those of the samples that are production's data.
 */
export function dataContract(
  type: string,
  samples: readonly unknown[],
  required: readonly string[] = [],
): DataContract {
  const fieldsOf = (data: readonly unknown[]) => {
    const fields = new Set(required);
    for (const d of data) for (const f of fieldPaths(d)) fields.add(f);
    return fields;
  };
  const audience = PRODUCTION_AUDIENCE[type];
  return {
    type,
    fields: fieldsOf(samples),
    production: audience
      ? { audience, fields: fieldsOf(samples.filter((s) => isProductionData(audience, s))) }
      : undefined,
  };
}

const SAMPLE_FILE = /^sample[a-z0-9-]*\.json$/;

/**
 * The contract of a built-in type: `<root>/<type>/sample*.json` and the `required` of its own meta.json (the
 * built-in's, never an override's: an override is what is being checked against it). `root` is TemplateEngine.root.
 */
export function builtInDataContract(root: string, type: string): DataContract {
  const dir = join(root, type);
  if (!existsSync(join(dir, 'template.hbs'))) throw new Error(`no built-in template ${type} in ${root}`);
  const samples = readdirSync(dir)
    .filter((f) => SAMPLE_FILE.test(f))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as unknown);
  const metaFile = join(dir, 'meta.json');
  const meta = existsSync(metaFile) ? (JSON.parse(readFileSync(metaFile, 'utf8')) as { required?: string[] }) : {};
  return dataContract(type, samples, meta.required ?? []);
}

/** What a field holds, as the template editor shows it. */
export type FieldKind = 'string' | 'decimal' | 'number' | 'date' | 'boolean' | 'array' | 'object' | 'null';

export interface FieldDescription {
  /** As the contract writes it: `customer.name`, `lines[]`, `lines[].unitPrice`. */
  path: string;
  kind: FieldKind;
  /** The first value a sample has there (strings cut at 80 characters); none for lists and objects. */
  example?: string | number | boolean | null;
}

const DATE = /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/;
const DECIMAL = /^-?\d+\.\d+$/;

function kindOf(value: unknown): FieldKind {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'object') return 'object';
  if (typeof value === 'number') return 'number';
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'string' && DATE.test(value)) return 'date';
  if (typeof value === 'string' && DECIMAL.test(value)) return 'decimal';
  return 'string';
}

/**
 * The fields of a type's samples with their kind and an example, sorted by path: the first sample that has a value
 * other than null at a path gives its kind and example (money is a decimal string, dates ISO strings). Fields only
 * `required` names (no sample has them) are strings without an example.
 */
export function describeFields(samples: readonly unknown[], required: readonly string[] = []): FieldDescription[] {
  const found = new Map<string, FieldDescription>();
  const note = (path: string, value: unknown) => {
    const kind = kindOf(value);
    const known = found.get(path);
    if (known && known.kind !== 'null') return;
    const example =
      kind === 'array' || kind === 'object'
        ? undefined
        : typeof value === 'string' && value.length > 80
          ? `${value.slice(0, 80)}…`
          : (value as string | number | boolean | null);
    found.set(path, example === undefined ? { path, kind } : { path, kind, example });
  };
  const walk = (value: unknown, prefix: string): void => {
    if (Array.isArray(value)) {
      for (const item of value) {
        note(`${prefix}[]`, item);
        walk(item, `${prefix}[]`);
      }
    } else if (value !== null && typeof value === 'object') {
      for (const [key, inner] of Object.entries(value)) {
        const path = prefix ? `${prefix}.${key}` : key;
        note(path, inner);
        walk(inner, path);
      }
    }
  };
  for (const s of samples) walk(s, '');
  for (const r of required) if (!found.has(r)) found.set(r, { path: r, kind: 'string' });
  return [...found.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** The samples and built-in `required` of a type (as builtInDataContract reads them), described field by field. */
export function builtInFieldDescriptions(root: string, type: string): FieldDescription[] {
  const dir = join(root, type);
  if (!existsSync(join(dir, 'template.hbs'))) throw new Error(`no built-in template ${type} in ${root}`);
  const samples = readdirSync(dir)
    .filter((f) => SAMPLE_FILE.test(f))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as unknown);
  const metaFile = join(dir, 'meta.json');
  const meta = existsSync(metaFile) ? (JSON.parse(readFileSync(metaFile, 'utf8')) as { required?: string[] }) : {};
  return describeFields(samples, meta.required ?? []);
}
