import { describe, expect, it } from '@jest/globals';
import { TemplateEngine } from '../../rendering/templates/template-engine.js';
import { STATEMENT_MAIL, statementMailData } from './statement.mail.js';

// The wording the statement mail had when it was written in TypeScript (mailText), kept word for word: the
// confirmation tests read the code out of "确认码：" / "confirmation code: ".
const engine = new TemplateEngine();
const record = {
  number: 'DZ2026-00007',
  customerName: '青澜钢铁集团有限公司 <A&B>',
  from: '2026-04-01',
  to: '2026-06-30',
  closingBalance: '-700.00',
  currency: 'CNY',
  replyBy: '2026-12-21',
  url: 'https://tenderdesk.example.cn/statements/confirm/abc_DEF-123',
  code: '01234567',
  company: { name: '华东智能仪表有限公司', phone: '0512-6688 1200' },
};

describe('the statement mail (templates/mail/statement)', () => {
  it('says in Chinese what it said before, with the link, the code and whom to ask', () => {
    const mail = engine.renderMail(STATEMENT_MAIL, statementMailData(record), 'zh-CN');
    expect(mail.subject).toBe('对账单 DZ2026-00007（2026年4月1日至2026年6月30日）— 请于2026年12月21日前确认');
    expect(mail.text).toBe(
      '尊敬的客户：\n\n' +
        '附件为青澜钢铁集团有限公司 <A&B>2026年4月1日至2026年6月30日的对账单 DZ2026-00007（期末余额 -¥700.00）。\n' +
        '请核对后于2026年12月21日前在以下页面确认余额或提出异议：\n' +
        'https://tenderdesk.example.cn/statements/confirm/abc_DEF-123\n' +
        '确认码：0123 4567\n' +
        '（确认码仅在本邮件中提供，对账单上不印，请勿转发。）\n\n' +
        '如有疑问，请联系：华东智能仪表有限公司 0512-6688 1200\n',
    );
    // The HTML part escapes what the records hold.
    expect(mail.html).toContain('青澜钢铁集团有限公司 &lt;A&amp;B&gt;');
    expect(mail.html).toContain('确认码：<strong>0123 4567</strong>');
    expect(mail.html).not.toContain('<A&B>');
  });

  it('says in English what it said before, as of a date when there is no period', () => {
    const mail = engine.renderMail(
      STATEMENT_MAIL,
      statementMailData({ ...record, from: null, company: { name: '华东智能仪表有限公司', phone: null } }),
      'en',
    );
    expect(mail.subject).toBe('Statement of account DZ2026-00007 as of 30 Jun 2026 - please reply by 21 Dec 2026');
    expect(mail.text).toBe(
      'Dear customer,\n\n' +
        'Attached is statement DZ2026-00007 of 青澜钢铁集团有限公司 <A&B> as of 30 Jun 2026 (closing balance -¥700.00).\n' +
        'Please check it and confirm or dispute the balance by 21 Dec 2026 on this page:\n' +
        'https://tenderdesk.example.cn/statements/confirm/abc_DEF-123\n' +
        'with this confirmation code: 0123 4567\n' +
        '(The code is only in this e-mail, not on the statement: please do not forward it.)\n\n' +
        'Questions: 华东智能仪表有限公司\n',
    );
    expect(mail.html).toContain('<a href="https://tenderdesk.example.cn/statements/confirm/abc_DEF-123">');
  });
});
