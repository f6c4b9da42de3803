import { describe, expect, it } from '@jest/globals';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { isUscc } from '../company/uscc.js';
import { DEMO_CUSTOMERS } from './demo-data.js';
import { CreateCustomerDto } from './dto/customer.dto.js';

describe('demo customers', () => {
  it('pass the same validation as an API request, each with one billing contact', () => {
    expect(DEMO_CUSTOMERS.length).toBeGreaterThanOrEqual(8);
    for (const c of DEMO_CUSTOMERS) {
      expect({
        name: c.name,
        errors: validateSync(plainToInstance(CreateCustomerDto, c), { whitelist: true, forbidNonWhitelisted: true }),
      }).toEqual({ name: c.name, errors: [] });
      expect(isUscc(c.taxId)).toBe(true);
      expect(c.contacts?.filter((ct) => ct.billing)).toHaveLength(1);
    }
  });
});
