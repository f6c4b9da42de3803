import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LABELS, LOCALES } from './labels.js';
import { defaultTemplatesRoot } from './template-engine.js';

const root = defaultTemplatesRoot();
const typeDirs = readdirSync(root, { withFileTypes: true }).filter((d) => d.isDirectory() && !d.name.startsWith('_'));

function templateLabels(type: string): Record<string, Record<string, string>> {
  try {
    return (
      (
        JSON.parse(readFileSync(join(root, type, 'meta.json'), 'utf8')) as {
          labels?: Record<string, Record<string, string>>;
        }
      ).labels ?? {}
    );
  } catch {
    return {};
  }
}

describe('labels', () => {
  it('has the same keys in every locale', () => {
    const zh = Object.keys(LABELS['zh-CN']).sort();
    for (const locale of LOCALES) expect(Object.keys(LABELS[locale]).sort()).toEqual(zh);
  });

  it('has the same keys in every locale of each template', () => {
    for (const { name } of typeDirs) {
      const own = templateLabels(name);
      const zh = Object.keys(own['zh-CN'] ?? {}).sort();
      for (const locale of LOCALES) expect([name, Object.keys(own[locale] ?? {}).sort()]).toEqual([name, zh]);
    }
  });

  it('has Spanish in es: no Chinese, and not the English left untranslated', () => {
    // The invalid-link page knows no statement and so no language: it says the same, in Chinese and English, in
    // every locale (templates/statement-confirmation/README.md).
    const sameEverywhere = new Set(['invalid.title', 'invalid', 'invalid.en']);
    const sets = [
      ['labels.ts', LABELS.es, LABELS.en] as const,
      ...typeDirs.map(({ name }) => [name, templateLabels(name).es ?? {}, templateLabels(name).en ?? {}] as const),
    ];
    let translated = 0;
    let total = 0;
    for (const [where, es, en] of sets) {
      for (const [key, text] of Object.entries(es)) {
        if (sameEverywhere.has(key)) continue;
        expect([where, key, /[\u3000-\u9fff\uff00-\uffef]/.test(text)]).toEqual([where, key, false]);
        total++;
        if (text !== en[key]) translated++;
      }
    }
    // Codes, punctuation and blanks ("N.º", ", ", "Fax", "Total") may read the same; sentences may not.
    expect(total).toBeGreaterThan(400);
    expect(translated / total).toBeGreaterThan(0.85);
  });

  it('has every literal {{t "key"}} a template or partial uses', () => {
    const sources = [
      ...readdirSync(join(root, '_partials'))
        .filter((f) => f.endsWith('.hbs'))
        .map((f) => ({
          type: undefined as string | undefined,
          text: readFileSync(join(root, '_partials', f), 'utf8'),
        })),
      ...typeDirs.flatMap(({ name }) =>
        readdirSync(join(root, name))
          .filter((f) => f.endsWith('.hbs'))
          .map((f) => ({ type: name as string | undefined, text: readFileSync(join(root, name, f), 'utf8') })),
      ),
    ];
    let checked = 0;
    for (const { type, text } of sources) {
      // Only single-argument calls: `t "lineType" type` is completed by data, and rendering the samples covers it.
      for (const [, key] of text.matchAll(/\(?\bt "([^"]+)"\s*\)?(?=\s*(?:\}\}|\)))/g)) {
        for (const locale of LOCALES) {
          const found =
            key in LABELS[locale] ||
            (type
              ? key in (templateLabels(type)[locale] ?? {})
              : typeDirs.every(({ name }) => key in (templateLabels(name)[locale] ?? {})));
          expect([type ?? '_partials', locale, key, found]).toEqual([type ?? '_partials', locale, key, true]);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(40);
  });
});
