import { addDays, type DateOnly } from '../../../common/tabular/date-only.js';
import type { CreateTenderDto } from '../dto/tender.dto.js';

/**
 * The demo tender: the steel group (a demo customer) invites bids for the project of the sent demo quotation,
 * deadline 20 days after loading. It asks for ISO 45001 and product certificates, so the demo's two expired
 * qualifications (ISO 45001, the 防爆合格证 of the radar level meter) show up as blocking, and for three steel
 * references of ¥500,000 or more completed within three years, which the demo performance records meet.
 */
export function demoTender(today: DateOnly, quotationId: string): CreateTenderDto {
  return {
    tenderNo: 'QLGT-ZB-2026-0153',
    projectName: '炼铁厂烧结矿浆浓度及料位测量改造',
    lot: '第一标段（仪表）',
    buyer: '青澜钢铁集团有限公司',
    agency: '江苏中诚招标代理有限公司',
    // No offset: 09:30 in the server's time zone.
    deadline: `${addDays(today, 20)}T09:30:00`,
    bidValidityDays: 90,
    bidBond: { amount: '20000.00', form: 'bank_transfer', bank: null, status: 'to_pay' },
    currency: 'CNY',
    quotationId,
    salesOwnerId: null,
    language: 'zh-CN',
    requirements: {
      qualificationTypes: [
        'business_licence',
        'iso9001',
        'iso45001',
        'industry_permit',
        'product_certificate',
        'credit_rating',
      ],
      performance: {
        industry: 'steel',
        productLine: null,
        minAmount: '500000.00',
        completedWithinYears: 3,
        minCount: 3,
      },
      sections: [
        'cover',
        'toc',
        'bid_letter',
        'opening_summary',
        'itemised_quotation',
        'deviation_table',
        'authorisation',
        'qualifications',
        'performance',
        'credit',
      ],
      deviations: [
        {
          clause: '第五章 技术要求 3.2',
          requirement: '矿浆浓度测量精度优于 ±1%',
          response: 'NDM-137 核子密度计测量精度 ±0.5%',
          deviation: 'positive',
          note: null,
        },
        {
          clause: '第五章 技术要求 4.1',
          requirement: '现场仪表防护等级不低于 IP65',
          response: '防护等级 IP67',
          deviation: 'positive',
          note: null,
        },
        {
          clause: '第三章 商务条款 6.1',
          requirement: '合同签订后 30 天内交货',
          response: '预付款到账后 45 天内交货（放射源备案手续需 15 天）',
          deviation: 'negative',
          note: '放射源运输须先完成转让审批备案',
        },
      ],
    },
    representative: { name: '陈晓东', title: '销售经理', idNumber: null, phone: '13912345678' },
    notes: '投标保证金须在截止时间前 3 个工作日到账。',
  };
}
