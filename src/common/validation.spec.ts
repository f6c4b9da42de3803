import { describe, expect, it } from '@jest/globals';
import type { ValidationError } from '@nestjs/common';
import { flattenValidationErrors } from './validation.js';

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
