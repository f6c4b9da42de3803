import { describe, expect, it } from '@jest/globals';
import { PERFORMANCE_TABLE } from './performance.table.js';

const column = (key: string) => PERFORMANCE_TABLE.columns.find((c) => c.key === key)!;

describe('the performance sheet', () => {
  it('reads industries as codes from Chinese labels or synonyms, and keeps other words', () => {
    const industry = column('industry');
    expect(['钢铁', '冶金', 'Steel', '石油化工', '石化', '水务', '污水处理'].map((t) => industry.fromCell!(t))).toEqual(
      ['steel', 'steel', 'steel', 'petrochemical', 'petrochemical', 'water', 'water'],
    );
    expect(industry.fromCell!('造纸')).toBe('造纸');
    expect(industry.toCell!('power')).toBe('电力');
    expect(industry.toCell!('造纸')).toBe('造纸');
  });

  it('reads currencies written in Chinese', () => {
    expect(column('currency').fromCell!('人民币')).toBe('CNY');
    expect(column('currency').fromCell!('usd')).toBe('USD');
  });

  it('marks the amount as priced, so production exports leave it out', () => {
    expect(PERFORMANCE_TABLE.columns.filter((c) => c.priced).map((c) => c.key)).toEqual(['contractAmount']);
  });
});
