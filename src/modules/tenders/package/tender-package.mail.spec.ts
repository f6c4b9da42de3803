import { describe, expect, it } from '@jest/globals';
import { defaultTemplatesRoot, TemplateEngine } from '../../../rendering/templates/template-engine.js';
import { PACKAGE_MAIL, packageMailData, packageMailFiles } from './tender-package.mail.js';
import type { PackageSectionRange } from './tender-package-version.entity.js';

const engine = new TemplateEngine(defaultTemplatesRoot());
const ranges: PackageSectionRange[] = [
  { key: 'cover', title: '封面', firstPage: 1, lastPage: 1 },
  { key: 'bid_letter', title: '投标函', firstPage: 3, lastPage: 4 },
  { key: 'qualifications', title: '资格证明文件', firstPage: 12, lastPage: 31 },
];
const tender = { tenderNo: 'QLGT-ZB-2026-0288', projectName: '炼钢厂转炉煤气回收仪表改造', lot: '第二标段' };

describe('the tender package mail (templates/mail/tender-package)', () => {
  it('lists the whole files, then the extracts with their pages, and says the extracts are unsigned (zh-CN)', () => {
    const files = packageMailFiles({
      whole: [{ fileName: 'p-v2-zh-CN.pdf', format: 'pdf' }],
      sections: [
        { fileName: 'p-v2-bid_letter.pdf', key: 'bid_letter' },
        { fileName: 'p-v2-qualifications.pdf', key: 'qualifications' },
      ],
      ranges,
    });
    const data = packageMailData({ recipient: '李明', tender, version: 2, pages: 48, files, sender: '王志远' });
    const mail = engine.renderMail(PACKAGE_MAIL, data, 'zh-CN');
    // Today's wording, as the service wrote it before the mail became a template.
    expect(mail.subject).toBe('投标文件 QLGT-ZB-2026-0288 炼钢厂转炉煤气回收仪表改造（第 2 版）');
    expect(mail.text).toBe(
      '李明，您好：\n\n' +
        '附件为 QLGT-ZB-2026-0288 炼钢厂转炉煤气回收仪表改造（第二标段） 的投标文件（第 2 版）：\n' +
        '- p-v2-zh-CN.pdf：签章版投标文件全文（共 48 页）\n' +
        '- p-v2-bid_letter.pdf：投标函，第 3-4 页\n' +
        '- p-v2-qualifications.pdf：资格证明文件，第 12-31 页\n\n' +
        '各章节文件为签章版投标文件第 2 版相应页的摘录，未经签章，仅供参阅；以签章版全文为准。\n\n' +
        '由 王志远 通过 Tenderdesk 发送。\n',
    );
    expect(mail.html).toContain('<li>p-v2-qualifications.pdf：资格证明文件，第 12-31 页</li>');
    expect(mail.html).toContain('未经签章');
  });

  it('says nothing of extracts when only whole files go (en), and leaves out an absent lot', () => {
    const files = packageMailFiles({
      whole: [
        { fileName: 'p-v1-en.pdf', format: 'pdf' },
        { fileName: 'p-v1-en.docx', format: 'docx' },
        { fileName: 'p-v1-en.zip', format: 'bundle' },
      ],
      sections: [],
      ranges,
    });
    const data = packageMailData({
      recipient: 'Li Ming',
      tender: { ...tender, projectName: 'Gas recovery', lot: null },
      version: 1,
      pages: 20,
      files,
      sender: 'Wang <Zhiyuan>',
    });
    expect(data.extracts).toBe(false);
    const mail = engine.renderMail(PACKAGE_MAIL, data, 'en');
    expect(mail.subject).toBe('Tender package QLGT-ZB-2026-0288 Gas recovery (v1)');
    expect(mail.text).toBe(
      'Hello Li Ming,\n\n' +
        'attached is the tender package for QLGT-ZB-2026-0288 Gas recovery, version 1:\n' +
        '- p-v1-en.pdf: the signed package (20 pages)\n' +
        '- p-v1-en.docx: the editable sections (DOCX)\n' +
        '- p-v1-en.zip: the signed bundle (files, manifest, signature)\n\n' +
        'Sent by Wang <Zhiyuan> through Tenderdesk.\n',
    );
    expect(mail.html).not.toContain('unsigned');
    expect(mail.html).toContain('Sent by Wang &lt;Zhiyuan&gt; through Tenderdesk.');
  });

  it('refuses a section the version does not have', () => {
    expect(() => packageMailFiles({ whole: [], sections: [{ fileName: 'x.pdf', key: 'credit' }], ranges })).toThrow(
      /no section credit/,
    );
  });
});
