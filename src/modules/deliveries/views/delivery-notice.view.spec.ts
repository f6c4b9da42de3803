import { describe, expect, it } from '@jest/globals';
import { visibleText } from '../../../rendering/docx/visible-text.js';
import { TemplateEngine } from '../../../rendering/templates/template-engine.js';
import type { DeliveryGate } from '../delivery.entity.js';
import { noticeData } from './delivery-notice.view.js';

// As prices-hidden.test.ts judges a key: a commercial figure.
const PRICE_KEY = /price|amount|discount|total|subtotal|^net$|^tax$|taxAmount|balance|paid|outstanding|reason/i;

function keys(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(keys);
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => [k, ...keys(v)]);
  return [];
}

const approved: DeliveryGate = {
  result: 'approved',
  outstanding: [{ share: 2, event: 'before_delivery', label: null, dueDate: null, outstanding: '300497.93' }],
  approvedBy: { id: 'u1', name: '王总' },
  reason: '战略客户，月底前付清',
  at: '2026-07-18T02:25:00.000Z',
};

const delivery = (gate: DeliveryGate) => ({
  number: 'FH2026-0007',
  createdAt: new Date('2026-07-18T02:30:00.000Z'),
  createdByName: '内勤小张',
  shipDate: '2026-07-20',
  estimatedArrival: null,
  items: [
    { line: 1, productCode: 'NDM-137', name: '核子密度计', specification: 'DN300', qty: '2.000', unit: '套' },
    { line: 3, productCode: null, name: '屏蔽信号电缆', specification: null, qty: '120.5', unit: '米' },
  ],
  consignee: '赵志强',
  contactPhone: '139 1234 5601',
  address: '山东省日照市岚山区钢城大道1号',
  carrier: '德邦物流',
  driverName: '孙师傅',
  driverPhone: '135 0000 1111',
  licencePlate: '鲁L·A1234',
  remarks: null,
  gate,
});

const contract = { number: 'HT2026-0031', projectName: '炼铁厂料位测量改造', projectNumber: '2026-017' };

describe('delivery notice data', () => {
  it('carries items as quantities and units, numbered in order, and no commercial key', () => {
    const data = noticeData(delivery(approved), contract, { name: '青澜钢铁集团有限公司' }, null);
    expect(data.items).toEqual([
      { no: 1, code: 'NDM-137', name: '核子密度计', specification: 'DN300', qty: '2', unit: '套' },
      { no: 2, code: null, name: '屏蔽信号电缆', specification: null, qty: '120.5', unit: '米' },
    ]);
    expect(keys(data).filter((k) => PRICE_KEY.test(k))).toEqual([]);
    expect(JSON.stringify(data)).not.toContain('300497.93');
    expect(JSON.stringify(data)).not.toContain('月底前付清');
  });

  it('prints "shipped on approval" with the approver and time, never the reason or the amount', () => {
    const engine = new TemplateEngine();
    const data = noticeData(delivery(approved), contract, { name: '青澜钢铁集团有限公司' }, null);
    const zh = visibleText(engine.render('delivery-notice', data).html);
    expect(zh).toContain('【凭审批发货】');
    expect(zh).toContain('审批人 王总，审批时间 2026年7月18日 10:25');
    expect(zh).not.toContain('月底前付清');
    expect(zh).not.toContain('300497');
    const en = visibleText(engine.render('delivery-notice', data, { locale: 'en' }).html);
    expect(en).toContain('Shipped on approval');

    const paid = noticeData(
      delivery({ result: 'paid', outstanding: [], approvedBy: null, reason: null, at: approved.at }),
      contract,
      { name: '青澜钢铁集团有限公司' },
      null,
    );
    expect(paid.approval).toBeNull();
    expect(visibleText(engine.render('delivery-notice', paid).html)).not.toContain('凭审批发货');
  });

  it('prints the consignee, transport and a receipt block, and dashes for what is not known', () => {
    const engine = new TemplateEngine();
    const d = { ...delivery(approved), driverName: null, driverPhone: null };
    const text = visibleText(
      engine.render('delivery-notice', noticeData(d, contract, { name: '青澜钢铁' }, null)).html,
    );
    for (const s of [
      'FH2026-0007',
      'HT2026-0031',
      '2026-017',
      '赵志强',
      '139 1234 5601',
      '德邦物流',
      '鲁L·A1234',
      '收货签收',
      '收货人签字',
    ]) {
      expect([s, text.includes(s)]).toEqual([s, true]);
    }
    expect(text).toContain('司机 —');
    expect(text).toContain('预计到货：—');
  });
});
