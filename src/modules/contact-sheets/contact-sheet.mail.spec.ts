import { describe, expect, it } from '@jest/globals';
import { defaultTemplatesRoot, TemplateEngine } from '../../rendering/templates/template-engine.js';
import {
  CONTACT_SHEET_MAIL,
  contactSheetMailData,
  contactSheetMailKey,
  parseContactSheetMailKey,
} from './contact-sheet.mail.js';

const engine = new TemplateEngine(defaultTemplatesRoot());
const sheet = { projectNumber: '2026-007', version: 2 };
const contract = { number: 'HT2026-0042', customer: { name: '青澜钢铁集团有限公司' } };

describe('the contact sheet mail (templates/mail/contact-sheet)', () => {
  it('prints the Chinese text the contact sheets always sent', () => {
    const issued = engine.renderMail(
      CONTACT_SHEET_MAIL,
      contactSheetMailData(sheet, contract, 'finance', 'issued'),
      'zh-CN',
    );
    expect(issued.subject).toBe('合同联系单 2026-007（财务联）第2版 — 已出具，请会签');
    expect(issued.text).toBe(
      '财务部：\n\n合同 HT2026-0042（青澜钢铁集团有限公司，项目号 2026-007）的合同联系单财务联第 2 版已出具，请会签。\n' +
        '附件为联系单 PDF（电子签名）。\n',
    );
    const done = engine.renderMail(
      CONTACT_SHEET_MAIL,
      contactSheetMailData(sheet, contract, 'production', 'completed'),
      'zh-CN',
    );
    expect(done.subject).toBe('合同联系单 2026-007（生产联）第2版 — 各部门已会签完毕');
    expect(done.text.startsWith('生产调度：\n\n')).toBe(true);
    expect(done.text).toContain('合同联系单生产联第 2 版各部门已会签完毕。');
    expect(
      engine.renderMail(CONTACT_SHEET_MAIL, contactSheetMailData(sheet, contract, 'engineering', 'issued'), 'zh-CN')
        .subject,
    ).toBe('合同联系单 2026-007（技术联）第2版 — 已出具，请会签');
  });

  it('has an English version and escapes the customer in the HTML part', () => {
    const en = engine.renderMail(
      CONTACT_SHEET_MAIL,
      contactSheetMailData(sheet, { ...contract, customer: { name: 'A&B <Steel>' } }, 'engineering', 'completed'),
      'en',
    );
    expect(en.subject).toBe('Contact sheet 2026-007 (engineering copy) version 2 — signed off by every department');
    expect(en.text).toContain('contract HT2026-0042 (A&B <Steel>, project number 2026-007)');
    expect(en.html).toContain('A&amp;B &lt;Steel&gt;');
  });

  it('keys one message per sheet version, stage and department, and reads the key back', () => {
    const key = contactSheetMailKey('0b8e6a0e-1f3c-4d7e-9a55-3c1d2e4f5a6b', 'completed', 'production');
    expect(parseContactSheetMailKey(key)).toEqual({
      sheetId: '0b8e6a0e-1f3c-4d7e-9a55-3c1d2e4f5a6b',
      stage: 'completed',
      department: 'production',
    });
    expect(parseContactSheetMailKey('delivery:x:customer')).toBeNull();
  });
});
