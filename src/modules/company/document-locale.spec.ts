import { describe, expect, it } from '@jest/globals';
import { documentLocale } from './document-locale.js';

describe('the language of a document', () => {
  it("gives the customer the request's language first, then its own, then the company's", () => {
    expect(documentLocale({ audience: 'customer', requested: 'en', customer: { locale: 'es' } }, 'zh-CN')).toBe('en');
    expect(documentLocale({ audience: 'customer', customer: { locale: 'es' } }, 'en')).toBe('es');
    expect(documentLocale({ audience: 'customer', requested: null, customer: { locale: null } }, 'es')).toBe('es');
    expect(documentLocale({ audience: 'customer' }, 'en')).toBe('en');
  });

  it("writes internal documents in the company's language whatever the customer reads", () => {
    expect(documentLocale({ audience: 'internal' }, 'es')).toBe('es');
  });

  it('falls back to zh-CN before the company has a profile', () => {
    expect(documentLocale({ audience: 'internal' }, null)).toBe('zh-CN');
    expect(documentLocale({ audience: 'customer', customer: { locale: null } }, undefined)).toBe('zh-CN');
  });
});
