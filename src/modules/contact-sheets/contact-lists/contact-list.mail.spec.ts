import { describe, expect, it } from '@jest/globals';
import { contactListMailData, contactListMailKey } from './contact-list.mail.js';

describe('contact list mail', () => {
  it('maps an issued list to the mail data, with no amount field whatever the audience', () => {
    const data = contactListMailData(
      { number: 'CL2026-0001', audience: 'finance', periodFrom: '2026-11-01', periodTo: '2026-11-30' },
      3,
      '王静',
      '华东智能仪表有限公司',
    );
    expect(data).toEqual({
      number: 'CL2026-0001',
      audience: 'finance',
      from: '2026-11-01',
      to: '2026-11-30',
      contractCount: 3,
      issuedBy: '王静',
      companyName: '华东智能仪表有限公司',
    });
    expect(Object.keys(data).some((k) => /amount|received|outstanding|price/i.test(k))).toBe(false);
  });

  it('keys one message per list', () => {
    expect(contactListMailKey('a1')).toBe('contact-list:a1');
    expect(contactListMailKey('a1')).not.toBe(contactListMailKey('a2'));
  });
});
