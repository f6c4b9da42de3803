import { ParseUUIDPipe, Param, ValidationPipe, type ValidationError } from '@nestjs/common';
import { registerDecorator, type ValidationArguments } from 'class-validator';
import { AppException } from './errors/app-exception.js';
import { compare, isAmount } from './money.js';
import { ErrorCode } from './errors/error-codes.js';

export interface FieldError {
  field: string;
  messages: string[];
}

/** Flattens class-validator's tree into `[{ field: 'lines[0].qty', messages: [...] }]`. */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((e) => {
    const field = parent ? (/^\d+$/.test(e.property) ? `${parent}[${e.property}]` : `${parent}.${e.property}`) : e.property;
    const own = e.constraints ? [{ field, messages: Object.values(e.constraints) }] : [];
    return [...own, ...flattenValidationErrors(e.children ?? [], field)];
  });
}

/** DTO validation for every request: unknown fields are refused, the error names each field. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) => {
      const fields = flattenValidationErrors(errors);
      return AppException.badRequest(
        ErrorCode.VALIDATION_FAILED,
        `Invalid request: ${fields.map((f) => f.field).join(', ')}`,
        { fields },
      );
    },
  });
}

/** A UUID route parameter; anything else is a 400 INVALID_ID (not a database error). */
export const IdParam = (name = 'id') =>
  Param(
    name,
    new ParseUUIDPipe({
      exceptionFactory: () => AppException.badRequest(ErrorCode.INVALID_ID, `Parameter "${name}" must be a UUID`, { param: name }),
    }),
  );

/**
 * A money field: a decimal string with at most two places ("1234.56"), never a JSON number (a float
 * cannot keep 12345678901234.56). `min` refuses smaller values (e.g. '0' for "not negative").
 */
export function IsAmount(opts: { min?: string } = {}): PropertyDecorator {
  return (target, propertyKey) =>
    registerDecorator({
      name: 'isAmount',
      target: target.constructor,
      propertyName: propertyKey as string,
      validator: {
        validate: (value: unknown) => isAmount(value) && (opts.min === undefined || compare(value, opts.min) >= 0),
        defaultMessage: (args?: ValidationArguments) =>
          `${args?.property} must be a decimal string with at most 2 places such as "1234.56"` +
          (opts.min !== undefined ? `, not below ${opts.min}` : ''),
      },
    });
}

/** PATCH may clear optional fields with null, never required ones: 400 VALIDATION_FAILED naming them. */
export function refuseNulls(dto: object, required: string[]): void {
  const bad = required.filter((f) => (dto as Record<string, unknown>)[f] === null);
  if (bad.length) {
    throw AppException.badRequest(ErrorCode.VALIDATION_FAILED, `Required fields cannot be null: ${bad.join(', ')}`, {
      fields: bad.map((field) => ({ field, messages: [`${field} cannot be null`] })),
    });
  }
}
