import { describe, expect, it } from '@jest/globals';
import { TemplateEngine } from '../../rendering/templates/template-engine.js';
import type { DeliveryGate } from './delivery.entity.js';
import { mailKey, noticeMailData, noticeMails, type MailAudience, type NoticeMailDelivery } from './delivery.mail.js';
import type { NoticeCompany } from './views/delivery-notice.view.js';

const paid: DeliveryGate = {
  result: 'paid',
  outstanding: [],
  approvedBy: null,
  reason: null,
  at: '2026-07-18T02:25:00Z',
};
const approvedBy = (name: string | null): DeliveryGate => ({
  result: 'approved',
  outstanding: [{ share: 2, event: 'before_delivery', label: null, dueDate: null, outstanding: '300497.93' }],
  approvedBy: name === null ? null : { id: 'u1', name },
  reason: '战略客户，月底前付清',
  at: '2026-07-18T02:25:00Z',
});

const base: NoticeMailDelivery = {
  id: 'd1',
  number: 'FH2026-0007',
  shipDate: '2026-07-20',
  estimatedArrival: '2026-07-22',
  items: [
    {
      line: 1,
      productCode: 'NDM-137',
      name: '核子密度计',
      specification: 'Cs-137 密封源，DN100–DN600',
      qty: '2.000',
      unit: '套',
    },
    { line: 3, productCode: null, name: '屏蔽信号电缆', specification: null, qty: '120.5', unit: '米' },
  ],
  consignee: '赵志强',
  contactPhone: '139 0000 0101',
  address: '山东省日照市岚山区钢城大道1号 青澜钢铁炼铁厂仓库',
  carrier: '德邦物流',
  driverName: '孙师傅',
  driverPhone: '135 0000 0202',
  licencePlate: '鲁L·A1234',
  gate: paid,
};
const CONTRACT = {
  number: 'HT2026-0031',
  projectName: '炼铁厂烧结矿浆浓度测量改造',
  customer: { name: '青澜钢铁集团有限公司' },
};
const COMPANY: NoticeCompany = {
  name: '华东仪表有限公司',
  nameEn: 'East China Instruments Co., Ltd.',
  address: '上海市',
  phone: '021-5555 0101',
  taxId: '91310000000000000X',
};

/**
 * The Chinese mails exactly as DeliveriesService.message wrote them before they became templates
 * (templates/mail/delivery-notice/zh-CN): its output for these inputs, captured from that code.
 */
const BEFORE: {
  case: string;
  audience: MailAudience;
  args: () => readonly [NoticeMailDelivery, NoticeCompany | null, number];
  subject: string;
  text: string;
}[] = [
  {
    case: "first version, every transport detail, the company's letterhead",
    audience: 'production',
    args: () => [base, COMPANY, 1] as const,
    subject: '发货通知 FH2026-0007：合同 HT2026-0031（青澜钢铁集团有限公司），2026-07-20 发货',
    text: `生产调度：

合同 HT2026-0031（青澜钢铁集团有限公司，炼铁厂烧结矿浆浓度测量改造）的货物定于 2026-07-20 发货，预计 2026-07-22 到货，请安排出库。

发货通知单号：FH2026-0007
货物清单：
  1. 核子密度计（Cs-137 密封源，DN100–DN600） 2 套
  2. 屏蔽信号电缆 120.5 米

收货人：赵志强（139 0000 0101）
收货地址：山东省日照市岚山区钢城大道1号 青澜钢铁炼铁厂仓库
承运单位：德邦物流；司机：孙师傅（135 0000 0202）；车牌号：鲁L·A1234

附件为发货通知单 PDF（电子签名）。
`,
  },
  {
    case: "first version, every transport detail, the company's letterhead",
    audience: 'customer',
    args: () => [base, COMPANY, 1] as const,
    subject: '发货通知 FH2026-0007（华东仪表有限公司）',
    text: `尊敬的青澜钢铁集团有限公司：

贵司合同 HT2026-0031（炼铁厂烧结矿浆浓度测量改造）项下的货物定于 2026-07-20 发运，预计 2026-07-22 到货，请做好接收准备，到货后请在发货通知单上签收。

发货通知单号：FH2026-0007
货物清单：
  1. 核子密度计（Cs-137 密封源，DN100–DN600） 2 套
  2. 屏蔽信号电缆 120.5 米

收货人：赵志强（139 0000 0101）
收货地址：山东省日照市岚山区钢城大道1号 青澜钢铁炼铁厂仓库
承运单位：德邦物流；司机：孙师傅（135 0000 0202）；车牌号：鲁L·A1234

附件为发货通知单 PDF（电子签名）。

华东仪表有限公司  电话：021-5555 0101
`,
  },
  {
    case: 'a corrected version 2',
    audience: 'production',
    args: () => [base, COMPANY, 2] as const,
    subject: '发货通知 FH2026-0007【更正 第2版】：合同 HT2026-0031（青澜钢铁集团有限公司），2026-07-20 发货',
    text: `生产调度：

合同 HT2026-0031（青澜钢铁集团有限公司，炼铁厂烧结矿浆浓度测量改造）的货物定于 2026-07-20 发货，预计 2026-07-22 到货，请安排出库。

发货通知单号：FH2026-0007
货物清单：
  1. 核子密度计（Cs-137 密封源，DN100–DN600） 2 套
  2. 屏蔽信号电缆 120.5 米

收货人：赵志强（139 0000 0101）
收货地址：山东省日照市岚山区钢城大道1号 青澜钢铁炼铁厂仓库
承运单位：德邦物流；司机：孙师傅（135 0000 0202）；车牌号：鲁L·A1234

附件为发货通知单 PDF（电子签名）。
`,
  },
  {
    case: 'a corrected version 2',
    audience: 'customer',
    args: () => [base, COMPANY, 2] as const,
    subject: '发货通知 FH2026-0007【更正 第2版】（华东仪表有限公司）',
    text: `尊敬的青澜钢铁集团有限公司：

贵司合同 HT2026-0031（炼铁厂烧结矿浆浓度测量改造）项下的货物定于 2026-07-20 发运，预计 2026-07-22 到货，请做好接收准备，到货后请在发货通知单上签收。

发货通知单号：FH2026-0007
货物清单：
  1. 核子密度计（Cs-137 密封源，DN100–DN600） 2 套
  2. 屏蔽信号电缆 120.5 米

收货人：赵志强（139 0000 0101）
收货地址：山东省日照市岚山区钢城大道1号 青澜钢铁炼铁厂仓库
承运单位：德邦物流；司机：孙师傅（135 0000 0202）；车牌号：鲁L·A1234

附件为发货通知单 PDF（电子签名）。

华东仪表有限公司  电话：021-5555 0101
`,
  },
  {
    case: 'no arrival date, no transport details, no company profile yet',
    audience: 'production',
    args: () =>
      [
        { ...base, estimatedArrival: null, carrier: null, driverName: null, driverPhone: null, licencePlate: null },
        null,
        1,
      ] as const,
    subject: '发货通知 FH2026-0007：合同 HT2026-0031（青澜钢铁集团有限公司），2026-07-20 发货',
    text: `生产调度：

合同 HT2026-0031（青澜钢铁集团有限公司，炼铁厂烧结矿浆浓度测量改造）的货物定于 2026-07-20 发货，请安排出库。

发货通知单号：FH2026-0007
货物清单：
  1. 核子密度计（Cs-137 密封源，DN100–DN600） 2 套
  2. 屏蔽信号电缆 120.5 米

收货人：赵志强（139 0000 0101）
收货地址：山东省日照市岚山区钢城大道1号 青澜钢铁炼铁厂仓库

附件为发货通知单 PDF（电子签名）。
`,
  },
  {
    case: 'no arrival date, no transport details, no company profile yet',
    audience: 'customer',
    args: () =>
      [
        { ...base, estimatedArrival: null, carrier: null, driverName: null, driverPhone: null, licencePlate: null },
        null,
        1,
      ] as const,
    subject: '发货通知 FH2026-0007',
    text: `尊敬的青澜钢铁集团有限公司：

贵司合同 HT2026-0031（炼铁厂烧结矿浆浓度测量改造）项下的货物定于 2026-07-20 发运，请做好接收准备，到货后请在发货通知单上签收。

发货通知单号：FH2026-0007
货物清单：
  1. 核子密度计（Cs-137 密封源，DN100–DN600） 2 套
  2. 屏蔽信号电缆 120.5 米

收货人：赵志强（139 0000 0101）
收货地址：山东省日照市岚山区钢城大道1号 青澜钢铁炼铁厂仓库

附件为发货通知单 PDF（电子签名）。
`,
  },
  {
    case: 'shipped on approval, a driver without a phone, version 3',
    audience: 'production',
    args: () =>
      [
        { ...base, carrier: null, driverPhone: null, licencePlate: null, gate: approvedBy('王总') },
        { ...COMPANY, phone: null },
        3,
      ] as const,
    subject: '发货通知 FH2026-0007【更正 第3版】：合同 HT2026-0031（青澜钢铁集团有限公司），2026-07-20 发货',
    text: `生产调度：

合同 HT2026-0031（青澜钢铁集团有限公司，炼铁厂烧结矿浆浓度测量改造）的货物定于 2026-07-20 发货，预计 2026-07-22 到货，请安排出库。
【凭审批发货】审批人：王总

发货通知单号：FH2026-0007
货物清单：
  1. 核子密度计（Cs-137 密封源，DN100–DN600） 2 套
  2. 屏蔽信号电缆 120.5 米

收货人：赵志强（139 0000 0101）
收货地址：山东省日照市岚山区钢城大道1号 青澜钢铁炼铁厂仓库
司机：孙师傅

附件为发货通知单 PDF（电子签名）。
`,
  },
  {
    case: 'a company without a phone, a driver without a phone, version 3',
    audience: 'customer',
    args: () =>
      [
        { ...base, carrier: null, driverPhone: null, licencePlate: null, gate: approvedBy('王总') },
        { ...COMPANY, phone: null },
        3,
      ] as const,
    subject: '发货通知 FH2026-0007【更正 第3版】（华东仪表有限公司）',
    text: `尊敬的青澜钢铁集团有限公司：

贵司合同 HT2026-0031（炼铁厂烧结矿浆浓度测量改造）项下的货物定于 2026-07-20 发运，预计 2026-07-22 到货，请做好接收准备，到货后请在发货通知单上签收。

发货通知单号：FH2026-0007
货物清单：
  1. 核子密度计（Cs-137 密封源，DN100–DN600） 2 套
  2. 屏蔽信号电缆 120.5 米

收货人：赵志强（139 0000 0101）
收货地址：山东省日照市岚山区钢城大道1号 青澜钢铁炼铁厂仓库
司机：孙师傅

附件为发货通知单 PDF（电子签名）。

华东仪表有限公司
`,
  },
  {
    case: 'an approval without a name, a plate only',
    audience: 'production',
    args: () =>
      [{ ...base, carrier: null, driverName: null, driverPhone: '135', gate: approvedBy(null) }, COMPANY, 1] as const,
    subject: '发货通知 FH2026-0007：合同 HT2026-0031（青澜钢铁集团有限公司），2026-07-20 发货',
    text: `生产调度：

合同 HT2026-0031（青澜钢铁集团有限公司，炼铁厂烧结矿浆浓度测量改造）的货物定于 2026-07-20 发货，预计 2026-07-22 到货，请安排出库。
【凭审批发货】审批人：

发货通知单号：FH2026-0007
货物清单：
  1. 核子密度计（Cs-137 密封源，DN100–DN600） 2 套
  2. 屏蔽信号电缆 120.5 米

收货人：赵志强（139 0000 0101）
收货地址：山东省日照市岚山区钢城大道1号 青澜钢铁炼铁厂仓库
车牌号：鲁L·A1234

附件为发货通知单 PDF（电子签名）。
`,
  },
];

describe('the delivery notice mail (templates/mail/delivery-notice)', () => {
  const engine = new TemplateEngine();
  const render = (
    audience: MailAudience,
    args: readonly [NoticeMailDelivery, NoticeCompany | null, number],
    locale: 'zh-CN' | 'en',
  ) => engine.renderMail('delivery-notice', noticeMailData(audience, args[0], CONTRACT, args[1], args[2]), locale);

  it.each(BEFORE)(
    'says in Chinese what the code said before: $case ($audience)',
    ({ audience, args, subject, text }) => {
      const mail = render(audience, args(), 'zh-CN');
      expect(mail.subject).toBe(subject);
      expect(mail.text).toBe(text);
    },
  );

  it('writes the HTML part with the same content, escaped', () => {
    const mail = engine.renderMail(
      'delivery-notice',
      noticeMailData('production', { ...base, consignee: '赵<志强>', gate: approvedBy('王总') }, CONTRACT, COMPANY, 2),
      'zh-CN',
    );
    expect(mail.html).toContain('<li>核子密度计（Cs-137 密封源，DN100–DN600） 2 套</li>');
    expect(mail.html).toContain('收货人：赵&lt;志强&gt;（139 0000 0101）');
    expect(mail.html).toContain('承运单位：德邦物流；司机：孙师傅（135 0000 0202）；车牌号：鲁L·A1234');
    expect(mail.html).toContain('【凭审批发货】</strong>审批人：王总');
  });

  it('has an English version saying the same', () => {
    const production = render('production', [{ ...base, gate: approvedBy('王总') }, COMPANY, 2], 'en');
    expect(production.subject).toBe(
      'Delivery notice FH2026-0007 [correction, version 2]: contract HT2026-0031 (青澜钢铁集团有限公司), shipping on 2026-07-20',
    );
    expect(production.text).toContain(
      'are to ship on 2026-07-20, expected to arrive on 2026-07-22. Please arrange their release from the warehouse.\n' +
        '[Shipped on approval] Approved by: 王总\n',
    );
    expect(production.text).toContain(
      '  1. 核子密度计 (Cs-137 密封源，DN100–DN600) 2 套\n  2. 屏蔽信号电缆 120.5 米\n',
    );
    expect(production.text).toContain('Carrier: 德邦物流; Driver: 孙师傅 (135 0000 0202); Licence plate: 鲁L·A1234\n');
    const customer = render('customer', [base, COMPANY, 1], 'en');
    expect(customer.subject).toBe('Delivery notice FH2026-0007 (East China Instruments Co., Ltd.)');
    expect(customer.text).toMatch(/^Dear 青澜钢铁集团有限公司,\n/);
    expect(customer.text).toMatch(/\n\nEast China Instruments Co., Ltd.  Tel.: 021-5555 0101\n$/);
    expect(customer.text).not.toContain('Approved by');
  });

  it('carries no amount and no approval reason', () => {
    const data = JSON.stringify(
      noticeMailData('production', { ...base, gate: approvedBy('王总') }, CONTRACT, COMPANY, 1),
    );
    expect(data).not.toContain('300497.93');
    expect(data).not.toContain('月底前付清');
  });
});

describe('noticeMails', () => {
  it('queues one mail per audience with an address, keyed per version, with the PDF attached', () => {
    const mails = noticeMails({
      delivery: base,
      contract: CONTRACT,
      company: COMPANY,
      version: 2,
      addresses: { production: 'diaodu@example.cn', customer: null },
      locales: { production: 'zh-CN', customer: 'zh-CN' },
    });
    expect(mails).toEqual([
      expect.objectContaining({
        key: 'delivery:d1:production:v2',
        about: { type: 'delivery', id: 'd1' },
        audience: 'production',
        to: ['diaodu@example.cn'],
        template: 'delivery-notice',
        locale: 'zh-CN',
        attach: [{ format: 'pdf', fileName: '发货通知单-FH2026-0007.pdf' }],
      }),
    ]);
    expect(mailKey('d1', 'customer')).toBe('delivery:d1:customer');
  });

  it("words each mail in its reader's language and names the attached notice in the notice's", () => {
    const mails = noticeMails({
      delivery: base,
      contract: CONTRACT,
      company: COMPANY,
      version: 1,
      addresses: { production: 'diaodu@example.cn', customer: 'buyer@example.com' },
      locales: { production: 'es', customer: 'en' },
    });
    expect(mails.map((m) => [m.audience, m.locale, m.attach])).toEqual([
      ['production', 'es', [{ format: 'pdf', fileName: 'Delivery-notice-FH2026-0007.pdf' }]],
      ['customer', 'en', [{ format: 'pdf', fileName: 'Delivery-notice-FH2026-0007.pdf' }]],
    ]);
    expect(mailKey('d1', 'customer', 1)).toBe('delivery:d1:customer');
  });
});
