import { afterAll, describe, expect, it } from '@jest/globals';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { AppException } from '../../common/errors/app-exception.js';
import { LOCALES } from '../rendering.types.js';
import { defaultTemplatesRoot, TemplateEngine } from './template-engine.js';

const roots: string[] = [];
afterAll(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));

function fixture(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'tenderdesk-mails-'));
  roots.push(root);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

const NOTICE = {
  'mail/notice/zh-CN/subject.hbs': '发货通知 {{number}}\n  （{{customer}}）',
  'mail/notice/zh-CN/text.hbs': '{{customer}}：\n金额 {{money amount "CNY"}}，大写 {{capital amount}}。\n',
  'mail/notice/zh-CN/html.hbs': '<p>{{customer}}：</p><p>金额 {{money amount "CNY"}}</p>',
  'mail/notice/en/subject.hbs': 'Delivery notice {{number}}',
  'mail/notice/en/text.hbs': 'Dear {{customer}},\n',
  'mail/notice/en/html.hbs': '<p>Dear {{customer}},</p>',
};

describe('TemplateEngine.renderMail', () => {
  const engine = new TemplateEngine(fixture(NOTICE));
  const data = { number: 'FH-2026-0001', customer: 'A&B <公司>', amount: '1234.50' };

  it('renders subject and text as plain text and the HTML part escaped, in the locale asked for', () => {
    const zh = engine.renderMail('notice', data, 'zh-CN');
    expect(zh.subject).toBe('发货通知 FH-2026-0001 （A&B <公司>）'); // one line, not escaped
    expect(zh.text).toContain('A&B <公司>：\n金额 ');
    expect(zh.text).toContain('壹仟贰佰叁拾肆元伍角');
    expect(zh.html).toContain('<p>A&amp;B &lt;公司&gt;：</p>');
    expect(zh.html).toMatch(/^<!doctype html>\n<html lang="zh-CN">/);
    expect(zh.version).toMatch(/^[0-9a-f]{64}$/);
    expect(engine.renderMail('notice', data, 'en').subject).toBe('Delivery notice FH-2026-0001');
  });

  it('lists the mails on disk', () => {
    expect(engine.mailNames()).toEqual(['notice']);
  });

  it('refuses raw output and unknown helpers with 422 TEMPLATE_ERROR naming the file and line', () => {
    const bad = new TemplateEngine(
      fixture({ ...NOTICE, 'mail/notice/en/text.hbs': 'Dear {{customer}},\n{{{customer}}}\n' }),
    );
    let err: unknown;
    try {
      bad.renderMail('notice', data, 'en');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AppException);
    expect((err as AppException).code).toBe('TEMPLATE_ERROR');
    expect((err as AppException).message).toContain('en/text.hbs line 2');
  });

  it('throws for a mail or a part that does not exist (a programming error, not a 4xx)', () => {
    expect(() => engine.renderMail('nope', data, 'en')).toThrow(/no mail template mail\/nope\/en/);
    const partial = new TemplateEngine(fixture({ 'mail/half/en/subject.hbs': 'x', 'mail/half/en/text.hbs': 'y' }));
    expect(() => partial.renderMail('half', {}, 'en')).toThrow(/has no html\.hbs/);
  });
});

describe('the shipped mails (templates/mail)', () => {
  const root = defaultTemplatesRoot();
  const engine = new TemplateEngine(root);
  const names = engine.mailNames();

  it('every mail renders in every locale from its sample.json with every part non-empty', () => {
    expect(names).toEqual(expect.arrayContaining(['contact-sheet', 'delivery-notice', 'statement']));
    for (const name of names) {
      const sample = join(root, 'mail', name, 'sample.json');
      expect([name, existsSync(sample)]).toEqual([name, true]);
      for (const locale of LOCALES) {
        const mail = engine.renderMail(name, JSON.parse(readFileSync(sample, 'utf8')) as object, locale);
        expect(mail.subject.length).toBeGreaterThan(0);
        expect(mail.text.trim().length).toBeGreaterThan(0);
        expect(mail.html).toContain('<body>');
      }
    }
  });

  it('writes the Spanish mails with Spanish figures and dates', () => {
    const sample = (name: string) =>
      JSON.parse(readFileSync(join(root, 'mail', name, 'sample.json'), 'utf8')) as object;
    const statement = engine.renderMail('statement', sample('statement'), 'es');
    expect(statement.subject).toBe(
      'Estado de cuenta DZ2026-00001 del 01/04/2026 al 30/06/2026: responda a más tardar el 21/12/2026',
    );
    expect(statement.text).toContain('del 1 de abril de 2026 al 30 de junio de 2026 (saldo final: 53.000,00\u00a0CNY)');
    expect(statement.html).toMatch(/^<!doctype html>\n<html lang="es">/);
    const delivery = engine.renderMail('delivery-notice', sample('delivery-notice'), 'es');
    expect(delivery.subject).toBe(
      'Albarán de entrega FH2026-0007 [corrección, versión 2] (East China Instruments Co., Ltd.)',
    );
    expect(delivery.text).toContain(
      'se expedirán el 20 de julio de 2026, con llegada prevista el 22 de julio de 2026.',
    );
    expect(engine.renderMail('tender-package', sample('tender-package'), 'es').text).toContain(
      'la oferta firmada (48 páginas)',
    );
  });
});
