import { describe, expect, it } from '@jest/globals';
import { isPriceField } from '../../common/amount-redaction.js';
import { CONTRACT_LINE_PRICE_FIELDS, CONTRACT_PRICE_FIELDS } from '../../modules/contracts/contract.view.js';
import { PRODUCT_PRICE_FIELDS } from '../../modules/products/products.service.js';
import { LINE_PRICE_FIELDS, QUOTATION_PRICE_FIELDS } from '../../modules/quotations/quotations.service.js';

import type { ProductionListData } from '../../modules/contact-sheets/views/contact-list.view.js';
import type { ProductionCopyData } from '../../modules/contact-sheets/views/contact-sheet.view.js';
import { TemplateEngine } from './template-engine.js';
import { builtInDataContract, fieldPaths, isProductionData, PRODUCTION_AUDIENCE } from './data-contract.js';

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
