import { addDays, type DateOnly } from '../../common/tabular/date-only.js';
import type { CreateQuotationDto, QuotationLineDto } from './dto/quotation.dto.js';

export interface DemoQuotation {
  /** a demo customer's name (customers/demo-data.ts) */
  customer: string;
  /** lines name demo products by code (products/demo-data.ts) instead of by id */
  quotation: Omit<CreateQuotationDto, 'customerId' | 'lines'> & {
    lines: (Omit<QuotationLineDto, 'productId'> & { productCode?: string })[];
  };
  approvalReason?: string;
  sent: boolean;
}

/**
 * Two quotations of 华东智能仪表, dated relative to the day they are loaded so they stay valid: a sent one for
 * the steel group's radiometric gauges, and an approved one for the petrochemical plant whose flowmeter line is
 * below the floor price (LDG-50 floor 6900.00, offered at 6500.00) and was let through by the general manager.
 */
export function DEMO_QUOTATIONS(today: DateOnly): DemoQuotation[] {
  return [
    {
      customer: '青澜钢铁集团有限公司',
      quotation: {
        projectName: '炼铁厂烧结矿浆浓度及料位测量改造',
        issueDate: today,
        validUntil: addDays(today, 30),
        lines: [
          { productCode: 'NDM-137', qty: '2' },
          { productCode: 'NLS-60', qty: '4', discount: '5' },
          { productCode: 'RVVP-2X1.0', qty: '600' },
          { productCode: 'SRV-RAD', qty: '2' },
          { name: '现场安装调试及操作培训', unit: '项', qty: '1', unitPrice: '18000.00', taxRate: '6' },
        ],
        paymentTerms: [
          { percent: '30', event: 'contract_signed', days: 7 },
          { percent: '60', event: 'before_delivery' },
          { percent: '10', event: 'after_acceptance', days: 365, label: '质保金' },
        ],
        deliveryTerms: { daysAfterAdvance: 45, place: '需方炼铁厂现场（江苏苏州）' },
        notes: '放射源仪表须由需方提供辐射安全许可证复印件后方可发货；报价含放射源运输及备案手续。',
      },
      sent: true,
    },
    {
      customer: '华东海晟石化有限公司',
      quotation: {
        projectName: '常减压装置流量计更新',
        issueDate: today,
        validUntil: addDays(today, 15),
        lines: [
          { productCode: 'LDG-50', qty: '12', unitPrice: '6500.00' },
          { productCode: 'LUGB-80', qty: '6', discount: '3' },
          { productCode: 'EDP-301', qty: '8' },
        ],
        paymentTerms: [
          { percent: '30', event: 'contract_signed', days: 10 },
          { percent: '60', event: 'on_delivery', days: 30 },
          { percent: '10', event: 'warranty_end', label: '质保期 12 个月' },
        ],
        deliveryTerms: { daysAfterAdvance: 30, place: '需方仓库（江苏无锡）', incoterm: 'DAP' },
        notes: '防爆型仪表均附防爆合格证；电磁流量计按年度框架协议价格执行。',
      },
      approvalReason: '年度框架协议客户，后续两期改造预计采购 60 台以上，同意 LDG-50 按 6500 元/台供货。',
      sent: false,
    },
  ];
}
