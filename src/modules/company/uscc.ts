import { registerDecorator, type ValidationArguments } from 'class-validator';

/**
 * The unified social credit code (统一社会信用代码, GB 32100-2015): 18 characters from a 31-character set
 * (digits and capitals without I, O, S, V, Z). The last one is a check character: each of the first 17 is
 * weighted 3^(i-1) mod 31, and the check value is 31 - (sum mod 31), where 31 stands for 0.
 * The structure of positions 1-17 (registration authority, type, region, organisation code) is not checked:
 * their code lists change, and the check character already catches typing errors.
 */
const CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const USCC_PATTERN = /^[0-9A-HJ-NPQRTUWXY]{18}$/;

/** The check character for the first 17 characters, or null when they hold a character outside the set. */
export function usccCheckChar(first17: string): string | null {
  if (first17.length !== 17) return null;
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const v = CHARSET.indexOf(first17[i]);
    if (v < 0) return null;
    sum += v * WEIGHTS[i];
  }
  return CHARSET[(31 - (sum % 31)) % 31];
}

export function isUscc(value: unknown): value is string {
  return typeof value === 'string' && USCC_PATTERN.test(value) && usccCheckChar(value.slice(0, 17)) === value[17];
}

/**
 * Whether a tax number is meant to be a USCC: 18 letters or digits. Other tax numbers (a 15-digit
 * pre-2015 tax registration number, a foreign VAT id) are taken as they are.
 */
export function looksLikeUscc(value: string): boolean {
  return /^[0-9A-Za-z]{18}$/.test(value);
}

const usccMessage = (args?: ValidationArguments) =>
  `${args?.property} must be a unified social credit code: 18 characters (digits and capitals without I, O, S, V, Z) with a valid check character`;

/** A company's own USCC: always checked. */
export function IsUscc(): PropertyDecorator {
  return (target, propertyKey) =>
    registerDecorator({
      name: 'isUscc',
      target: target.constructor,
      propertyName: propertyKey as string,
      validator: { validate: (value: unknown) => isUscc(value), defaultMessage: usccMessage },
    });
}

/** A customer's tax number: checked as a USCC (in any case) only when it looks like one (see looksLikeUscc). */
export function IsTaxId(): PropertyDecorator {
  return (target, propertyKey) =>
    registerDecorator({
      name: 'isTaxId',
      target: target.constructor,
      propertyName: propertyKey as string,
      validator: {
        validate: (value: unknown) =>
          typeof value === 'string' &&
          /^[0-9A-Za-z-]{5,30}$/.test(value) &&
          (!looksLikeUscc(value) || isUscc(value.toUpperCase())),
        defaultMessage: (args?: ValidationArguments) =>
          typeof args?.value === 'string' && looksLikeUscc(args.value)
            ? usccMessage(args)
            : `${args?.property} must be a tax number of 5 to 30 letters, digits or dashes`,
      },
    });
}
