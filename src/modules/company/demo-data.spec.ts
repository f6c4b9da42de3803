import { describe, expect, it } from '@jest/globals';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { DEMO_COMPANY, demoSealPng } from './demo-data.js';
import { CompanyProfileDto } from './dto/company-profile.dto.js';
import { inspectPng } from './png.js';

describe('demo company', () => {
  it('passes the same validation as an API request', () => {
    expect(
      validateSync(plainToInstance(CompanyProfileDto, DEMO_COMPANY), { whitelist: true, forbidNonWhitelisted: true }),
    ).toEqual([]);
  });

  it('draws seals that pass the seal check', () => {
    for (const kind of ['company', 'contract'] as const) {
      expect(inspectPng(demoSealPng(kind))).toEqual({
        ok: true,
        info: { width: 240, height: 240, bitDepth: 8, colorType: 6, transparent: true },
      });
    }
    expect(demoSealPng('company').equals(demoSealPng('contract'))).toBe(false);
  });
});
