import { describe, expect, it } from '@jest/globals';
import { isPriceField } from '../../common/amount-redaction.js';
import { CONTRACT_LINE_PRICE_FIELDS, CONTRACT_PRICE_FIELDS } from '../../modules/contracts/contract.view.js';
import { PRODUCT_PRICE_FIELDS } from '../../modules/products/products.service.js';
import { LINE_PRICE_FIELDS, QUOTATION_PRICE_FIELDS } from '../../modules/quotations/quotations.service.js';

import type { ProductionListData } from '../../modules/contact-sheets/views/contact-list.view.js';
import type { ProductionCopyData } from '../../modules/contact-sheets/views/contact-sheet.view.js';
import { TemplateEngine } from './template-engine.js';
import {
  builtInDataContract,
  describeFields,
  fieldPaths,
  isProductionData,
  PRODUCTION_AUDIENCE,
} from './data-contract.js';

// The production marks and the price-field names are written in src/rendering, which knows no module: these checks
// hold them to what the modules do.
describe('data contracts and the modules', () => {
  it('counts every field the modules hide from production as a price field', () => {
    // approval and review are objects (who approved a discount, a review's notes), hidden whole; their figures
    // are price fields of their own.
    const lists = [
      ...CONTRACT_PRICE_FIELDS.filter((f) => f !== 'approval' && f !== 'review'),
      ...CONTRACT_LINE_PRICE_FIELDS,
      ...QUOTATION_PRICE_FIELDS,
      ...LINE_PRICE_FIELDS,
      ...PRODUCT_PRICE_FIELDS,
      'contractAmount', // performance's PRICED_FIELDS
    ];
    expect(lists.filter((f) => !isPriceField(f))).toEqual([]);
    // Registration numbers and quantities are not figures.
    expect(['taxId', 'creditCode', 'qty', 'no', 'number', 'items', 'count'].filter(isPriceField)).toEqual([]);
  });

  it('marks the production copies with the value the views give them', () => {
    const sheet: ProductionCopyData['audience'] = 'production';
    const list: ProductionListData['audience'] = 'production';
    expect(PRODUCTION_AUDIENCE['contact-sheet']).toEqual({ field: 'audience', value: sheet });
    expect(PRODUCTION_AUDIENCE['contact-list']).toEqual({ field: 'audience', value: list });
  });

  it('has a production sample of every production type, and it holds no price field', () => {
    const engine = new TemplateEngine();
    for (const [type, audience] of Object.entries(PRODUCTION_AUDIENCE)) {
      const name = audience === 'always' ? 'sample' : 'sample-production';
      const sample = engine.sample(type, name);
      expect([type, isProductionData(audience, sample)]).toEqual([type, true]);
      expect([type, [...fieldPaths(sample)].filter(isPriceField)]).toEqual([type, []]);
      expect(engine.render(type, sample).html).toContain('</body>'); // a sample is a preview: it renders
      expect([...builtInDataContract(engine.root, type).production!.fields]).toEqual(
        expect.arrayContaining([...fieldPaths(sample)]),
      );
    }
  });
});

describe('describeFields', () => {
  it('gives each path its kind and the first example, lists and objects without one', () => {
    const fields = describeFields(
      [
        {
          customer: { name: '鲁北化工', taxId: null },
          issuedOn: '2026-11-05',
          total: '1234.50',
          pages: 3,
          lines: [{ qty: 2 }],
        },
        { customer: { name: 'Other', taxId: '9137' }, paid: true },
      ],
      ['currency'],
    );
    expect(fields).toEqual([
      { path: 'currency', kind: 'string' },
      { path: 'customer', kind: 'object' },
      { path: 'customer.name', kind: 'string', example: '鲁北化工' },
      { path: 'customer.taxId', kind: 'string', example: '9137' },
      { path: 'issuedOn', kind: 'date', example: '2026-11-05' },
      { path: 'lines', kind: 'array' },
      { path: 'lines[]', kind: 'object' },
      { path: 'lines[].qty', kind: 'number', example: 2 },
      { path: 'pages', kind: 'number', example: 3 },
      { path: 'paid', kind: 'boolean', example: true },
      { path: 'total', kind: 'decimal', example: '1234.50' },
    ]);
  });
});
