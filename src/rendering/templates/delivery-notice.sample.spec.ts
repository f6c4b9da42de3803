import { describe, expect, it } from '@jest/globals';
import { visibleText } from '../docx/visible-text.js';
import { TemplateEngine } from './template-engine.js';

// Keys that carry a commercial figure (as prices-hidden.test.ts judges them): a delivery notice has none.
const PRICE_KEY = /price|amount|discount|total|subtotal|^net$|^tax$|taxAmount|balance|paid|outstanding/i;

function keys(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(keys);
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => [k, ...keys(v)]);
  return [];
}

// The sample is the template's preview: a notice with a price on it would teach the wrong thing (prices leaking onto
// delivery documents; docs/architecture.md, "Rules the code keeps").
describe('delivery-notice sample.json', () => {
  const engine = new TemplateEngine();
  const sample = engine.sample('delivery-notice') as { items: { no: number }[] };

  it('has no price or amount field', () => {
    expect(keys(sample).filter((k) => PRICE_KEY.test(k))).toEqual([]);
  });

  it('numbers its items 1, 2, ...', () => {
    expect(sample.items.map((i) => i.no)).toEqual(sample.items.map((_, i) => i + 1));
  });

  it('renders in both locales with the approval mark, the consignee and the receipt block', () => {
    const zh = engine.render('delivery-notice', sample);
    expect(zh.title).toBe('发货通知单');
    const text = visibleText(zh.html);
    expect(text).toContain('【凭审批发货】');
    expect(text).toContain('收货人 赵志强 联系电话 139 1234 5601');
    expect(text).toContain('收货签收');
    expect(zh.html).toContain('<img class="seal" data-seal="company" alt="">');
    const en = engine.render('delivery-notice', sample, { locale: 'en' });
    expect(en.title).toBe('Delivery Notice');
    expect(visibleText(en.html)).toContain('Shipped on approval');
    expect(en.version).toBe(zh.version);
  });
});
