import { describe, expect, it } from '@jest/globals';
import { toChineseCapital } from '../../../common/chinese-numerals.js';
import type { CompanyProfileWithSeals } from '../../company/company.service.js';
import type { PerformanceView } from '../../performance/performance.service.js';
import type { QualificationView } from '../../qualifications/qualifications.service.js';
import type { QuotationView } from '../../quotations/quotations.service.js';
import { TENDER_SECTIONS } from '../tender.entity.js';
import { TENDER_SECTION_TITLES } from '../tender-package.model.js';
import type { TenderPackageInput, TenderView } from '../tender.view.js';
import {
  buildPackageModel,
  deliveryTermsText,
  formatDeadline,
  isClear,
  packageFileBase,
  packageTitle,
  packageLayout,
  pagesOf,
  paymentTermLine,
  scanFileIds,
  sectionModel,
  sectionParts,
  sectionRanges,
} from './tender-package.builder.js';

const scan = (id: string, name = `${id}.pdf`) => ({ id, originalName: name }) as QualificationView['scans'][number];

const qualification = (id: string, type: QualificationView['type'], scans: string[], validTo: string | null = '2028-01-01') =>
  ({
    id,
    type,
    name: `${type} ${id}`,
    number: `N-${id}`,
    issuer: '中国质量认证中心',
    grade: null,
    validFrom: '2024-01-01',
    validTo,
    scans: scans.map((s) => scan(s)),
  }) as unknown as QualificationView;

const record = (id: string, proofs: string[]) =>
  ({
    id,
    projectName: `项目 ${id}`,
    customerName: '华北钢铁集团有限公司',
    industry: '钢铁',
    productLine: '压力变送器',
    contractAmount: '1860000.00',
    currency: 'CNY',
    signedDate: '2025-01-10',
    completedDate: '2025-09-30',
    location: '河北省唐山市',
    scope: '压力变送器126台',
    proofs: proofs.map((p) => scan(p, `${p}.jpg`)),
  }) as unknown as PerformanceView;

function tender(overrides: Partial<TenderView> = {}): TenderView {
  return {
    id: 't-1',
    tenderNo: 'QLGT-ZB-2026-0153',
    projectName: '炼铁厂烧结矿浆浓度及料位测量改造',
    lot: '第一标段（仪表）',
    buyer: '青澜钢铁集团有限公司',
    agency: '江苏中诚招标代理有限公司',
    // 01:30 UTC is 09:30 in Beijing
    deadline: new Date('2026-12-15T01:30:00Z'),
    deadlineDate: '2026-12-15',
    bidValidityDays: 90,
    validityEndDate: '2027-03-15',
    bidBond: { amount: '20000.00', form: 'bank_transfer', bank: null, status: 'to_pay' },
    currency: 'CNY',
    quotation: { id: 'q-1', number: 'Q2026-0007' },
    salesOwner: { id: 'u-1', name: '李明', email: 'liming@example.com' },
    language: 'zh-CN',
    requirements: { qualificationTypes: ['iso9001'], performance: null, sections: [...TENDER_SECTIONS], deviations: [] },
    selection: { qualificationIds: null, performanceIds: null },
    representative: null,
    status: 'preparing',
    notes: null,
    createdAt: new Date(),
    updatedAt: new Date(),
    version: 1,
    ...overrides,
  };
}

const quotation = {
  number: 'Q2026-0007',
  revision: 2,
  lines: [
    {
      line: 1,
      productId: null,
      productCode: 'NDM-137',
      name: '核子密度计',
      specification: 'Cs-137',
      qty: '2.000',
      unit: '套',
      unitPrice: '50000.00',
      discount: '5.00',
      taxRate: '13.00',
      net: '95000.00',
      tax: '12350.00',
      total: '107350.00',
    },
    {
      line: 2,
      productId: null,
      productCode: 'HDP-3051',
      name: '压力变送器',
      specification: null,
      qty: '10',
      unit: '台',
      unitPrice: '1428.57',
      discount: '0.00',
      taxRate: '13.00',
      net: '14285.70',
      tax: '1857.14',
      total: '16142.84',
    },
  ],
  subtotal: '109285.70',
  taxTotal: '14207.14',
  total: '123492.84',
  paymentTerms: [
    { percent: '30.00', event: 'contract_signed', days: 7, label: null },
    { percent: '60', event: 'before_delivery', days: null, label: null },
    { percent: '10', event: 'after_acceptance', days: 365, label: '质保金' },
  ],
  deliveryTerms: { daysAfterAdvance: 45, date: null, place: '江苏省苏州市', incoterm: 'DAP' },
} as unknown as QuotationView;

const company = {
  profile: {
    legalNameZh: '华东智能仪表有限公司',
    legalNameEn: 'East China Smart Instruments Co., Ltd.',
    creditCode: '91320594MA1W8Q3K2T',
    addressZh: '江苏省苏州市工业园区星湖街88号',
    addressEn: '88 Xinghu Street, Suzhou',
    postalCode: '215000',
    phone: '0512-6688 1200',
    fax: null,
    email: 'bid@huadong.example',
    legalRepresentative: '周建华',
    bankAccounts: [{ bankName: '中国工商银行', branch: '苏州园区支行', accountName: '华东智能仪表有限公司', accountNumber: '1102 0206 0900 1234 567' }],
  },
  seals: { company: null, contract: null },
} as unknown as CompanyProfileWithSeals;

function input(t: TenderView = tender()): TenderPackageInput {
  return {
    tender: t,
    qualifications: [qualification('q1', 'business_licence', ['s1', 's2'], null), qualification('q2', 'iso9001', ['s3'])],
    credit: [qualification('c1', 'credit_rating', ['s4'])],
    performance: [record('p1', ['f1', 'f2']), record('p2', []), record('p3', ['f3'])],
    blocking: [],
    missingTypes: [],
  };
}

describe('packageLayout', () => {
  it('puts the table of contents after the section before it in the tender order', () => {
    const layout = packageLayout(TENDER_SECTIONS);
    expect(layout.rendered).toEqual(TENDER_SECTIONS.filter((s) => s !== 'toc'));
    expect(layout.tocAfter).toBe(0);
    expect(layout.order).toEqual([...TENDER_SECTIONS]);
  });

  it('places a leading table of contents before everything and drops a missing one', () => {
    expect(packageLayout(['toc', 'bid_letter', 'credit']).tocAfter).toBe(-1);
    const none = packageLayout(['cover', 'bid_letter']);
    expect(none.tocAfter).toBeNull();
    expect(none.order).toEqual(['cover', 'bid_letter']);
  });

  it('drops repeated and unknown sections and falls back to the default order when none are given', () => {
    expect(packageLayout(['cover', 'bogus', 'cover', 'toc', 'credit']).order).toEqual(['cover', 'toc', 'credit']);
    expect(packageLayout([]).order).toEqual([...TENDER_SECTIONS]);
    expect(packageLayout(['toc']).tocAfter).toBeNull();
  });
});

describe('buildPackageModel', () => {
  const model = buildPackageModel({ input: input(), quotation, company, date: '2026-11-23' });

  it('takes the totals from the quotation and writes the total in capital numerals', () => {
    expect(model.quotation).toMatchObject({ number: 'Q2026-0007', revision: 2, subtotal: '109285.70', taxTotal: '14207.14', total: '123492.84' });
    expect(model.quotation.totalInWords).toBe(toChineseCapital('123492.84'));
    expect(model.quotation.totalInWords).toBe('壹拾贰万叁仟肆佰玖拾贰元捌角肆分');
    expect(model.quotation.lines.map((l) => [l.qty, l.discount, l.taxRate, l.total])).toEqual([
      ['2', '5', '13', '107350.00'],
      ['10', '0', '13', '16142.84'],
    ]);
  });

  it('writes payment and delivery terms as lines in the package language', () => {
    expect(model.quotation.paymentTerms).toEqual(['30% 合同签订后 7 天内', '60% 发货前', '10% 验收合格后 365 天内（质保金）']);
    expect(model.quotation.deliveryTerms).toBe('收到预付款后 45 天内交货；交货地点：江苏省苏州市；贸易术语：DAP');
    expect(paymentTermLine({ percent: '30', event: 'contract_signed', days: 7, label: null }, 'en')).toBe('30% within 7 days after contract signing');
    expect(deliveryTermsText({ daysAfterAdvance: null, date: '2027-01-31', place: null, incoterm: null }, 'en')).toBe('Delivery by 2027-01-31');
    expect(deliveryTermsText({ daysAfterAdvance: null, date: null, place: null, incoterm: null }, 'zh-CN')).toBeNull();
  });

  it('writes the terms in Spanish for a Spanish package: 30 %, day-first dates, no Chinese punctuation', () => {
    expect(paymentTermLine({ percent: '30', event: 'contract_signed', days: 7, label: null }, 'es')).toBe(
      '30\u00a0% en un plazo de 7 días tras la firma del contrato',
    );
    expect(paymentTermLine({ percent: '12.5', event: 'warranty_end', days: null, label: 'garantía' }, 'es')).toBe(
      '12,5\u00a0% al término del período de garantía (garantía)',
    );
    expect(
      deliveryTermsText({ daysAfterAdvance: 45, date: '2027-01-31', place: 'Suzhou', incoterm: 'DAP' }, 'es'),
    ).toBe(
      'Entrega en un plazo de 45 días desde la recepción del anticipo; entrega a más tardar el 31/01/2027; ' +
        'lugar de entrega: Suzhou; Incoterms 2020: DAP',
    );
    expect(packageTitle({ tenderNo: 'ZB-1', projectName: 'P', lot: null, language: 'es' })).toBe('Oferta ZB-1 P');
  });

  it('prints the deadline in Beijing time and every rendered section with its Chinese title', () => {
    expect(model.tender.deadline).toBe('2026-12-15 09:30');
    expect(formatDeadline(new Date('2026-12-14T16:30:00Z'))).toBe('2026-12-15 00:30');
    expect(model.sections).not.toContain('toc');
    expect(model.titles).toEqual(TENDER_SECTION_TITLES['zh-CN']);
    expect(sectionModel(model, 'bid_letter').sections).toEqual(['bid_letter']);
  });

  it('lists qualifications, credit certificates and references with their scan counts', () => {
    expect(model.qualifications.map((q) => [q.no, q.typeName, q.scans, q.validTo])).toEqual([
      [1, '营业执照', 2, null],
      [2, 'ISO9001质量管理体系认证', 1, '2028-01-01'],
    ]);
    expect(model.credit.map((q) => [q.no, q.typeName, q.scans])).toEqual([[1, '信用等级', 1]]);
    expect(model.performance.map((p) => [p.no, p.amount, p.proofs])).toEqual([
      [1, '1860000.00', 2],
      [2, '1860000.00', 0],
      [3, '1860000.00', 1],
    ]);
  });

  it('signs with the tender representative, else the sales owner, else the legal representative', () => {
    expect(model.representative).toEqual({ name: '李明', title: null, idNumber: null, phone: null });
    const rep = { name: '陈晓东', title: '销售经理', idNumber: null, phone: '13912345678' };
    expect(buildPackageModel({ input: input(tender({ representative: rep })), quotation, company, date: '2026-11-23' }).representative).toEqual(rep);
    expect(buildPackageModel({ input: input(tender({ salesOwner: null })), quotation, company, date: '2026-11-23' }).representative.name).toBe('周建华');
  });

  it('uses English titles, type names and the English company name for an en tender', () => {
    const en = buildPackageModel({ input: input(tender({ language: 'en' })), quotation, company, date: '2026-11-23' });
    expect(en.titles.bid_letter).toBe('Bid Letter');
    expect(en.company.name).toBe('East China Smart Instruments Co., Ltd.');
    expect(en.company.address).toBe('88 Xinghu Street, Suzhou');
    expect(en.qualifications[0]!.typeName).toBe('Business licence');
    // capital numerals stay Chinese: the buyer reads them on every bid, whatever the language
    expect(en.quotation.totalInWords).toBe('壹拾贰万叁仟肆佰玖拾贰元捌角肆分');
  });

  it('keeps the bid bond form as its code (the template names it) and leaves out a bond that is not required', () => {
    expect(model.tender.bidBond).toEqual({ amount: '20000.00', form: 'bank_transfer', bank: null });
    const none = tender({ bidBond: { amount: null, form: null, bank: null, status: 'not_required' } });
    expect(buildPackageModel({ input: input(none), quotation, company, date: '2026-11-23' }).tender.bidBond).toBeNull();
  });
});

describe('sectionParts', () => {
  const base = buildPackageModel({ input: input(), quotation, company, date: '2026-11-23' });
  const lines = Array.from({ length: 5 }, (_, i) => ({ ...base.quotation.lines[0]!, line: i + 1 }));
  const deviations = Array.from({ length: 3 }, (_, i) => ({ no: i + 1, clause: `5.${i + 1}`, requirement: 'r', response: 's', deviation: 'none' as const, note: null }));
  const model = { ...base, quotation: { ...base.quotation, lines }, deviations };

  it('slices a long table into renders of at most that many rows, numbers kept, the section whole around them', () => {
    const parts = sectionParts(model, 'itemised_quotation', 2);
    expect(parts.map((p) => p.quotation.lines.map((l) => l.line))).toEqual([[1, 2], [3, 4], [5]]);
    expect(parts.map((p) => p.part)).toEqual([
      { continued: false, more: true },
      { continued: true, more: true },
      { continued: true, more: false },
    ]);
    for (const p of parts) {
      expect(p.sections).toEqual(['itemised_quotation']);
      // The totals and the capital numerals stay the quotation's (the last part prints them).
      expect(p.quotation.total).toBe(model.quotation.total);
      expect(p.deviations).toBe(model.deviations);
    }
    expect(sectionParts(model, 'deviation_table', 2).map((p) => p.deviations.map((d) => d.no))).toEqual([[1, 2], [3]]);
  });

  it('keeps a table that fits in one render, and the sections without a table, as one whole render', () => {
    expect(sectionParts(model, 'itemised_quotation', 5)).toEqual([sectionModel(model, 'itemised_quotation')]);
    expect(sectionParts(model, 'bid_letter', 1)).toEqual([sectionModel(model, 'bid_letter')]);
    expect(sectionParts(model, 'credit', 1)).toEqual([sectionModel(model, 'credit')]);
    expect(() => sectionParts(model, 'deviation_table', 0)).toThrow(/rowsPerRender/);
  });
});

describe('scans and page ranges', () => {
  it('appends the scans of each list in list order', () => {
    const i = input();
    expect(scanFileIds(i, 'qualifications').map((s) => s.id)).toEqual(['s1', 's2', 's3']);
    expect(scanFileIds(i, 'performance').map((s) => s.id)).toEqual(['f1', 'f2', 'f3']);
    expect(scanFileIds(i, 'credit').map((s) => s.id)).toEqual(['s4']);
    expect(scanFileIds(i, 'bid_letter')).toEqual([]);
  });

  it("gives every section the pages from its first to the page before the next one's, scans included", () => {
    const layout = packageLayout(['cover', 'toc', 'bid_letter', 'qualifications', 'credit']);
    const t = TENDER_SECTION_TITLES['zh-CN'];
    const outline = [
      { title: t.cover, page: 1 },
      { title: t.toc, page: 2 },
      { title: t.bid_letter, page: 3 },
      { title: t.qualifications, page: 5 },
      { title: t.credit, page: 12 },
    ];
    const ranges = sectionRanges(layout, t, outline, 14);
    expect(ranges.map((r) => [r.key, r.firstPage, r.lastPage])).toEqual([
      ['cover', 1, 1],
      ['toc', 2, 2],
      ['bid_letter', 3, 4],
      ['qualifications', 5, 11],
      ['credit', 12, 14],
    ]);
    expect(pagesOf(ranges, ['credit', 'bid_letter'])).toEqual([3, 4, 12, 13, 14]);
  });

  it('refuses an outline that does not match the sections', () => {
    const layout = packageLayout(['cover', 'bid_letter']);
    const t = TENDER_SECTION_TITLES['zh-CN'];
    expect(() => sectionRanges(layout, t, [{ title: t.cover, page: 1 }], 3)).toThrow(/1 entries for 2 sections/);
    expect(() => sectionRanges(layout, t, [{ title: t.cover, page: 1 }, { title: t.credit, page: 2 }], 3)).toThrow(/expected "投标函"/);
  });
});

describe('checks and names', () => {
  it('is clear only with nothing expired and nothing missing', () => {
    expect(isClear({ blocking: [], missingTypes: [] })).toBe(true);
    expect(isClear({ blocking: [{ id: 'x', type: 'iso45001', name: 'ISO 45001', validTo: '2026-10-01' }], missingTypes: [] })).toBe(false);
    expect(isClear({ blocking: [], missingTypes: ['iso14001'] })).toBe(false);
  });

  it('makes an ASCII file name from the tender number', () => {
    expect(packageFileBase('QLGT-ZB-2026-0153')).toBe('tender-package-QLGT-ZB-2026-0153');
    expect(packageFileBase('招标 2026/07 号')).toBe('tender-package-2026-07');
    expect(packageFileBase('第七号')).toBe('tender-package');
  });
});
