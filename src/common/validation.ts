import { ParseUUIDPipe, Param, ValidationPipe, type ArgumentMetadata, type ValidationError } from '@nestjs/common';
import { registerDecorator, type ValidationArguments, type ValidatorOptions } from 'class-validator';
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

/** Where @ApiProperty keeps a property's documentation (@nestjs/swagger's DECORATORS.API_MODEL_PROPERTIES). */
const API_MODEL_PROPERTIES = 'swagger/apiModelProperties';

/** Deeper JSON than any DTO or template data needs; deeper input is refused before it is walked. */
export const MAX_INPUT_DEPTH = 32;
/** Keys that reach Object.prototype when an input is merged; Nest would drop them silently, we refuse them. */
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * What no DTO rule catches in a body, query or path parameter: NUL characters (PostgreSQL refuses them in text,
 * which would be a 500), prototype keys, and nesting deeper than MAX_INPUT_DEPTH. Walks plain JSON values only.
 */
export function unsafeInput(value: unknown, path = '', depth = 0): FieldError[] {
  const field = path || 'body';
  if (typeof value === 'string') {
    return value.includes('\u0000') ? [{ field, messages: [`${field} must not contain a NUL character`] }] : [];
  }
  if (value === null || typeof value !== 'object' || Buffer.isBuffer(value)) return [];
  if (depth >= MAX_INPUT_DEPTH)
    return [{ field, messages: [`${field} is nested more than ${MAX_INPUT_DEPTH} levels deep`] }];
  if (Array.isArray(value)) return value.flatMap((v, i) => unsafeInput(v, `${path}[${i}]`, depth + 1));
  return Object.keys(value).flatMap((key) => {
    const child = path ? `${path}.${key}` : key;
    if (PROTOTYPE_KEYS.has(key)) return [{ field: child, messages: [`${child} is not an accepted field name`] }];
    if (key.includes('\u0000'))
      return [{ field: child.replace(/\u0000/g, '\\0'), messages: ['field names must not contain a NUL character'] }];
    return unsafeInput((value as Record<string, unknown>)[key], child, depth + 1);
  });
}

/**
 * null in an optional field the API documentation does not mark `nullable` (e.g. `active`, `currency`): @IsOptional
 * lets it through, and it would reach a NOT NULL column (a 500) or be taken for "absent". Required fields are left to
 * their own rules. Walks the transformed DTO instances (nested DTOs included).
 */
export function nullsNotAllowed(value: unknown, path = '', seen = new Set<object>()): FieldError[] {
  if (value === null || typeof value !== 'object' || seen.has(value)) return [];
  seen.add(value);
  if (Array.isArray(value)) return value.flatMap((v, i) => nullsNotAllowed(v, `${path}[${i}]`, seen));
  const proto = Object.getPrototypeOf(value) as object | null;
  return Object.keys(value).flatMap((key) => {
    const child = path ? `${path}.${key}` : key;
    const v = (value as Record<string, unknown>)[key];
    if (v !== null) return nullsNotAllowed(v, child, seen);
    const doc =
      proto &&
      (Reflect.getMetadata(API_MODEL_PROPERTIES, proto, key) as { required?: boolean; nullable?: boolean } | undefined);
    return doc && doc.required === false && !doc.nullable
      ? [{ field: child, messages: [`${key} must not be null (leave it out instead)`] }]
      : [];
  });
}

/** Merges the messages of a field reported twice (by a DTO rule and by nullsNotAllowed). */
function byField(fields: FieldError[]): FieldError[] {
  const out = new Map<string, FieldError>();
  for (const f of fields) {
    const seen = out.get(f.field);
    if (seen) seen.messages = [...new Set([...seen.messages, ...f.messages])];
    else out.set(f.field, { field: f.field, messages: [...f.messages] });
  }
  return [...out.values()];
}

function invalid(fields: FieldError[]): AppException {
  return AppException.badRequest(
    ErrorCode.VALIDATION_FAILED,
    `Invalid request: ${fields.map((f) => f.field).join(', ')}`,
    { fields },
  );
}

/** ValidationPipe, after the checks of unsafeInput (on the raw input) and nullsNotAllowed (on the DTO). */
class AppValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type !== 'custom') {
      const unsafe = unsafeInput(value, metadata.type === 'body' ? '' : (metadata.data ?? ''));
      if (unsafe.length) throw invalid(byField(unsafe));
      // A DTO body is a JSON object: an array or a scalar would be validated as nothing.
      const isDto =
        typeof metadata.metatype === 'function' &&
        ![Object, String, Number, Boolean, Array].includes(metadata.metatype as never);
      if (
        metadata.type === 'body' &&
        isDto &&
        value !== undefined &&
        (value === null || typeof value !== 'object' || Array.isArray(value))
      ) {
        throw invalid([{ field: 'body', messages: ['the body must be a JSON object'] }]);
      }
    }
    return super.transform(value, metadata);
  }

  override async validate(object: object, options?: ValidatorOptions): Promise<ValidationError[]> {
    const errors = await super.validate(object, options);
    const nulls = nullsNotAllowed(object).map(
      (f) => ({ property: f.field, constraints: { notNull: f.messages[0] }, children: [] }) as ValidationError,
    );
    return [...errors, ...nulls];
  }
}

/** DTO validation for every request: unknown fields are refused, the error names each field. */
export function createValidationPipe(): ValidationPipe {
  return new AppValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) => invalid(byField(flattenValidationErrors(errors))),
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
