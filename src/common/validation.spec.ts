import { describe, expect, it } from '@jest/globals';
import type { ValidationError } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsOptional, IsString, ValidateNested } from 'class-validator';
import {
  createValidationPipe,
  flattenValidationErrors,
  MAX_INPUT_DEPTH,
  nullsNotAllowed,
  unsafeInput,
} from './validation.js';

describe('flattenValidationErrors', () => {
  it('names nested and indexed fields', () => {
    const errors = [
      { property: 'name', constraints: { isString: 'name must be a string' }, children: [] },
      {
        property: 'lines',
        children: [{ property: '0', children: [{ property: 'qty', constraints: { min: 'qty must not be less than 1' }, children: [] }] }],
      },
    ] as unknown as ValidationError[];
    expect(flattenValidationErrors(errors)).toEqual([
      { field: 'name', messages: ['name must be a string'] },
      { field: 'lines[0].qty', messages: ['qty must not be less than 1'] },
    ]);
  });
});

describe('unsafeInput', () => {
  it('names strings with a NUL character, prototype keys and input nested too deep', () => {
    let deep: unknown = 'x';
    for (let i = 0; i < MAX_INPUT_DEPTH + 5; i++) deep = { a: deep };
    const input = JSON.parse(
      '{"name":"a\\u0000b","lines":[{"qty":"1"},{"note":"\\u0000"}],"__proto__":{"x":1},"ok":"fine"}',
    ) as object;
    expect(unsafeInput(input).map((f) => f.field)).toEqual(['name', 'lines[1].note', '__proto__']);
    expect(unsafeInput({ deep }).map((f) => f.messages[0])).toEqual([
      expect.stringContaining(`more than ${MAX_INPUT_DEPTH} levels`),
    ]);
    expect(unsafeInput({ constructor: { prototype: {} } }).map((f) => f.field)).toEqual(['constructor']);
    expect(unsafeInput({ text: '普通文本', n: 1, list: [true, null] })).toEqual([]);
  });
});

class ItemDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  flag?: boolean;
}

class BodyDto {
  @ApiProperty()
  @IsString()
  name!: string;

  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @IsString()
  note?: string | null;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  currency?: string;

  @ApiPropertyOptional({ type: ItemDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => ItemDto)
  item?: ItemDto;
}

describe('nullsNotAllowed and the validation pipe', () => {
  const pipe = createValidationPipe();
  const body = (value: unknown) => pipe.transform(value, { type: 'body', metatype: BodyDto, data: undefined });
  const fields = async (value: unknown) => {
    try {
      await body(value);
      return [];
    } catch (err) {
      return ((err as { details: { fields: { field: string }[] } }).details.fields ?? []).map((f) => f.field);
    }
  };

  it('lets null clear a field documented nullable, and refuses it in the others', async () => {
    await expect(body({ name: 'x', note: null })).resolves.toMatchObject({ name: 'x', note: null });
    expect(await fields({ name: 'x', currency: null, item: { flag: null } })).toEqual(['currency', 'item.flag']);
    expect(nullsNotAllowed({ currency: null })).toEqual([]); // a plain object: no documentation, no rule
  });

  it('refuses NUL characters, prototype keys and a body that is not an object', async () => {
    expect(await fields({ name: 'a\u0000b' })).toEqual(['name']);
    expect(await fields(JSON.parse('{"name":"x","__proto__":{"admin":true}}'))).toEqual(['__proto__']);
    expect(await fields([{ name: 'x' }])).toEqual(['body']);
    expect(await fields('x')).toEqual(['body']);
  });
});
