import { describe, expect, it } from '@jest/globals';
import type { CustomerView } from './customers.service.js';
import { customerRow } from './customers.table.js';

const contact = (name: string, billing: boolean) => ({
  id: name,
  name,
  title: null,
  phone: null,
  email: `${name}@x.example`,
  billing,
});

describe('a customer as a sheet row', () => {
  it('takes the first non-billing contact as the main contact and the billing contact wherever it is', () => {
    const billing = contact('billing', true);
    const customer = {
      name: '甲',
      nameEn: null,
      taxId: null,
      address: null,
      phone: null,
      notes: null,
      salesOwner: { id: 'u1', name: '王磊' },
      contacts: [billing, contact('first', false), contact('second', false)],
      billingContact: billing,
    } as unknown as CustomerView;
    expect(customerRow(customer)).toMatchObject({
      salesOwner: '王磊',
      contactName: 'first',
      contactEmail: 'first@x.example',
      billingContactName: 'billing',
      billingContactEmail: 'billing@x.example',
    });
  });
});
