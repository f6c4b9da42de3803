import { describe, expect, it } from '@jest/globals';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LOCALES } from '../../rendering/rendering.types.js';

// The console's dictionaries (static/i18n/<lang>.js), one per language the documents are issued in.
const dir = join(dirname(fileURLToPath(import.meta.url)), 'static', 'i18n');
const load = async (lang: string) =>
  ((await import(join(dir, `${lang}.js`))) as { default: Record<string, string> }).default;
const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('the console dictionaries', () => {
  it('exist for every document language and no other', () => {
    expect(readdirSync(dir).sort()).toEqual(LOCALES.map((l) => `${l}.js`).sort());
  });

  it('have every key of zh-CN, with the same placeholders, in every language', async () => {
    const zh = await load('zh-CN');
    expect(Object.keys(zh).length).toBeGreaterThan(900);
    for (const lang of LOCALES) {
      const dict = await load(lang);
      expect([lang, Object.keys(dict).sort()]).toEqual([lang, Object.keys(zh).sort()]);
      for (const [key, text] of Object.entries(zh)) {
        expect([lang, key, placeholders(dict[key]!)]).toEqual([lang, key, placeholders(text)]);
      }
    }
  });

  it('speak Spanish in es: translated, not the English left in place', async () => {
    const [en, es] = [await load('en'), await load('es')];
    const same = Object.keys(es).filter((k) => es[k] === en[k]);
    // Names that read the same in both ("Token", "Fax", "Total", "Error", "Cheque", "ISO 9001 …") only.
    expect(same.length / Object.keys(es).length).toBeLessThan(0.03);
    expect(es['nav.quotations']).toBe('Presupuestos');
    expect(es['statement.title']).toBe('Estado de cuenta');
  });
});
