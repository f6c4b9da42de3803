import { describe, expect, it } from '@jest/globals';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { compare } from '../../common/money.js';
import { DEMO_CUSTOMERS } from '../customers/demo-data.js';
import { DEMO_PRODUCTS } from '../products/demo-data.js';
import { DEMO_QUOTATIONS } from './demo-data.js';
import { CreateQuotationDto } from './dto/quotation.dto.js';
import { effectiveUnitPrice, percentSum } from './quotation-amounts.js';

describe('demo quotations', () => {
  const demos = DEMO_QUOTATIONS('2026-05-20');

  it('pass the same validation as an API request, for demo customers and products', () => {
    expect(demos).toHaveLength(2);
    for (const d of demos) {
      expect(DEMO_CUSTOMERS.map((c) => c.name)).toContain(d.customer);
      const body = {
        ...d.quotation,
        customerId: '00000000-0000-4000-8000-000000000000',
        lines: d.quotation.lines.map(({ productCode, ...l }) =>
          productCode ? { ...l, productId: '00000000-0000-4000-8000-000000000001' } : l,
        ),
      };
      const errors = validateSync(plainToInstance(CreateQuotationDto, body), {
        whitelist: true,
        forbidNonWhitelisted: true,
      });
      expect({ customer: d.customer, errors }).toEqual({ customer: d.customer, errors: [] });
      expect(percentSum(d.quotation.paymentTerms)).toBe('100');
      for (const l of d.quotation.lines) {
        if (l.productCode) expect(DEMO_PRODUCTS.map((p) => p.code)).toContain(l.productCode);
      }
    }
  });

  it('has exactly one quotation below a floor price, with the approval reason', () => {
    const below = demos.filter((d) =>
      d.quotation.lines.some((l) => {
        const p = DEMO_PRODUCTS.find((x) => x.code === l.productCode);
        if (!p) return false;
        const price = effectiveUnitPrice({ unitPrice: l.unitPrice ?? p.listPrice, discount: l.discount ?? '0' });
        return compare(price, p.floorPrice) < 0;
      }),
    );
    expect(below).toHaveLength(1);
    expect(below[0].approvalReason).toEqual(expect.any(String));
  });
});
