import { applyDecorators, type Type } from '@nestjs/common';
import { ApiExtraModels, ApiFoundResponse, ApiOkResponse, ApiProperty, getSchemaPath } from '@nestjs/swagger';
import type { Page } from '../pagination.js';

/**
 * Response schemas shared by every module, so that `/docs-json` describes every answer (issue #18):
 * the console's types are generated from it (openapi-typescript) instead of restating them by hand.
 */

const pageClasses = new Map<Type, Type>();

/**
 * The response DTO of a paginated list of `item`: `{ items, total, page, pageSize }`, named `<Item>Page`
 * in the document (one class per item type, so two lists of the same item share a schema).
 */
export function PageOf<T>(item: Type<T>): Type<Page<T>> {
  const known = pageClasses.get(item);
  if (known) return known as Type<Page<T>>;
  class PageDto implements Page<T> {
    @ApiProperty({ type: [item] })
    items!: T[];

    @ApiProperty({ description: 'Matching items on every page' })
    total!: number;

    @ApiProperty({ minimum: 1 })
    page!: number;

    @ApiProperty({ minimum: 1, maximum: 200 })
    pageSize!: number;
  }
  Object.defineProperty(PageDto, 'name', { value: `${item.name.replace(/Dto$/, '')}PageDto` });
  pageClasses.set(item, PageDto);
  return PageDto;
}

const binary = { schema: { type: 'string', format: 'binary' } } as const;

/** A download: a 200 whose body is the file, in one of these content types. */
export function ApiFileResponse(description: string, ...contentTypes: string[]) {
  return ApiOkResponse({ description, content: Object.fromEntries(contentTypes.map((t) => [t, binary])) });
}

/** A text answer (an HTML page, a PEM certificate, Prometheus metrics) in one of these content types. */
export function ApiTextResponse(description: string, ...contentTypes: string[]) {
  return ApiOkResponse({
    description,
    content: Object.fromEntries(contentTypes.map((t) => [t, { schema: { type: 'string' } }])),
  });
}

/** A redirect: 302 with the Location it sends the browser to. */
export function ApiRedirectResponse(description: string) {
  return ApiFoundResponse({
    description,
    headers: { Location: { description: 'Where the browser goes next', schema: { type: 'string' } } },
  });
}

/** A JSON answer of `type` that may also be a file (`?format=xlsx`): both content types in one 200. */
export function ApiJsonOrFileResponse(description: string, type: Type, ...fileTypes: string[]) {
  return applyDecorators(
    ApiExtraModels(type),
    ApiOkResponse({
      description,
      content: {
        'application/json': { schema: { $ref: getSchemaPath(type) } },
        ...Object.fromEntries(fileTypes.map((t) => [t, binary])),
      },
    }),
  );
}

export const PDF = 'application/pdf';
export const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
export const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
export const CSV = 'text/csv';

/** The `@ApiProperty` options of money: a decimal string, never a float. */
export const AMOUNT = { type: String, example: '198000.00', description: 'A decimal string' } as const;

/** The `@ApiProperty` options of a date without time, as stored (YYYY-MM-DD). */
export const DATE_ONLY = { type: String, format: 'date', example: '2026-03-31' } as const;

/** The `@ApiProperty` options of a timestamp (a Date in the service, ISO 8601 in JSON). */
export const TIMESTAMP = { type: String, format: 'date-time' } as const;

/** A 200 that is one of these DTOs, by who asks (an admin sees more). */
export function ApiOkOneOfResponse(description: string, ...types: Type[]) {
  return applyDecorators(
    ApiExtraModels(...types),
    ApiOkResponse({ description, schema: { oneOf: types.map((t) => ({ $ref: getSchemaPath(t) })) } }),
  );
}

// Order matters on a route with @VersionedRead(): its 200 (the ETag header) carries no type, and of two 200s the
// decorator applied last (the upper one) wins key by key, so a route's @ApiOkResponse({ type }) sits above it.
