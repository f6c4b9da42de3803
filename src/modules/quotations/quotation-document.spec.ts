import { describe, expect, it } from '@jest/globals';
import { TemplateEngine } from '../../rendering/templates/template-engine.js';
import { visibleText } from '../../rendering/docx/visible-text.js';
import type { CompanyProfileWithSeals } from '../company/company.service.js';
import type { CustomerView } from '../customers/customers.service.js';
import { lineAmounts, totals } from './quotation-amounts.js';
import { quotationDocument, type QuotationDocumentData } from './quotation-document.js';
import { PAYMENT_EVENTS } from './quotation-revision.entity.js';
import type { QuotationView } from './quotations.service.js';

const engine = new TemplateEngine();

const company = {
  profile: {
    legalNameZh: '华东智能仪表有限公司',
    legalNameEn: 'East China Smart Instruments Co., Ltd.',
    creditCode: '91320506MA1NK4RB7H',
    addressZh: '江苏省苏州市吴中区科技路88号',
    addressEn: 'No. 88 Keji Road, Suzhou',
    phone: '0512-6688 1200',
    bankAccounts: [{ bankName: '中国工商银行', branch: '苏州吴中支行', accountName: 'x', accountNumber: '1102 0206' }],
  },
  seals: { company: { sha256: 'x' }, contract: null },
} as unknown as CompanyProfileWithSeals;

const customer = {
  name: '青澜钢铁集团有限公司',
  taxId: '91320500MA1W8K7C2W',
  address: '江苏省苏州市相城区青澜大道1号',
  contacts: [{ name: '赵志强', phone: '139 1234 5601', email: null, billing: false }],
} as unknown as CustomerView;

const quotation = {
  number: 'Q2026-0042',
  revision: 3,
  issueDate: '2026-06-01',
  validUntil: '2026-06-30',
  currency: 'CNY',
  projectName: '流量计改造',
  lines: [
    {
      line: 1,
      productCode: 'LDG-50',
      name: '电磁流量计',
      specification: 'DN50',
      qty: '3',
      unit: '台',
      unitPrice: '8600.00',
      discount: '5.00',
      taxRate: '13.00',
      net: '24510.00',
      tax: '3186.30',
    },
  ],
  subtotal: '24510.00',
  taxTotal: '3186.30',
  total: '27696.30',
  paymentTerms: PAYMENT_EVENTS.map((event, i) => ({
    percent: i === 0 ? '50' : '10',
    event,
    days: i,
    label: event === 'other' ? '其他款项' : null,
  })),
  deliveryTerms: { daysAfterAdvance: 30, date: '2026-08-01', place: '需方现场', incoterm: 'DAP' },
  notes: '含安装',
} as unknown as QuotationView;

describe('the quotation document', () => {
  it('builds what the template needs: seller, buyer, trimmed percentages, the total in capital numerals', () => {
    const data = quotationDocument(quotation, company, customer, 'zh-CN');
    expect(data).toMatchObject({
      quotationNo: 'Q2026-0042',
      revision: 3,
      company: {
        name: '华东智能仪表有限公司',
        taxId: '91320506MA1NK4RB7H',
        bank: { name: '中国工商银行 苏州吴中支行' },
      },
      customer: { name: '青澜钢铁集团有限公司', contact: { name: '赵志强' } },
      lines: [{ no: 1, code: 'LDG-50', discount: '5', taxRate: '13', net: '24510.00' }],
      totals: { total: '27696.30', totalInWords: '贰万柒仟陆佰玖拾陆元叁角整' },
      seal: 'company',
    });
    expect(quotationDocument(quotation, company, customer, 'en').company.address).toBe('No. 88 Keji Road, Suzhou');
  });

  it.each(['zh-CN', 'en'] as const)('renders in %s with a label for every payment event', (locale) => {
    const text = visibleText(
      engine.render('quotation', quotationDocument(quotation, company, customer, locale), { locale }).html,
    );
    expect(text).toContain('Q2026-0042');
    expect(text).toContain('贰万柒仟陆佰玖拾陆元叁角整');
    expect(text).toContain('¥27,696.30');
    expect(text).toContain(locale === 'en' ? 'After acceptance' : '验收合格后');
    expect(text).toContain('其他款项');
  });

  it('has a sample whose line amounts and totals follow the rounding rule', () => {
    const s = engine.sample('quotation') as QuotationDocumentData;
    const amounts = s.lines.map((l) => lineAmounts(l));
    expect(s.lines.map((l) => [l.net, l.tax])).toEqual(amounts.map((a) => [a.net, a.tax]));
    const t = totals(amounts);
    expect(s.totals).toMatchObject({ net: t.subtotal, tax: t.taxTotal, total: t.total });
  });
});
