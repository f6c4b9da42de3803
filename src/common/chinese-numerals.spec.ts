import { describe, expect, it } from '@jest/globals';
import { toChineseCapital } from './chinese-numerals.js';

describe('toChineseCapital', () => {
  // [amount, expected]: each row is a case a cheque or invoice actually meets; the comment says which rule it pins.
  const cases: [string, string][] = [
    ['1234567.89', '壹佰贰拾叁万肆仟伍佰陆拾柒元捌角玖分'], // the example
    ['0.00', '零元整'],
    ['0', '零元整'],
    ['1.00', '壹元整'],
    ['10.50', '壹拾元伍角整'], // 整 after 角 when there is no 分; 壹拾 written out
    ['10.5', '壹拾元伍角整'], // one decimal place is the same amount
    ['1005', '壹仟零伍元整'], // one 零 for a run of zeros
    ['100000.05', '壹拾万元零伍分'], // 零 after 元 when 角 is zero and 分 is not; trailing zeros unread
    ['16409.02', '壹万陆仟肆佰零玖元零贰分'], // the PBoC rules' own example
    ['1680.32', '壹仟陆佰捌拾元叁角贰分'], // 元 digit zero, 角 not: no 零 (allowed either way)
    ['0.05', '伍分'], // below one yuan: no 元 part
    ['0.50', '伍角整'],
    ['0.55', '伍角伍分'],
    ['12', '壹拾贰元整'],
    ['20', '贰拾元整'],
    ['110', '壹佰壹拾元整'],
    ['101', '壹佰零壹元整'],
    ['100', '壹佰元整'],
    ['105000', '壹拾万伍仟元整'], // a zero ending the 万 section is not read
    ['100500', '壹拾万零伍佰元整'], // a zero starting the unit section is
    ['10000', '壹万元整'],
    ['10001', '壹万零壹元整'],
    ['100000000', '壹亿元整'],
    ['100000001', '壹亿零壹元整'], // an all-zero 万 section is one 零
    ['100100000', '壹亿零壹拾万元整'],
    ['123405000', '壹亿贰仟叁佰肆拾万伍仟元整'],
    ['1000000000000', '壹万亿元整'],
    ['1000100000000', '壹万零壹亿元整'], // not 壹万亿零壹亿
    ['1234500000000', '壹万贰仟叁佰肆拾伍亿元整'],
    ['9999999999999999.99', '玖仟玖佰玖拾玖万玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分'], // the largest amount
    ['5000000000000000', '伍仟万亿元整'],
    ['-1.00', '负壹元整'],
    ['-1234.56', '负壹仟贰佰叁拾肆元伍角陆分'],
    ['-0.05', '负伍分'],
    ['-0.00', '零元整'], // no 负 on zero
    ['0012.30', '壹拾贰元叁角整'], // leading zeros ignored
  ];

  it.each(cases)('writes %s as %s', (amount, expected) => {
    expect(toChineseCapital(amount)).toBe(expected);
  });

  it('refuses what is not a two-place decimal string of at most 16 integer digits', () => {
    expect(() => toChineseCapital('1.005')).toThrow(RangeError);
    expect(() => toChineseCapital('1e5')).toThrow(RangeError);
    expect(() => toChineseCapital('12345678901234567')).toThrow(RangeError);
    expect(() => toChineseCapital('')).toThrow(RangeError);
    expect(() => toChineseCapital(12.5 as unknown as string)).toThrow(RangeError);
  });
});
