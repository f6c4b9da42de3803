import { describe, expect, it } from '@jest/globals';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { compare } from '../../common/money.js';
import { DEMO_PRODUCTS } from './demo-data.js';
import { CreateProductDto } from './dto/product.dto.js';

describe('demo products', () => {
  it('pass the same validation as an API request, with unique codes and floors not above list prices', () => {
    expect(DEMO_PRODUCTS.length).toBeGreaterThanOrEqual(15);
    for (const p of DEMO_PRODUCTS) {
      expect({
        code: p.code,
        errors: validateSync(plainToInstance(CreateProductDto, p), { whitelist: true, forbidNonWhitelisted: true }),
      }).toEqual({ code: p.code, errors: [] });
      expect(compare(p.floorPrice, p.listPrice)).toBeLessThanOrEqual(0);
    }
    expect(new Set(DEMO_PRODUCTS.map((p) => p.code)).size).toBe(DEMO_PRODUCTS.length);
  });
});
