import { AMOUNT_PATTERN, type Amount } from './money.js';

/**
 * Amounts in Chinese capital numerals (大写金额), as written on invoices, contracts and bank cheques.
 *
 * Follows the People's Bank of China rules for filling in payment instruments
 * (《正确填写票据和结算凭证的基本规定》):
 * - 整 after 元 when there are no 角/分 (壹仟零伍元整); after 角 when there is no 分 we also write 整
 *   (壹拾元伍角整: the rules allow it and it leaves no room to append a figure); never after 分.
 * - One 零 for a run of zeros inside the integer part (壹仟零伍元); none for zeros that end a 万/亿 section
 *   (壹拾万伍仟元, not 壹拾万零伍仟元) or end the integer part (壹拾万元).
 * - 零 after 元 when 角 is zero but 分 is not (壹拾万元零伍分). When only the 元 digit is zero and 角 is not,
 *   the rules allow either; we write none (壹仟陆佰捌拾元叁角贰分).
 * - 壹拾 is always written out (壹拾元, 壹拾万), as the rules require for amounts starting with 10–19.
 * - Amounts below one yuan have no 元 part (伍角整, 伍分); zero is 零元整; negative amounts start with 负.
 * - Up to 16 integer digits (the service's numeric(18,2)): 万, 亿, 万亿; a 万亿 section followed by a
 *   non-zero 亿 section reads 壹万零壹亿 rather than 壹万亿零壹亿.
 */

const DIGITS = ['零', '壹', '贰', '叁', '肆', '伍', '陆', '柒', '捌', '玖'];
/** Units inside a four-digit section, from its last digit up. */
const SMALL_UNITS = ['', '拾', '佰', '仟'];

export function toChineseCapital(amount: Amount): string {
  if (typeof amount !== 'string' || !AMOUNT_PATTERN.test(amount)) {
    throw new RangeError(`not an amount (a decimal string with up to 16 digits and 2 places): ${String(amount)}`);
  }
  const negative = amount.startsWith('-');
  const [intPart, fracPart = ''] = (negative ? amount.slice(1) : amount).split('.');
  const integer = intPart.replace(/^0+(?=\d)/, '');
  const jiao = Number((fracPart + '00')[0]);
  const fen = Number((fracPart + '00')[1]);

  const yuan = integer === '0' ? '' : integerToCapital(integer) + '元';
  let cents: string;
  if (jiao === 0 && fen === 0) cents = yuan ? '整' : '零元整';
  else if (fen === 0) cents = `${DIGITS[jiao]}角整`;
  else if (jiao === 0) cents = `${yuan ? '零' : ''}${DIGITS[fen]}分`;
  else cents = `${DIGITS[jiao]}角${DIGITS[fen]}分`;

  const text = yuan + cents;
  return negative && text !== '零元整' ? `负${text}` : text;
}

/** "100050" -> 壹拾万零伍拾: digits are read from the left, one section of four digits at a time. */
function integerToCapital(digits: string): string {
  const sections: string[] = [];
  for (let end = digits.length; end > 0; end -= 4) sections.unshift(digits.slice(Math.max(0, end - 4), end));
  const sectionCount = sections.length;

  let out = '';
  let pendingZero = false; // a zero was skipped since the last digit written: write 零 before the next one
  sections.forEach((section, i) => {
    const power = sectionCount - 1 - i; // 0: units, 1: 万, 2: 亿, 3: 万亿
    const padded = section.padStart(4, '0');
    if (/^0+$/.test(padded)) {
      if (out) pendingZero = true;
      return;
    }
    for (let k = 0; k < 4; k++) {
      const d = Number(padded[k]);
      if (d === 0) {
        if (out) pendingZero = true;
        continue;
      }
      if (pendingZero) out += '零';
      pendingZero = false;
      out += DIGITS[d] + SMALL_UNITS[3 - k];
    }
    out += sectionUnit(power, sections[i + 1]);
    pendingZero = false; // zeros that end a section are not read (壹拾万伍仟)
  });
  return out;
}

function sectionUnit(power: number, nextSection: string | undefined): string {
  switch (power) {
    case 0:
      return '';
    case 1:
      return '万';
    case 2:
      return '亿';
    default:
      // The 万亿 section: just 万 when the 亿 section after it is non-zero and will say 亿 itself.
      return nextSection && !/^0+$/.test(nextSection) ? '万' : '万亿';
  }
}
