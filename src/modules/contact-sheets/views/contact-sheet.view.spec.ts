import { describe, expect, it } from '@jest/globals';
import { toChineseCapital } from '../../../common/chinese-numerals.js';
import { TemplateEngine } from '../../../rendering/templates/template-engine.js';
import { visibleText } from '../../../rendering/docx/visible-text.js';
import { amountForms, redactAmounts } from '../../../common/amount-redaction.js';
import { contractAmounts, paymentShares } from '../../contracts/contract-amounts.js';
import { copyFor, productionProjection, technicalProjection, type SheetHeader } from './contact-sheet.view.js';
import { contractFixture } from './testing/contract-fixture.js';

const PRICE_KEY =
  /price|amount|discount|total|subtotal|^net$|^tax$|taxRate|taxTotal|paymentTerms|percent|inWords|currency/i;

function keys(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(keys);
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => [k, ...keys(v)]);
  return [];
}

const header: SheetHeader = {
  projectNumber: '2026-017',
  version: 1,
  contractRevision: 1,
  issuedAt: '2026-06-12T02:30:00.000Z',
  completedAt: '2026-06-13T07:45:00.000Z',
  signoffs: [
    { department: 'finance', name: '李会计', signedAt: '2026-06-12T06:10:00.000Z', comment: '预付款已到账' },
    { department: 'production', name: '陈调度', signedAt: '2026-06-13T07:45:00.000Z', comment: null },
  ],
};

describe('contact sheet copies', () => {
  const c = contractFixture();
  const everyForm = contractAmounts(c).flatMap(amountForms);

  it('knows every amount of the contract in every written form', () => {
    expect(everyForm).toEqual(
      expect.arrayContaining([
        '123457.89',
        '123,457.89',
        '123457',
        '123,457',
        '8765.43',
        '288306.19',
        toChineseCapital('288306.19'),
      ]),
    );
  });

  it('splits the payment terms into amounts that add up to the total', () => {
    const shares = paymentShares(c);
    expect(shares.map((s) => s.amount)).toEqual(['86491.86', '172983.71', '28830.62']);
    expect(shares.map((s) => s.percent)).toEqual(['30', '60', '10']);
  });

  it('gives the finance copy every price, the totals in capital numerals and the payment share amounts', () => {
    const data = copyFor('finance', c, header, null, 'zh-CN');
    expect(data.audience).toBe('finance');
    const json = JSON.stringify(data);
    for (const a of ['123457.89', '246915.78', '288306.19', '86491.86']) expect(json).toContain(a);
    expect(json).toContain(toChineseCapital('288306.19'));
  });

  it.each(['engineering', 'production'] as const)(
    'builds the %s copy from a projection without any price key or value',
    (dept) => {
      const data = copyFor(dept, c, header, null, 'zh-CN');
      expect(keys(data).filter((k) => PRICE_KEY.test(k))).toEqual([]);
      const json = JSON.stringify(data);
      expect(everyForm.filter((f) => json.includes(f))).toEqual([]);
      expect(data.lines.map((l) => [l.name, l.qty, l.unit])).toEqual([
        ['核子密度计', '2', '套'],
        ['现场安装调试', '1', '项'],
      ]);
    },
  );

  it('keeps configuration for engineering and leaves it out for production', () => {
    expect(technicalProjection(c).configuration).toEqual([{ item: '源容器', options: '铅屏蔽，带快门锁' }]);
    expect(Object.keys(productionProjection(c)).sort()).toEqual([
      'customer',
      'deliveryDate',
      'items',
      'number',
      'projectName',
      'remarks',
      'signingDate',
    ]);
  });

  it('clears a price typed into free text from the price-free copies', () => {
    const typed = contractFixture({
      specialRequirements:
        '单价按 ¥123,457.89 结算，总价 288306.19 元（' + toChineseCapital('288306.19') + '），电话 0512-88306190',
    });
    const remarks = productionProjection(typed).remarks!;
    expect(remarks).toBe('单价按 ¥*** 结算，总价 *** 元（***），电话 0512-88306190');
    expect(redactAmounts('型号 DN123457 不是价格', ['123457.89'])).toBe('型号 DN*** 不是价格');
  });

  it('fills the sign-off rows in department order, blank for those not yet signed', () => {
    const data = copyFor('production', c, header, null, 'zh-CN');
    expect(data.signoffs).toEqual([
      { department: '财务部', name: '李会计', time: '2026-06-12T06:10:00.000Z', comment: '预付款已到账' },
      { department: '技术部', name: null, time: null, comment: null },
      { department: '生产调度', name: '陈调度', time: '2026-06-13T07:45:00.000Z', comment: null },
    ]);
    expect(data.sheet.complete).toBe(true);
  });

  it('renders through the contact-sheet template: the production HTML has no amount, the finance HTML has them', () => {
    const engine = new TemplateEngine();
    const text = (dept: 'finance' | 'production' | 'engineering') =>
      visibleText(engine.render('contact-sheet', copyFor(dept, c, header, null, 'zh-CN')).html);
    const production = text('production');
    expect(production).toContain('生产联');
    expect(production).toContain('核子密度计');
    expect(production).toContain('陈调度');
    expect(everyForm.filter((f) => production.includes(f))).toEqual([]);
    expect(production).not.toMatch(/[¥￥]|单价|金额|价税|大写/);
    const engineering = text('engineering');
    expect(engineering).toContain('铅屏蔽');
    expect(everyForm.filter((f) => engineering.includes(f))).toEqual([]);
    const finance = text('finance');
    expect(finance).toContain('¥123,457.89');
    expect(finance).toContain(toChineseCapital('288306.19'));
    expect(finance).toContain('¥86,491.86');
  });
});
