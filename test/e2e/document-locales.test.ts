import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApp, type TestApp } from '../support/app.js';
import { parseMail, startSmtp, until, type ControlledSmtp } from '../support/faults.js';
import { pdfText, squash } from '../support/tools.js';

// Who reads a document decides its language (company/document-locale.ts), through the real workflows: the
// company's documentLocale for its internal documents (contact sheets, contact lists, the mail to production), the
// customer's locale (else the company's) for what the customer gets (statements, delivery notices and their mails).
// Read back with pdftotext and from the MIME messages a real SMTP server on loopback received.

const MAIL = {
  finance: 'caiwu@huadong-instruments.example',
  engineering: 'jishu@huadong-instruments.example',
  production: 'diaodu@huadong-instruments.example',
  list: 'liebiao@huadong-instruments.example',
};
const PROFILE = {
  legalNameZh: '华东智能仪表有限公司',
  legalNameEn: 'East China Smart Instruments Co., Ltd.',
  creditCode: '91350100M000100Y43',
  addressZh: '江苏省苏州市吴中区仪表产业园科技路88号',
  phone: '0512-6688 1200',
};
const TERMS = [
  { percent: '30', event: 'contract_signed', days: 7 },
  { percent: '70', event: 'before_delivery' },
];
const UNIT_PRICE = '123457.89';
const MONTHS_EN = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const MONTHS_ES = [
  'enero',
  'febrero',
  'marzo',
  'abril',
  'mayo',
  'junio',
  'julio',
  'agosto',
  'septiembre',
  'octubre',
  'noviembre',
  'diciembre',
];

const binary = (
  res: { on: (e: string, cb: (chunk?: Buffer) => void) => void },
  cb: (err: Error | null, body: Buffer) => void,
) => {
  const chunks: Buffer[] = [];
  res.on('data', (c?: Buffer) => chunks.push(c!));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
};

const now = new Date();
const today = `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}-${String(now.getDate()).padStart(2, '0')}`;
/** Today as each locale writes it, written here rather than taken from the code under test. */
const todayEsShort = `${today.slice(8)}/${today.slice(5, 7)}/${today.slice(0, 4)}`;
const todayEsLong = `${now.getDate()} de ${MONTHS_ES[now.getMonth()]} de ${now.getFullYear()}`;
const todayEnLong = `${now.getDate()} ${MONTHS_EN[now.getMonth()]} ${now.getFullYear()}`;
/** "139507.42" as Spanish figures: "139.507,42". */
const esAmount = (a: string) => {
  const [int, frac] = a.split('.');
  return `${int.replace(/\B(?=(\d{3})+(?!\d))/g, '.')},${frac}`;
};

describe('documents in the language of whoever reads them', () => {
  let t: TestApp;
  let smtp: ControlledSmtp;
  const tokens: Record<string, string> = {};
  const customers: Record<'plain' | 'english', { id: string; email: string; billing: string }> = {
    plain: { id: '', email: 'shouhuo@qinglan-steel.example', billing: 'caiwu@qinglan-steel.example' },
    english: { id: '', email: 'receiving@harbour-mining.example', billing: 'accounts@harbour-mining.example' },
  };
  const contracts: Record<string, { id: string; number: string; total: string }> = {};

  const as = (role: string) => {
    const token = role === 'admin' ? t.adminToken : tokens[role];
    return {
      get: (path: string) => t.http().get(path).auth(token, { type: 'bearer' }),
      post: (path: string) => t.http().post(path).auth(token, { type: 'bearer' }),
      put: (path: string) => t.http().put(path).auth(token, { type: 'bearer' }),
      patch: (path: string) => t.http().patch(path).auth(token, { type: 'bearer' }),
      file: async (path: string) => {
        const res = await t.http().get(path).auth(token, { type: 'bearer' }).buffer(true).parse(binary);
        expect([path, res.status]).toEqual([path, 200]);
        return res.body as Buffer;
      },
    };
  };
  const text = async (pdf: Buffer) => squash(await pdfText(pdf));
  /** The subjects of the messages to `to`, once `count` have arrived. */
  const subjectsTo = async (to: string, count: number) => {
    const mine = await until(
      `${count} mails to ${to}`,
      async () => smtp.received.filter((m) => m.rcptTo.includes(to)),
      (m) => m.length >= count,
      120_000,
      250,
    );
    return Promise.all(mine.map(async (m) => (await parseMail(m)).subject));
  };
  const smtpMailsFor = async (to: string) => {
    await subjectsTo(to, 1);
    return Promise.all(smtp.received.filter((m) => m.rcptTo.includes(to)).map((m) => parseMail(m)));
  };
  const waitJob = (id: string) =>
    until(
      `job ${id}`,
      async () => (await as('admin').get(`/api/jobs/${id}`)).body as { status: string; error: string | null },
      (j) => j.status === 'succeeded' || j.status === 'failed',
      180_000,
      250,
    );
  /** The locale each stored version of a document recorded. */
  const versionLocales = async (documentId: string) =>
    (
      await t.db.query<{ locale: string }>(
        'SELECT locale FROM document_versions WHERE document_id = $1 ORDER BY version',
        [documentId],
      )
    ).map((r) => r.locale);

  const contract = async (key: string, customerId: string) => {
    const created = await as('backoffice')
      .post('/api/contracts')
      .send({
        customerId,
        projectName: '选矿厂矿浆浓度测量',
        signingDate: today,
        lines: [{ name: '核子密度计', specification: 'DN300', qty: '1', unit: '套', unitPrice: UNIT_PRICE }],
        paymentTerms: TERMS,
      });
    expect(created.status).toBe(201);
    expect((await as('backoffice').post(`/api/contracts/${created.body.id}/review`)).status).toBe(200);
    const approved = await as('manager').post(`/api/contracts/${created.body.id}/approve`).send({ reason: '手工合同' });
    expect(approved.body.status).toBe('approved');
    contracts[key] = approved.body;
    return approved.body as { id: string; number: string; total: string };
  };
  /** The schedule's shares: the advance, then the payment due before delivery. */
  const shares = async (contractId: string) =>
    ((await as('finance').get(`/api/contracts/${contractId}/schedule`)).body as { shares: { amount: string }[] })
      .shares;
  const pay = async (contractId: string, customerId: string, amount: string, nature: string) => {
    const res = await as('finance')
      .post('/api/payments')
      .send({ customerId, contractId, date: today, amount, method: 'bank_transfer', nature });
    expect(res.status).toBe(201);
    return res.body as { contactSheet?: { job: { id: string } } };
  };
  /** The contract's sheet once its three copies are issued and mailed. */
  const issuedSheet = async (contractId: string) =>
    until(
      `contact sheet of ${contractId}`,
      async () => (await as('backoffice').get(`/api/contracts/${contractId}/contact-sheet`)).body,
      (s: { mailings?: { status: string }[] }) => (s.mailings ?? []).filter((m) => m.status === 'sent').length >= 3,
      180_000,
      250,
    ) as Promise<{ copies: { department: string; documentId: string }[] }>;
  const deliver = async (contractId: string, customerId: string) => {
    const [, due] = await shares(contractId);
    await pay(contractId, customerId, due.amount, 'delivery');
    const res = await as('backoffice')
      .post('/api/deliveries')
      .send({
        contractId,
        items: [{ line: 1, qty: '1' }],
        shipDate: today,
        consignee: '赵志强',
        address: '山东省日照市岚山区钢城大道1号',
        contactPhone: '139 0000 0101',
      });
    expect(res.status).toBe(201);
    expect(await waitJob(res.body.renderJobId)).toMatchObject({ status: 'succeeded', error: null });
    const d = (await as('backoffice').get(`/api/deliveries/${res.body.id}`)).body;
    return d as { id: string; number: string; document: { id: string } };
  };
  const statement = async (customerId: string, body: Record<string, unknown> = {}) => {
    const res = await as('backoffice')
      .post(`/api/customers/${customerId}/statements`)
      .send({ sendToBilling: true, ...body });
    expect(res.status).toBe(201);
    return res.body.statement as { id: string; number: string; locale: string; document: { id: string } };
  };

  beforeAll(async () => {
    smtp = await startSmtp();
    t = await startTestApp('doclocales', {
      SMTP_URL: smtp.url,
      FINANCE_EMAIL: MAIL.finance,
      ENGINEERING_EMAIL: MAIL.engineering,
      PRODUCTION_EMAIL: MAIL.production,
      MAIL_RETRY_DELAY_SECONDS: '1',
    });
    for (const [key, roles, name] of [
      ['backoffice', ['backoffice'], '内勤小张'],
      ['finance', ['finance'], '李会计'],
      ['manager', ['manager'], '王总'],
    ] as const) {
      tokens[key] = (await t.userWith([...roles], name)).token;
    }
    expect((await as('backoffice').put('/api/company').send(PROFILE)).status).toBe(200);
    for (const [key, name, locale] of [
      ['plain', '青澜钢铁集团有限公司', undefined],
      ['english', 'Harbour Mining Pty Ltd', 'en'],
    ] as const) {
      const c = customers[key];
      const res = await as('backoffice')
        .post('/api/customers')
        .send({
          name,
          ...(locale ? { locale } : {}),
          contacts: [
            { name: '收货', email: c.email },
            { name: '财务', email: c.billing, billing: true },
          ],
        });
      expect(res.status).toBe(201);
      expect(res.body.locale).toBe(locale ?? null);
      c.id = res.body.id;
    }
  }, 120_000);

  afterAll(async () => {
    await t?.close();
    await smtp?.stop();
  });

  it('keeps zh-CN when nothing is set: the profile says so and a statement comes out in Chinese', async () => {
    expect((await as('backoffice').get('/api/company')).body.documentLocale).toBe('zh-CN');
    const s = await statement(customers.plain.id);
    expect(s.locale).toBe('zh-CN');
    expect(await versionLocales(s.document.id)).toEqual(['zh-CN']);
    const pdf = await text(await as('backoffice').file(`/api/statements/${s.id}/file?format=pdf`));
    expect(pdf).toContain('对账单');
    expect(pdf).not.toContain('Estadodecuenta');
    const [subject] = await subjectsTo(customers.plain.billing, 1);
    expect(subject).toMatch(new RegExp(`^对账单 ${s.number}`));
  }, 120_000);

  it('refuses a language it does not have, on the profile and on a customer, changing nothing', async () => {
    const before = (await as('backoffice').get('/api/company')).body;
    const bad = await as('backoffice').patch('/api/company').send({ documentLocale: 'fr' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
    expect((await as('backoffice').get('/api/company')).body).toEqual(before);
    const badCustomer = await as('backoffice').patch(`/api/customers/${customers.plain.id}`).send({ locale: 'de' });
    expect(badCustomer.status).toBe(400);
    expect((await as('backoffice').get(`/api/customers/${customers.plain.id}`)).body.locale).toBeNull();
  });

  it("issues the contact sheet, the delivery notice and the contact list in the company's Spanish, mails too", async () => {
    const patched = await as('backoffice').patch('/api/company').send({ documentLocale: 'es' });
    expect(patched.status).toBe(200);
    expect(patched.body.documentLocale).toBe('es');

    const c = await contract('plain', customers.plain.id);
    const [advance] = await shares(c.id);
    await pay(c.id, customers.plain.id, advance.amount, 'advance');
    const sheet = await issuedSheet(c.id);
    const finance = sheet.copies.find((x) => x.department === 'finance')!;
    expect(await versionLocales(finance.documentId)).toEqual(['es']);
    const copy = await text(
      await as('backoffice').file(`/api/contracts/${c.id}/contact-sheet/finance/file?format=pdf`),
    );
    expect(copy).toContain(squash('Hoja de coordinación del contrato'));
    expect(copy).toContain(squash('(Copia de Finanzas)'));
    expect(copy).toContain(squash(`${esAmount(UNIT_PRICE)} CNY`));
    expect(copy).toContain(squash('Tras la firma del contrato')); // the payment event, worded by the view
    expect(copy).not.toContain('合同联系单');
    const [sheetSubject] = await subjectsTo(MAIL.finance, 1);
    expect(sheetSubject).toMatch(/^Hoja de coordinación .* \(copia de Finanzas\)/);

    const notice = await deliver(c.id, customers.plain.id);
    expect(await versionLocales(notice.document.id)).toEqual(['es']);
    const pdf = await text(await as('backoffice').file(`/api/deliveries/${notice.id}/file?format=pdf`));
    expect(pdf).toContain(squash('Albarán de entrega'));
    expect(pdf).toContain(squash(`Fecha de expedición: ${todayEsLong}`));
    expect(pdf).not.toContain('发货通知单');
    expect(await subjectsTo(customers.plain.email, 1)).toEqual([expect.stringMatching(/^Albarán de entrega FH/)]);
    expect(await subjectsTo(MAIL.production, 2)).toEqual(
      expect.arrayContaining([expect.stringMatching(`^Albarán de entrega ${notice.number}: contrato`)]),
    );

    const list = await as('finance')
      .post('/api/contracts/contact-lists')
      .send({ audience: 'finance', from: today, to: today, mailTo: [MAIL.list] });
    expect(list.status).toBe(201);
    expect(await versionLocales(list.body.document.id)).toEqual(['es']);
    const listPdf = await text(
      await as('finance').file(`/api/contracts/contact-lists/${list.body.id}/file?format=pdf`),
    );
    expect(listPdf).toContain(squash('Relación de contratos'));
    expect(listPdf).toContain(squash(esAmount(c.total)));
    expect(listPdf).toContain(todayEsShort);
    const [listSubject] = await subjectsTo(MAIL.list, 1);
    expect(listSubject).toMatch(new RegExp(`^Relación de contratos ${list.body.number} \\(Finanzas\\)`));

    // Without a language of its own, the customer reads the company's.
    const s = await statement(customers.plain.id);
    expect(s.locale).toBe('es');
    expect(await text(await as('backoffice').file(`/api/statements/${s.id}/file?format=pdf`))).toContain(
      squash('Estado de cuenta'),
    );
    expect((await subjectsTo(customers.plain.billing, 2))[1]).toMatch(new RegExp(`^Estado de cuenta ${s.number}`));
  }, 300_000);

  it("gives a customer in English its statement and notice in English; the contact sheet stays in the company's", async () => {
    const customer = customers.english;
    const c = await contract('english', customer.id);
    const [advance] = await shares(c.id);
    await pay(c.id, customer.id, advance.amount, 'advance');
    const sheet = await issuedSheet(c.id);
    const production = sheet.copies.find((x) => x.department === 'production')!;
    expect(await versionLocales(production.documentId)).toEqual(['es']);
    const copy = await text(
      await as('backoffice').file(`/api/contracts/${c.id}/contact-sheet/production/file?format=pdf`),
    );
    expect(copy).toContain(squash('Hoja de coordinación del contrato'));
    expect(copy).not.toContain('ContractContactSheet');

    const notice = await deliver(c.id, customer.id);
    expect(await versionLocales(notice.document.id)).toEqual(['en']);
    const pdf = await text(await as('backoffice').file(`/api/deliveries/${notice.id}/file?format=pdf`));
    expect(pdf).toContain('DeliveryNotice');
    expect(pdf).toContain(squash(`Ship date: ${todayEnLong}`));
    expect(pdf).not.toContain(squash('Albarán de entrega'));
    // The customer's mail in English; production scheduling's in the company's Spanish.
    const [toCustomer] = await smtpMailsFor(customer.email);
    expect(toCustomer.subject).toMatch(new RegExp(`^Delivery notice ${notice.number}`));
    expect(toCustomer.attachments.map((a) => a.filename)).toEqual([`Delivery-notice-${notice.number}.pdf`]);
    const production2 = (await subjectsTo(MAIL.production, 4)).filter((s) => s.includes(notice.number));
    expect(production2).toEqual([expect.stringMatching(`^Albarán de entrega ${notice.number}: contrato`)]);

    const s = await statement(customer.id);
    expect(s.locale).toBe('en');
    expect(await versionLocales(s.document.id)).toEqual(['en']);
    expect(await text(await as('backoffice').file(`/api/statements/${s.id}/file?format=pdf`))).toContain(
      'StatementofAccount',
    );
    const [subject] = await subjectsTo(customer.billing, 1);
    expect(subject).toMatch(new RegExp(`^Statement of account ${s.number}`));

    // The request's language comes first.
    const asked = await statement(customer.id, { locale: 'zh-CN' });
    expect(asked.locale).toBe('zh-CN');
    expect((await subjectsTo(customer.billing, 2))[1]).toMatch(new RegExp(`^对账单 ${asked.number}`));
  }, 300_000);
});
