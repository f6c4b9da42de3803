import { describe, expect, it } from '@jest/globals';
import { TemplateEngine } from '../../../rendering/templates/template-engine.js';
import {
  answeredPage as answeredData,
  expiredPage as expiredData,
  invalidLinkPage as invalidLinkData,
  lockedPage as lockedData,
  renderConfirmationPage,
  statementPage as statementData,
  type ConfirmationPage,
  type StatementPageModel,
} from './confirmation-page.js';

// The real templates (templates/statement-confirmation) through the one template engine.
const engine = new TemplateEngine();
const html =
  <A extends unknown[]>(mapper: (...args: A) => ConfirmationPage) =>
  (...args: A): string =>
    renderConfirmationPage(engine, mapper(...args));
const statementPage = html(statementData);
const answeredPage = html(answeredData);
const expiredPage = html(expiredData);
const invalidLinkPage = html(invalidLinkData);
const lockedPage = html(lockedData);

const model: StatementPageModel = {
  locale: 'zh-CN',
  company: { name: '华东智能仪表有限公司', nameEn: null, phone: '0512-6688 1200' },
  customerName: '<script>alert(1)</script>青澜钢铁',
  number: 'DZ2026-00001',
  from: '2026-04-01',
  to: '2026-06-30',
  issuedOn: '2026-11-24',
  replyBy: '2026-12-08',
  currency: 'CNY',
  openingBalance: '79100.00',
  closingBalance: '-700.00',
  totals: { debit: '0.00', credit: '79800.00', invoiced: '0.00' },
  lines: [
    {
      date: '2026-04-10',
      kind: 'payment',
      reference: 'CD-0410',
      contractNumber: 'HT2026-0001',
      description: '进度款 HT2026-0001 银行承兑汇票',
      debit: null,
      credit: '79800.00',
      memo: null,
      balance: '-700.00',
    },
  ],
  aging: {
    notDue: '0.00',
    days1to30: '0.00',
    days31to60: '0.00',
    days61to90: '0.00',
    over90: '0.00',
    unappliedCredit: '-700.00',
  },
  path: '/statements/confirm/tok',
  errors: [{ field: 'reason', problem: 'required' }],
  values: { action: 'dispute', amount: '"><b>', name: '王丽' },
  answerable: 'open',
};

describe('the confirmation pages', () => {
  it('show the statement with its figures, capitals and aging, escaping what the records hold', () => {
    const html = statementPage(model);
    expect(html).toContain('<html lang="zh-CN">');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;青澜钢铁');
    expect(html).not.toContain('<script>');
    expect(html).toContain('-¥700.00');
    expect(html).toContain('负柒佰元整');
    expect(html).toContain('预收款/未核销');
    expect(html).toContain('2026年4月1日 至 2026年6月30日');
    expect(html).toContain('action="/statements/confirm/tok"');
    expect(html).toContain('href="/statements/confirm/tok/pdf"');
    expect(html).toContain('异议原因：必填');
    expect(html).toContain('value="&quot;&gt;&lt;b&gt;"');
    expect(html).toMatch(/value="dispute" id="action-dispute" checked/);
    // The code field, never filled in again.
    expect(html).toContain('确认码 <span class="en">（见对账单邮件；对账单上不印确认码）</span>');
    expect(html).toMatch(
      /<input type="text" name="code" id="code" inputmode="numeric" autocomplete="one-time-code" maxlength="20">/,
    );
  });

  it('say when a statement cannot be answered online (no code mailed, or too many wrong codes), without the form', () => {
    const notMailed = statementPage({ ...model, errors: [], answerable: 'notMailed' });
    expect(notMailed).toContain(
      '此对账单未通过邮件发送确认码，无法在线答复。请联系 华东智能仪表有限公司，电话 0512-6688 1200。',
    );
    expect(notMailed).toContain('-¥700.00'); // the statement is still shown
    expect(notMailed).not.toContain('<form');
    const locked = statementPage({ ...model, locale: 'en', errors: [], answerable: 'locked' });
    expect(locked).toContain('Too many wrong confirmation codes');
    expect(locked).not.toContain('<form');
    const wrong = statementPage({ ...model, locale: 'en', errors: [{ field: 'code', problem: 'wrong' }] });
    expect(wrong).toContain('Confirmation code does not match the code in the statement e-mail');
    const lockedNotice = lockedPage('zh-CN', model.company);
    expect(lockedNotice).toContain('确认码错误次数过多');
    expect(lockedNotice).not.toMatch(/¥|700|青澜/);
  });

  it('speak Spanish on a Spanish statement: labels, figures, dates and the contact by its English name', () => {
    const company = { ...model.company!, nameEn: 'East China Smart Instruments Co., Ltd.' };
    const html = statementPage({ ...model, locale: 'es', company, errors: [{ field: 'reason', problem: 'required' }] });
    expect(html).toContain('<html lang="es">');
    expect(html).toContain('<h1>Confirmación del estado de cuenta · DZ2026-00001</h1>');
    expect(html).toContain('1 de abril de 2026 – 30 de junio de 2026');
    expect(html).toContain('-700,00\u00a0CNY');
    expect(html).toContain('79.100,00\u00a0CNY');
    expect(html).toContain('Anticipos sin aplicar');
    expect(html).toContain('Motivo: es obligatorio');
    expect(html).toContain('负柒佰元整'); // the capital line stays, labelled as such
    expect(html).toContain('Saldo final en numerales chinos');
    const notMailed = statementPage({ ...model, locale: 'es', company, errors: [], answerable: 'notMailed' });
    expect(notMailed).toContain(
      'no puede responderse aquí. Póngase en contacto con East China Smart Instruments Co., Ltd., teléfono 0512-6688 1200.',
    );
    const answered = answeredPage({
      locale: 'es',
      company,
      number: 'DZ2026-00001',
      status: 'disputed',
      at: '2026-11-24T02:05:00Z',
    });
    expect(answered).toContain('El estado de cuenta DZ2026-00001 se respondió el 24/11/2026 10:05 (impugnado)');
    expect(expiredPage('es', company)).toContain('Este enlace de confirmación ha caducado.');
  });

  it('load nothing from elsewhere: no script, no external URL', () => {
    for (const html of [statementPage(model), invalidLinkPage(), expiredPage('en', model.company)]) {
      expect(html).not.toMatch(/<script|<link|<img|<iframe|src=/i);
      expect(html).not.toMatch(/https?:\/\//);
    }
  });

  it('say only what they may: no figures once answered or expired, nothing at all for an unknown link', () => {
    const answered = answeredPage({
      locale: 'en',
      company: model.company,
      number: 'DZ2026-00001',
      status: 'disputed',
      at: '2026-11-24T02:05:00Z',
    });
    expect(answered).toContain('answered on 24 Nov 2026 10:05 (disputed)');
    const expired = expiredPage('zh-CN', model.company);
    expect(expired).toContain('此确认链接已过期。请联系 华东智能仪表有限公司，电话 0512-6688 1200');
    const invalid = invalidLinkPage();
    expect(invalid).toContain('This statement confirmation link is not valid');
    for (const html of [answered, expired, invalid]) expect(html).not.toMatch(/¥|700|青澜/);
  });
});
