/**
 * The small world the authorization matrix (test/e2e/authorization-matrix.test.ts) probes: one user per role, two
 * sales users S1 and S2, and for each of them a customer with everything that hangs from it (quotation, tender,
 * contract and its change, payment, invoice, delivery, statement, document, job), all made through the API; plus the
 * company's shared records (product, qualification and scan, performance record and proof, a user and its token).
 */
import { randomUUID } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { addDays, todayIso } from '../../src/common/tabular/date-only.js';
import { smallPdf, uscc } from '../e2e/bad-input/corpus.js';
import type { TestApp } from './app.js';
import { tableChecksums } from './table-checksums.js';

/** Who calls: the seven roles, two mixed users (bound and not), and nobody (no token). */
export const CALLERS = [
  'admin',
  'backoffice',
  'sales',
  'finance',
  'engineering',
  'production',
  'manager',
  'sales+engineering',
  'sales+manager',
  'anonymous',
] as const;
export type Caller = (typeof CALLERS)[number];

/** The records hanging from one sales user's customer. */
export interface OwnedWorld {
  salesUser: string;
  customer: string;
  /** Accepted, with a contract made from it. */
  quotation: string;
  /** Sent (the tender's). */
  sentQuotation: string;
  /** Accepted, no contract made from it yet. */
  spareQuotation: string;
  tender: string;
  contract: string;
  change: string;
  payment: string;
  invoice: string;
  delivery: string;
  statement: string;
  statementToken: string;
  /** The acceptance link of a quotation sent with { sendTo } (its token, from the mail). */
  quotationToken: string;
  /** The statement's mail to the billing contact. */
  outbox: string;
  document: string;
  job: string;
  /** A dunning letter (issue #21) about an overdue contract of the customer's. */
  dunningLetter: string;
}

export interface SharedWorld {
  product: string;
  qualification: string;
  scan: string;
  performance: string;
  proof: string;
  user: string;
  userToken: string;
  statementRun: string;
  /** An issued contact list (production: every role that reads lists reads it). */
  contactList: string;
  /** A draft of the quotation's template (issue #19). */
  templateDraft: string;
}

export interface MatrixWorld {
  /** Bearer token per caller; `anonymous` has none. */
  tokens: Record<Caller, string | null>;
  /** User id per caller (`admin` is the bootstrap admin's token: no id needed; `anonymous` has none). */
  ids: Record<Caller, string | null>;
  roles: Record<Caller, string[]>;
  /** S1's world (the `sales` caller is S1) and S2's. */
  own: OwnedWorld;
  other: OwnedWorld;
  shared: SharedWorld;
}

export type Body = Record<string, unknown>;

const today = todayIso();

export async function seedMatrixWorld(t: TestApp): Promise<MatrixWorld> {
  const admin = t.adminToken;
  const call = async (token: string, method: 'get' | 'post' | 'put' | 'patch', path: string, body?: Body) => {
    const req = t.http()[method](path).auth(token, { type: 'bearer' });
    return method === 'get' ? req : req.send(body ?? {});
  };
  const must = async (what: string, status: number, p: PromiseLike<{ status: number; body: unknown }>) => {
    const res = await p;
    if (res.status !== status) throw new Error(`matrix fixture ${what}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as Body & { id: string };
  };

  const roles: Record<Caller, string[]> = {
    admin: ['admin'],
    backoffice: ['backoffice'],
    sales: ['sales'],
    finance: ['finance'],
    engineering: ['engineering'],
    production: ['production'],
    manager: ['manager'],
    'sales+engineering': ['sales', 'engineering'],
    'sales+manager': ['sales', 'manager'],
    anonymous: [],
  };
  const tokens = { admin, anonymous: null } as Record<Caller, string | null>;
  const ids = { admin: null, anonymous: null } as Record<Caller, string | null>;
  for (const caller of CALLERS) {
    if (caller === 'admin' || caller === 'anonymous') continue;
    const u = await t.userWith(roles[caller], `matrix.${caller.replace('+', '-')}`);
    tokens[caller] = u.token;
    ids[caller] = u.id;
  }
  const s1 = ids.sales!;
  const s2 = await t.userWith(['sales'], 'matrix.sales2');
  const manager = tokens.manager!;

  await must('company', 200, call(admin, 'put', '/api/company', companyBody()));
  const pdf = await smallPdf();
  const product = (await must('product', 201, call(admin, 'post', '/api/products', productBody()))).id;
  const qualification = (
    await must('qualification', 201, call(admin, 'post', '/api/qualifications', qualificationBody()))
  ).id;
  const scan = (
    await must(
      'scan',
      201,
      t
        .http()
        .post(`/api/qualifications/${qualification}/scans`)
        .auth(admin, { type: 'bearer' })
        .attach('file', pdf, 'scan.pdf'),
    )
  ).id;
  const performance = (await must('performance', 201, call(admin, 'post', '/api/performance', performanceBody()))).id;
  const proof = (
    await must(
      'proof',
      201,
      t
        .http()
        .post(`/api/performance/${performance}/proofs`)
        .auth(admin, { type: 'bearer' })
        .field('kind', 'invoice')
        .attach('file', pdf, 'proof.pdf'),
    )
  ).id;

  const world = async (salesUser: string, salesToken: string, n: number): Promise<OwnedWorld> => {
    const customer = (await must('customer', 201, call(admin, 'post', '/api/customers', customerBody(salesUser, n))))
      .id;
    const quotation = async (steps: readonly string[]) => {
      const id = (
        await must('quotation', 201, call(admin, 'post', '/api/quotations', quotationBody(customer, product)))
      ).id;
      for (const step of steps)
        await must(`quotation ${step}`, 200, call(admin, 'post', `/api/quotations/${id}/${step}`, {}));
      return id;
    };
    const sent = await quotation(['submit', 'approve', 'send']);
    const linked = await quotation(['submit', 'approve']);
    await must(
      'quotation send with link',
      200,
      call(admin, 'post', `/api/quotations/${linked}/send`, { sendTo: `shebei${n}@customer.example` }),
    );
    const [linkMail] = await t.db.query<{ text: string }>(
      "SELECT text FROM outbox_messages WHERE subject_type = 'quotation' AND subject_id = $1",
      [linked],
    );
    const quotationToken = /\/quotations\/accept\/([A-Za-z0-9_-]{43})/.exec(linkMail?.text ?? '')?.[1];
    if (!quotationToken) throw new Error(`matrix fixture quotation link: ${JSON.stringify(linkMail)}`);
    const accepted = await quotation(['submit', 'approve', 'send', 'accept']);
    const spareQuotation = await quotation(['submit', 'approve', 'send', 'accept']);
    const contract = (
      await must('contract', 201, call(admin, 'post', '/api/contracts', { quotationId: accepted, signingDate: today }))
    ).id;
    const review = await must('review', 200, call(admin, 'post', `/api/contracts/${contract}/review`, {}));
    if (review.status !== 'approved') throw new Error(`matrix fixture review: ${JSON.stringify(review)}`);
    const change = (
      await must(
        'change',
        201,
        call(admin, 'post', `/api/contracts/${contract}/changes`, {
          operations: [{ op: 'remove', line: 2 }],
          reason: '客户要求',
        }),
      )
    ).id;
    const payment = (
      await must(
        'payment',
        201,
        call(admin, 'post', '/api/payments', {
          customerId: customer,
          date: today,
          amount: '500.00',
          method: 'bank_transfer',
          nature: 'other',
        }),
      )
    ).id;
    const invoice = (
      await must(
        'invoice',
        201,
        call(admin, 'post', '/api/invoices', {
          number: `FP-MATRIX-${n}`,
          customerId: customer,
          contractId: contract,
          date: today,
          amount: '113.00',
          tax: '13.00',
        }),
      )
    ).id;
    const delivery = (await must('delivery', 201, call(manager, 'post', '/api/deliveries', deliveryBody(contract)))).id;
    const tender = (await must('tender', 201, call(admin, 'post', '/api/tenders', tenderBody(sent, salesUser, n)))).id;
    const issued = await must(
      'statement',
      201,
      call(admin, 'post', `/api/customers/${customer}/statements`, { sendToBilling: true }),
    );
    const { id: statement, mail } = issued.statement as { id: string; mail: { id: string }[] };
    const statementToken = String(issued.confirmationUrl).split('/').pop()!;
    if (mail.length !== 1) throw new Error(`matrix fixture statement mail: ${JSON.stringify(issued)}`);
    const outbox = mail[0].id;
    // A contract signed ten days ago and due at signing, unpaid: the customer is overdue, and gets a dunning letter.
    const overdue = (
      await must(
        'overdue contract',
        201,
        call(admin, 'post', '/api/contracts', {
          customerId: customer,
          projectName: `逾期项目 ${n}`,
          signingDate: addDays(today, -10),
          lines: [{ name: '备件', unit: '套', qty: '1', unitPrice: '1000.00', taxRate: '0' }],
          paymentTerms: [{ percent: '100', event: 'contract_signed', days: 0 }],
        }),
      )
    ).id;
    await must('overdue contract review', 200, call(admin, 'post', `/api/contracts/${overdue}/review`, {}));
    await must(
      'overdue contract approval',
      200,
      call(manager, 'post', `/api/contracts/${overdue}/approve`, { reason: '手工合同' }),
    );
    const dunning = await must(
      'dunning letter',
      201,
      call(admin, 'post', '/api/dunning/letters', { customerId: customer }),
    );
    const dunningLetter = (dunning.letter as { id: string }).id;
    const document = (await must('document', 201, call(admin, 'post', `/api/quotations/${accepted}/render`, {}))).id;
    // The job is the sales owner's own (a package generation, queued: this app runs no jobs).
    const job = (await must('job', 202, call(salesToken, 'post', `/api/tenders/${tender}/package`, {}))).id;
    return {
      salesUser,
      customer,
      quotation: accepted,
      sentQuotation: sent,
      spareQuotation,
      tender,
      contract,
      change,
      payment,
      invoice,
      delivery,
      statement,
      statementToken,
      quotationToken,
      outbox,
      document,
      job,
      dunningLetter,
    };
  };
  const own = await world(s1, tokens.sales!, 1);
  const other = await world(s2.id, s2.token, 2);

  const victim = await t.userWith(['production'], 'matrix.victim');
  const victimTokens = (await must('tokens', 200, call(admin, 'get', `/api/users/${victim.id}/tokens`))) as unknown as {
    id: string;
  }[];
  const run = await must('statement run', 202, call(admin, 'post', '/api/statement-runs', { to: today }));
  const contactList = await must(
    'issued contact list',
    201,
    call(admin, 'post', '/api/contracts/contact-lists', { audience: 'production' }),
  );

  const templateDraft = await must(
    'template draft',
    201,
    call(admin, 'post', '/api/templates/quotation/drafts', { locale: 'zh-CN', from: 'built-in' }),
  );

  return {
    tokens,
    ids,
    roles,
    own,
    other,
    shared: {
      product,
      qualification,
      scan,
      performance,
      proof,
      user: victim.id,
      userToken: victimTokens[0].id,
      statementRun: run.id,
      contactList: contactList.id,
      templateDraft: templateDraft.id,
    },
  };
}

/** An id no record has. */
export const noRecord = (): string => randomUUID();

// ---------------------------------------------------------------- bodies (valid, minimal; see bad-input/corpus.ts)

export const customerBody = (salesOwnerId: string, n: number): Body => ({
  name: `矩阵测试客户${n}有限公司`,
  taxId: uscc(`91320500MA1W8K7${String(n).padStart(2, '0')}`),
  address: '江苏省苏州市',
  salesOwnerId,
  contacts: [{ name: '刘芳', title: '财务', email: `billing${n}@example.com`, billing: true }],
});

const productBody = (): Body => ({
  code: 'MATRIX-1',
  nameZh: '电磁流量计',
  unit: '台',
  listPrice: '8600.00',
  floorPrice: '6900.00',
  taxRate: '13.00',
  currency: 'CNY',
  productLine: '流量仪表',
  active: true,
});

const qualificationBody = (): Body => ({
  type: 'iso9001',
  name: '质量管理体系认证证书',
  number: 'MATRIX-Q-1',
  issuer: '认证中心',
  validFrom: '2024-01-01',
  validTo: addDays(today, 365),
});

const performanceBody = (): Body => ({
  projectName: '矩阵项目',
  customerName: '矩阵客户',
  industry: 'steel',
  productLine: '压力变送器',
  contractAmount: '1280000.00',
  currency: 'CNY',
  signedDate: '2023-04-18',
  completedDate: '2024-01-30',
  location: '广东省湛江市',
  scope: '供货范围',
});

const companyBody = (): Body => ({
  legalNameZh: '华东智能仪表有限公司',
  legalNameEn: 'East China Smart Instruments Co., Ltd.',
  creditCode: uscc('91320506MA1NK4RB7'),
  addressZh: '江苏省苏州市',
  phone: '0512-6688 1200',
  email: 'office@example.com',
  legalRepresentative: '陈建国',
  bankAccounts: [
    {
      bankName: '中国工商银行',
      branch: '苏州吴中支行',
      accountName: '华东智能仪表有限公司',
      accountNumber: '1102 0206 0900 1234 567',
    },
  ],
});

export const quotationBody = (customerId: string, productId: string): Body => ({
  customerId,
  projectName: '矩阵报价项目',
  currency: 'CNY',
  issueDate: today,
  validUntil: addDays(today, 30),
  lines: [
    { name: '现场安装调试', qty: '1', unit: '项', unitPrice: '5000.00', discount: '0', taxRate: '6' },
    { productId, qty: '3' },
  ],
  paymentTerms: [{ percent: '100', event: 'other', days: 30, label: '验收后' }],
});

export const tenderBody = (quotationId: string | null, salesOwnerId: string, n: number): Body => ({
  tenderNo: `ZB-MATRIX-${n}`,
  projectName: '矩阵招标项目',
  buyer: '青澜钢铁集团有限公司',
  deadline: `${addDays(today, 20)}T10:00:00+08:00`,
  bidValidityDays: 90,
  currency: 'CNY',
  quotationId,
  salesOwnerId,
  language: 'zh-CN',
  requirements: { qualificationTypes: ['iso9001'], sections: ['cover', 'toc', 'bid_letter'] },
});

export const deliveryBody = (contractId: string, override = true, line = 1): Body => ({
  contractId,
  items: [{ line, qty: '1' }],
  shipDate: today,
  estimatedArrival: addDays(today, 3),
  consignee: '王工',
  address: '山东省滨州市无棣县鲁北工业园',
  contactPhone: '0543-6451208',
  customerEmail: 'wang@example.com',
  ...(override ? { override: { reason: '总经理特批' } } : {}),
});

/** Every table of the database (row count and a hash of its rows) and the stored files: what a refused request must leave as it was. */
export async function checksum(t: TestApp): Promise<Record<string, string>> {
  const out = await tableChecksums(t.db);
  out['(storage files)'] = (await readdir(t.storageDir, { recursive: true })).sort().join(', ');
  return out;
}
