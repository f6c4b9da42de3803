import { describe, expect, it } from '@jest/globals';
import { PRODUCT_TABLE } from './products.table.js';

const column = (key: string) => PRODUCT_TABLE.columns.find((c) => c.key === key)!;

describe('the price list sheet', () => {
  it('reads tax rates written with a percent sign', () => {
    expect(['13%', '6 %', '9', '13.00'].map((t) => column('taxRate').fromCell!(t))).toEqual(['13', '6', '9', '13.00']);
  });

  it('reads currencies written in Chinese, and the status as 启用/停用', () => {
    expect(column('currency').fromCell!('人民币')).toBe('CNY');
    expect(column('currency').fromCell!('usd')).toBe('USD');
    expect(['启用', '停用', 'TRUE', 'false', '否'].map((t) => column('active').fromCell!(t))).toEqual([
      true,
      false,
      true,
      false,
      false,
    ]);
    // Unknown words stay text, so the DTO refuses them by name.
    expect(column('active').fromCell!('也许')).toBe('也许');
    expect([true, false].map((v) => column('active').toCell!(v))).toEqual(['启用', '停用']);
  });

  it('marks both prices as priced, so production exports leave them out', () => {
    expect(PRODUCT_TABLE.columns.filter((c) => c.priced).map((c) => c.key)).toEqual(['listPrice', 'floorPrice']);
  });
});
