/**
 * The bad-input corpus (issue #8): for every write route of the API, a valid request (base body, path ids of real
 * records made through the API, query) and the specification of each of its fields, from which bad-input.test.ts
 * derives the generic hostile mutations (mutations.ts); plus the cases particular to an endpoint.
 *
 * bad-input.test.ts fails when a write route has no entry here, or when its body or query DTO has a field the entry
 * does not describe: a new endpoint or field needs its corpus entry.
 */
import { readFileSync } from 'node:fs';
import { crc32, deflateSync } from 'node:zlib';
import { PDFDocument } from 'pdf-lib';
import { addDays, todayIso } from '../../../src/common/tabular/date-only.js';
import { usccCheckChar } from '../../../src/modules/company/uscc.js';
import { type FieldSpec, type Json, SQL_INJECTION, TEMPLATE_INJECTIONS, nested } from './mutations.js';

export type Role = 'admin' | 'backoffice' | 'sales' | 'finance' | 'manager';

/** Ids of the records made in beforeAll, and the tokens of the users the routes are called as. */
export interface Fixtures {
  tokens: Record<Role, string>;
  ids: {
    salesUser: string;
    victimUser: string;
    victimToken: string;
    customer: string;
    product: string;
    qualification: string;
    scan: string;
    performance: string;
    proof: string;
    quotationDraft: string;
    quotationSubmitted: string;
    quotationSent: string;
    contractDraft: string;
    contractApproved: string;
    change: string;
    payment: string;
    tender: string;
    invoice: string;
    delivery: string;
    statementToken: string;
    templateDraft: string;
    /** The acceptance link of a quotation sent with { sendTo } (its token, from the mail). */
    quotationToken: string;
  };
}

export interface FilePart {
  bytes: Buffer;
  name: string;
  contentType?: string;
}

export interface ParamSpec {
  /** uuid: an IdParam (400 INVALID_ID); enum: a ParseEnumPipe; name: a free path segment (a template type). */
  kind: 'uuid' | 'enum' | 'name';
  value: (f: Fixtures) => string;
}

export interface QueryFieldSpec {
  kind: 'bool' | 'enum' | 'enumList' | 'int' | 'uuid';
}

/** Generic JSON-body mutations; an entry may say why one does not apply. */
export const BODY_MUTATIONS = [
  'unknown field',
  '__proto__ key',
  'constructor.prototype key',
  'body nested 1000 deep',
  'array body',
  'string body',
  'malformed JSON',
  'oversize body',
  'wrong content type',
  'empty body',
] as const;
export type BodyMutation = (typeof BODY_MUTATIONS)[number];

export interface MultipartSpec {
  file: (f: Fixtures) => FilePart;
  /** Text fields sent with the file (e.g. a proof's kind). */
  fields?: Record<string, string>;
  fieldSpecs?: Record<string, 'enum'>;
  /** The upload limit, or null with the reason it is not tested. */
  maxBytes: number | { untested: string };
  /** Files that are not of an accepted type, and the codes their refusal may carry ([]: refused or answered valid: false). */
  wrongTypeCodes: string[];
  /** A PNG is an accepted file here (scans, proofs, seals): not sent as a wrong type. */
  acceptsPng?: boolean;
  /**
   * Path traversal file names: 'in-route' when an accepted upload writes nothing (a dry run, a verification);
   * 'separate' when it stores a file (checked apart: stored under a generated key inside the storage dir);
   * otherwise why names do not matter.
   */
  names: 'in-route' | 'separate' | { unused: string };
}

/** An endpoint-specific request; `json` is sent with the base's path and query unless given. */
export interface ExtraCase {
  name: string;
  path?: string;
  query?: Record<string, string>;
  json?: Json;
  raw?: { contentType: string; body: string | Buffer };
  multipart?: { files: (FilePart & { field: string })[]; fields?: Record<string, string> };
  /** Request headers (e.g. If-Match). */
  headers?: Record<string, string>;
  /** Accepted codes; null: any stable code. Default VALIDATION_FAILED. */
  codes?: string[] | null;
  status?: number;
}

export interface CorpusEntry {
  /** As RouteAccessCatalog lists it: 'PATCH /api/customers/:id'. */
  route: string;
  /** Who calls it (admin passes every role check; some services want the role itself). */
  as?: Role;
  params?: Record<string, ParamSpec>;
  query?: { base: Record<string, string>; fields: Record<string, QueryFieldSpec> };
  body?: {
    base: (f: Fixtures) => Json;
    fields: Record<string, FieldSpec>;
    /** DTO fields with no generic mutation, and why. */
    exempt?: Record<string, string>;
  };
  /** Why the route has no body to mutate (the body-parser level mutations still apply). */
  noBody?: string;
  multipart?: MultipartSpec;
  /** Generic mutations that do not apply here, and why. */
  skip?: Partial<Record<BodyMutation, string>>;
  /**
   * Probes (by name) known to be accepted, with the issue that tracks them: reported, not failed. A known issue
   * that no longer happens fails the test, so the entry is removed once the code is fixed.
   */
  knownIssues?: Record<string, string>;
  extra?: (f: Fixtures) => ExtraCase[];
}

// ---------------------------------------------------------------- field helpers

const text = (max: number, o: Partial<FieldSpec> = {}): FieldSpec => ({ kind: 'text', max, ...o });
const code = (o: Partial<FieldSpec> = {}): FieldSpec => ({ kind: 'code', ...o });
const amount = (o: Partial<FieldSpec> = {}): FieldSpec => ({ kind: 'amount', min: '0', ...o });
const date = (o: Partial<FieldSpec> = {}): FieldSpec => ({ kind: 'date', ...o });
const en = (o: Partial<FieldSpec> = {}): FieldSpec => ({ kind: 'enum', ...o });
const uuid = (o: Partial<FieldSpec> = {}): FieldSpec => ({ kind: 'uuid', ...o });
const int = (min: number, max?: number, o: Partial<FieldSpec> = {}): FieldSpec => ({ kind: 'int', min, max, ...o });
const bool = (o: Partial<FieldSpec> = {}): FieldSpec => ({ kind: 'bool', ...o });
const req = { required: true } as const;
const opt = { nullable: true } as const;

/** Prefixes every key of `fields` with `prefix.` (a nested DTO's fields at their place in the body). */
function under(prefix: string, fields: Record<string, FieldSpec>): Record<string, FieldSpec> {
  return Object.fromEntries(Object.entries(fields).map(([k, v]) => [`${prefix}.${k}`, v]));
}

/** Optional on PATCH: the same fields, none required. */
function optional(fields: Record<string, FieldSpec>): Record<string, FieldSpec> {
  return Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, { ...v, required: false }]));
}

function omit<T extends Record<string, unknown>>(value: T, keys: string[]): T {
  return Object.fromEntries(
    Object.entries(value).filter(([k]) => !keys.some((p) => k === p || k.startsWith(`${p}.`))),
  ) as T;
}

// ---------------------------------------------------------------- files

/** A real one-page PDF. */
export async function smallPdf(): Promise<Buffer> {
  const doc = await PDFDocument.create();
  doc.addPage([200, 100]).drawText('corpus', { x: 20, y: 40 });
  return Buffer.from(await doc.save());
}

/** A real 2x2 RGBA PNG. */
export function smallPng(): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(Buffer.concat([Buffer.from(type, 'latin1'), data])));
    return Buffer.concat([len, Buffer.from(type, 'latin1'), data, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(2, 0);
  ihdr.writeUInt32BE(2, 4);
  ihdr.set([8, 6, 0, 0, 0], 8);
  const pixels = Buffer.from([0, 255, 0, 0, 128, 0, 0, 255, 255, 0, 0, 0, 0, 0, 0, 0, 255, 255, 255, 255]);
  return Buffer.concat([
    Buffer.from('89504e470d0a1a0a', 'hex'),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(pixels)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Bytes that are not what their name says. */
export const NOT_A_PDF = Buffer.from('just some text, not a PDF\n');
export const EXE = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(62), Buffer.from('PE\0\0'), Buffer.alloc(200)]);

export const UPLOAD_LIMIT = 200 * 1024;
const SEAL_LIMIT = 2 * 1024 * 1024;

let pdf: Buffer = Buffer.alloc(0);
/** Loads the files the corpus sends (called once in beforeAll). */
export async function loadFiles(): Promise<void> {
  pdf = await smallPdf();
}

const csv = (text: string): FilePart => ({
  bytes: Buffer.from(text, 'utf8'),
  name: 'corpus.csv',
  contentType: 'text/csv',
});

/** A valid USCC built from its first 17 characters. */
export const uscc = (first17: string) => first17 + usccCheckChar(first17);

const today = todayIso();

// ---------------------------------------------------------------- DTO field specifications

const CONTACT: Record<string, FieldSpec> = {
  name: text(100, { ...req, nonEmpty: true }),
  title: text(100, opt),
  phone: text(50, opt),
  email: { kind: 'email', nullable: true },
  billing: bool(),
};

const CUSTOMER: Record<string, FieldSpec> = {
  name: text(200, { ...req, nonEmpty: true }),
  nameEn: text(200, opt),
  taxId: code(opt),
  address: text(300, opt),
  phone: text(50, opt),
  locale: en(opt),
  salesOwnerId: uuid({ ...opt, ref: true }),
  notes: text(5000, opt),
  contacts: {
    kind: 'array',
    also: [
      {
        name: 'two billing contacts',
        value: [
          { name: 'a', billing: true },
          { name: 'b', billing: true },
        ],
        codes: null,
      },
    ],
  },
  ...under('contacts.0', CONTACT),
};

const PRODUCT: Record<string, FieldSpec> = {
  code: code(req),
  nameZh: text(200, { ...req, nonEmpty: true }),
  nameEn: text(200, opt),
  specification: text(2000, opt),
  unit: text(16, { ...req, nonEmpty: true }),
  listPrice: amount(req),
  floorPrice: amount({
    ...req,
    also: [{ name: 'a floor price above the list price', value: '999999.00', codes: null }],
  }),
  taxRate: { kind: 'percent' },
  currency: code(),
  productLine: text(100, opt),
  active: bool(),
};

const QUALIFICATION: Record<string, FieldSpec> = {
  type: en(req),
  name: text(200, { ...req, nonEmpty: 'blank' }),
  number: text(100, opt),
  issuer: text(200, opt),
  grade: text(500, opt),
  validFrom: date(req),
  validTo: date({ ...opt, also: [{ name: 'before validFrom', value: '2020-01-01' }] }),
  notes: text(2000, opt),
};

const PERFORMANCE: Record<string, FieldSpec> = {
  projectName: text(300, { ...req, nonEmpty: 'blank' }),
  customerName: text(300, { ...req, nonEmpty: 'blank' }),
  industry: text(64, { ...req, nonEmpty: 'blank' }),
  productLine: text(100, opt),
  contractAmount: amount(req),
  currency: code(),
  signedDate: date(req),
  completedDate: date({ ...opt, also: [{ name: 'before signedDate', value: '2000-01-01' }] }),
  location: text(200, opt),
  scope: text(4000, opt),
};

const BANK_ACCOUNT: Record<string, FieldSpec> = {
  bankName: text(100, { ...req, nonEmpty: true }),
  branch: text(100, opt),
  accountName: text(200, { ...req, nonEmpty: true }),
  accountNumber: code(req),
};

const COMPANY: Record<string, FieldSpec> = {
  legalNameZh: text(200, { ...req, nonEmpty: true }),
  legalNameEn: text(200, opt),
  creditCode: code({ ...req, also: [{ name: 'a wrong check character', value: '91320506MA1NK4RB70' }] }),
  addressZh: text(300, opt),
  addressEn: text(300, opt),
  postalCode: text(20, opt),
  phone: text(50, opt),
  fax: text(50, opt),
  email: { kind: 'email', nullable: true },
  website: text(200, opt),
  legalRepresentative: text(100, opt),
  bankAccounts: { kind: 'array' },
  ...under('bankAccounts.0', BANK_ACCOUNT),
  documentLocale: en(),
};

const LINE: Record<string, FieldSpec> = {
  name: text(200, { ...req, nonEmpty: true }),
  specification: text(2000, opt),
  qty: { kind: 'decimal', required: true },
  unit: text(16, { ...req, nonEmpty: true }),
  unitPrice: amount({ ...req, codes: ['AMOUNT_TOO_LARGE'] }),
  discount: { kind: 'percent' },
  taxRate: { kind: 'percent' },
};
const PRODUCT_LINE: Record<string, FieldSpec> = {
  productId: uuid({ ref: true }),
  qty: { kind: 'decimal', required: true },
};
const SHARE: Record<string, FieldSpec> = {
  percent: { kind: 'decimal', required: true, max: 100, codes: ['PAYMENT_TERMS_NOT_100'] },
  event: en(req),
  days: int(0, 3650),
  label: text(200, { nonEmpty: true }),
};
const LINES_AND_TERMS: Record<string, FieldSpec> = {
  lines: {
    kind: 'array',
    required: true,
    also: [
      { name: 'no lines', value: [] },
      {
        name: 'a line amount beyond 16 digits',
        value: [{ name: '超大', qty: '100', unit: '台', unitPrice: '9999999999999999.99' }],
        codes: ['AMOUNT_TOO_LARGE'],
      },
    ],
  },
  ...under('lines.0', LINE),
  ...under('lines.1', PRODUCT_LINE),
  paymentTerms: {
    kind: 'array',
    required: true,
    also: [
      { name: 'no shares', value: [] },
      {
        name: 'shares not adding up to 100',
        value: [{ percent: '30', event: 'contract_signed' }],
        codes: ['PAYMENT_TERMS_NOT_100'],
      },
    ],
  },
  ...under('paymentTerms.0', SHARE),
};

const QUOTATION: Record<string, FieldSpec> = {
  customerId: uuid({ ...req, ref: true }),
  projectName: text(300, { ...req, nonEmpty: true }),
  currency: code(),
  issueDate: date(),
  validUntil: date({
    ...req,
    also: [{ name: 'before issueDate', value: '2020-01-01', codes: ['VALIDITY_BEFORE_ISSUE_DATE'] }],
  }),
  ...LINES_AND_TERMS,
  deliveryTerms: { kind: 'object', nullable: true },
  'deliveryTerms.daysAfterAdvance': int(0, 3650),
  'deliveryTerms.date': date(),
  'deliveryTerms.place': text(300),
  'deliveryTerms.incoterm': en(),
  notes: text(5000, opt),
};

const CONTRACT: Record<string, FieldSpec> = {
  quotationId: uuid({ ref: true }),
  customerId: uuid({ ...req, ref: true }),
  // Free text to the service (printed, never a path or a key): injection strings are kept verbatim.
  number: text(40, { nonEmpty: 'blank', also: [{ name: 'a leading space', value: ' HT-1' }] }),
  projectName: text(300, { ...req, nonEmpty: true }),
  signingDate: date(req),
  currency: code(),
  ...LINES_AND_TERMS,
  deliveryDate: date(opt),
  configuration: { kind: 'array' },
  'configuration.0.item': text(200, { ...req, nonEmpty: true }),
  'configuration.0.options': text(2000, opt),
  specialRequirements: text(5000, opt),
};

const BID_BOND: Record<string, FieldSpec> = {
  amount: amount(opt),
  form: en(opt),
  bank: text(200, opt),
  status: en(),
};
const TENDER: Record<string, FieldSpec> = {
  tenderNo: text(64, { ...req, nonEmpty: true }),
  projectName: text(300, { ...req, nonEmpty: true }),
  lot: text(100, opt),
  buyer: text(200, { ...req, nonEmpty: true }),
  agency: text(200, opt),
  deadline: { kind: 'datetime', required: true },
  bidValidityDays: int(1, 365),
  bidBond: { kind: 'object', nullable: true },
  ...under('bidBond', BID_BOND),
  currency: code(),
  quotationId: uuid({ ...opt, ref: true }),
  salesOwnerId: uuid({ ...opt, ref: true }),
  language: en(),
  requirements: { kind: 'object' },
  'requirements.qualificationTypes': {
    kind: 'enumArray',
    also: [{ name: 'a duplicate', value: ['iso9001', 'iso9001'] }],
  },
  'requirements.performance': { kind: 'object', nullable: true },
  ...under('requirements.performance', {
    industry: text(64, { ...opt, nonEmpty: true }),
    productLine: text(100, { ...opt, nonEmpty: true }),
    minAmount: amount(opt),
    completedWithinYears: int(1, 50, opt),
    minCount: int(0, 100),
  }),
  'requirements.sections': { kind: 'enumArray', also: [{ name: 'without bid_letter', value: ['cover'] }] },
  'requirements.deviations': { kind: 'array' },
  ...under('requirements.deviations.0', {
    clause: text(200, { ...req, nonEmpty: true }),
    requirement: text(2000, { ...req, nonEmpty: true }),
    response: text(2000, { ...req, nonEmpty: true }),
    deviation: en(req),
    note: text(2000, opt),
  }),
  representative: { kind: 'object', nullable: true },
  ...under('representative', {
    name: text(100, { ...req, nonEmpty: true }),
    title: text(100, opt),
    idNumber: text(32, opt),
    phone: text(32, opt),
  }),
  notes: text(5000, opt),
};

// ---------------------------------------------------------------- base bodies

const customerBody = (f: Fixtures): Json => ({
  name: '语料测试客户有限公司',
  nameEn: 'Corpus Customer Co., Ltd.',
  taxId: uscc('91320500MA1W8K7C2'),
  address: '江苏省苏州市',
  phone: '0512-0000 0000',
  salesOwnerId: f.ids.salesUser,
  notes: '备注',
  contacts: [{ name: '刘芳', title: '财务', phone: '139 0000 0000', email: 'liu@example.com', billing: true }],
});

const productBody = (): Json => ({
  code: 'CORPUS-1',
  nameZh: '电磁流量计',
  nameEn: 'Flowmeter',
  specification: 'DN50',
  unit: '台',
  listPrice: '8600.00',
  floorPrice: '6900.00',
  taxRate: '13.00',
  currency: 'CNY',
  productLine: '流量仪表',
  active: true,
});

const qualificationBody = (): Json => ({
  type: 'iso9001',
  name: '质量管理体系认证证书',
  number: 'CORPUS-Q-1',
  issuer: '认证中心',
  grade: 'GB/T 19001',
  validFrom: '2024-01-01',
  validTo: '2027-01-01',
  notes: '备注',
});

const performanceBody = (): Json => ({
  projectName: '语料项目',
  customerName: '语料客户',
  industry: 'steel',
  productLine: '压力变送器',
  contractAmount: '1280000.00',
  currency: 'CNY',
  signedDate: '2023-04-18',
  completedDate: '2024-01-30',
  location: '广东省湛江市',
  scope: '供货范围',
});

const companyBody = (): Json => ({
  legalNameZh: '华东智能仪表有限公司',
  legalNameEn: 'East China Smart Instruments Co., Ltd.',
  creditCode: uscc('91320506MA1NK4RB7'),
  addressZh: '江苏省苏州市',
  addressEn: 'Suzhou',
  postalCode: '215128',
  phone: '0512-6688 1200',
  fax: '0512-6688 1201',
  email: 'office@example.com',
  website: 'https://www.example.com',
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

const linesAndTerms = (f: Fixtures): Record<string, Json> => ({
  lines: [
    {
      name: '现场安装调试',
      specification: '含调试',
      qty: '1',
      unit: '项',
      unitPrice: '5000.00',
      discount: '0',
      taxRate: '6',
    },
    { productId: f.ids.product, qty: '3' },
  ],
  paymentTerms: [{ percent: '100', event: 'other', days: 30, label: '验收后' }],
});

const quotationBody = (f: Fixtures): Json => ({
  customerId: f.ids.customer,
  projectName: '语料报价项目',
  currency: 'CNY',
  issueDate: today,
  validUntil: addDays(today, 30),
  ...linesAndTerms(f),
  deliveryTerms: { daysAfterAdvance: 45, date: addDays(today, 60), place: '需方现场', incoterm: 'DAP' },
  notes: '备注',
});

const contractBody = (f: Fixtures): Json => ({
  customerId: f.ids.customer,
  number: 'HT-CORPUS-0001',
  projectName: '语料合同项目',
  signingDate: today,
  currency: 'CNY',
  ...linesAndTerms(f),
  deliveryDate: addDays(today, 60),
  configuration: [{ item: '变送器', options: 'IP68' }],
  specialRequirements: '无',
});

const tenderBody = (f: Fixtures): Json => ({
  tenderNo: 'ZB-CORPUS-001',
  projectName: '语料招标项目',
  lot: '第一标段',
  buyer: '青澜钢铁集团有限公司',
  agency: '招标代理',
  deadline: `${addDays(today, 20)}T10:00:00+08:00`,
  bidValidityDays: 90,
  bidBond: { amount: '15000.00', form: 'bank_guarantee', bank: '中国银行', status: 'to_pay' },
  currency: 'CNY',
  quotationId: f.ids.quotationSent,
  salesOwnerId: f.ids.salesUser,
  language: 'zh-CN',
  requirements: {
    qualificationTypes: ['iso9001'],
    performance: {
      industry: 'steel',
      productLine: '压力变送器',
      minAmount: '100000.00',
      completedWithinYears: 3,
      minCount: 1,
    },
    sections: ['cover', 'toc', 'bid_letter'],
    deviations: [{ clause: '3.1', requirement: 'IP65', response: 'IP67', deviation: 'positive', note: '无' }],
  },
  representative: { name: '陈晓东', title: '销售经理', idNumber: '320500199001010000', phone: '139 0000 0001' },
  notes: '备注',
});

/** An optional free-text reason (ReasonDto, OptionalReasonDto). */
const OPTIONAL_REASON: Record<string, FieldSpec> = { reason: text(2000) };
const TOKEN: Record<string, FieldSpec> = {
  label: text(100),
  // null: never expires (an admin's choice; a non-admin's gets 422 TOKEN_LIFETIME_TOO_LONG).
  expiresInDays: int(1, 3650, { nullable: true }),
  readOnly: bool(),
};
/** A second factor: the app's 6 digits, or a recovery code instead. */
const SECOND_FACTOR: Record<string, FieldSpec> = { code: code(), recoveryCode: text(40) };

const uuidParam = (value: (f: Fixtures) => string): ParamSpec => ({ kind: 'uuid', value });

/**
 * A preview of the statement's template on a record (?recordId=, #19): refused with nothing rendered when it names a
 * record of another kind (422) or comes with data as well (400); no such record (404 STATEMENT_NOT_FOUND) is
 * test/e2e/template-editor-api.test.ts's.
 */
const recordPreviewCases = (f: Fixtures): ExtraCase[] => [
  {
    name: 'a record and posted data',
    query: { format: 'html', recordId: f.ids.quotationDraft },
    json: { customer: { name: 'x' } },
    codes: ['TEMPLATE_PREVIEW_SOURCE_CONFLICT'],
  },
  {
    name: 'a record of another kind',
    query: { format: 'html', recordId: f.ids.quotationDraft },
    codes: ['TEMPLATE_PREVIEW_WRONG_RECORD'],
    status: 422,
  },
];

const IMPORT_QUERY = { base: { dryRun: 'true' }, fields: { dryRun: { kind: 'bool' } } } as const;
const WAIT_QUERY = { base: {}, fields: { wait: { kind: 'bool' } } } as const;
const NOT_STATE = 'a state transition without a body';
const TEMPLATE_TYPE: ParamSpec = { kind: 'name', value: () => 'customer-statement' };

// ---------------------------------------------------------------- the corpus

export const CORPUS: CorpusEntry[] = [
  // ---- users
  {
    route: 'POST /api/users',
    body: {
      base: () => ({ name: 'corpus.user', roles: ['sales'], email: 'corpus@example.com' }),
      fields: {
        name: code(req),
        roles: {
          kind: 'enumArray',
          required: true,
          also: [
            { name: 'no role', value: [] },
            { name: 'a duplicate role', value: ['sales', 'sales'] },
          ],
        },
        email: { kind: 'email' },
        apiToken: bool(),
      },
    },
  },
  {
    route: 'POST /api/users/:id/password-reset',
    params: { id: uuidParam((f) => f.ids.victimUser) },
    noBody: 'resets the password of the user named by the path',
  },
  {
    route: 'DELETE /api/users/:id/totp',
    params: { id: uuidParam((f) => f.ids.victimUser) },
    noBody: 'resets the second factor of the user named by the path',
  },
  {
    route: 'PATCH /api/users/:id',
    params: { id: uuidParam((f) => f.ids.victimUser) },
    body: {
      base: () => ({ email: 'victim2@example.com' }),
      fields: {
        roles: { kind: 'enumArray', also: [{ name: 'no role', value: [] }] },
        email: { kind: 'email', nullable: true },
        disabled: bool(),
      },
    },
  },
  {
    route: 'POST /api/users/:id/tokens',
    params: { id: uuidParam((f) => f.ids.victimUser) },
    body: { base: () => ({ label: 'corpus' }), fields: TOKEN },
  },
  {
    route: 'DELETE /api/users/:id/tokens/:tokenId',
    params: { id: uuidParam((f) => f.ids.victimUser), tokenId: uuidParam((f) => f.ids.victimToken) },
    noBody: 'revokes the token named by the path',
  },
  // ---- my own tokens and second factor (#15)
  { route: 'POST /api/me/tokens', as: 'sales', body: { base: () => ({ label: 'corpus' }), fields: TOKEN } },
  {
    route: 'DELETE /api/me/tokens/:tokenId',
    params: { tokenId: uuidParam((f) => f.ids.victimToken) },
    noBody: "revokes the caller's own token named by the path",
  },
  {
    route: 'POST /api/auth/second-factor',
    body: { base: () => ({ code: '123456' }), fields: SECOND_FACTOR },
    extra: () => [{ name: 'a code and a recovery code', json: { code: '123456', recoveryCode: 'abcde-fghjk' } }],
  },
  { route: 'POST /api/me/totp/enrolment', noBody: 'makes a new pending secret for the caller' },
  {
    route: 'POST /api/me/totp/confirm',
    body: { base: () => ({ code: '123456' }), fields: { code: code(req) } },
  },
  {
    route: 'DELETE /api/me/totp',
    body: { base: () => ({ code: '123456' }), fields: SECOND_FACTOR },
  },
  {
    route: 'POST /api/me/totp/recovery-codes',
    body: { base: () => ({ code: '123456' }), fields: SECOND_FACTOR },
  },

  // ---- signing in (#15)
  {
    route: 'POST /api/auth/sign-in',
    body: {
      base: () => ({ login: 'corpus.nobody', password: 'not the password of anyone' }),
      fields: { login: text(254, { ...req, nonEmpty: true }), password: text(256, { ...req, nonEmpty: true }) },
    },
  },
  { route: 'POST /api/auth/sign-out', noBody: "ends the caller's session" },
  { route: 'POST /api/auth/sign-out-everywhere', noBody: "ends all the caller's sessions" },
  {
    route: 'POST /api/auth/password',
    body: {
      base: () => ({ currentPassword: 'not the current password', newPassword: 'a corpus pass phrase 42' }),
      fields: { currentPassword: text(256), newPassword: text(256, req) },
    },
  },
  {
    route: 'POST /api/auth/invitations/:token',
    params: { token: { kind: 'name', value: () => `td_i_${'A'.repeat(43)}` } },
    body: { base: () => ({ newPassword: 'a corpus pass phrase 42' }), fields: { newPassword: text(256, req) } },
  },
  {
    route: 'DELETE /api/me/sessions/:id',
    params: { id: uuidParam(() => '00000000-0000-4000-8000-000000000001') },
    noBody: "ends the caller's session named by the path",
  },

  // ---- customers
  { route: 'POST /api/customers', body: { base: customerBody, fields: CUSTOMER } },
  {
    route: 'PATCH /api/customers/:id',
    params: { id: uuidParam((f) => f.ids.customer) },
    body: {
      base: (f) => omit(customerBody(f) as Record<string, Json>, ['taxId']),
      fields: { ...optional(CUSTOMER), name: text(200, { nonEmpty: true }), archived: bool() },
    },
  },
  {
    route: 'DELETE /api/customers/:id',
    params: { id: uuidParam((f) => f.ids.customer) },
    noBody: 'archives the customer named by the path',
  },
  {
    route: 'POST /api/customers/import',
    query: IMPORT_QUERY,
    multipart: {
      file: () => csv('客户名称,税号,备注\n语料导入客户,91320500MA1W8K7C2W,无\n'),
      maxBytes: UPLOAD_LIMIT,
      wrongTypeCodes: ['UNSUPPORTED_FILE_TYPE'],
      names: 'in-route',
    },
    extra: () => importExtras('客户名称,税号,备注', ['语料导入客户', '91320500MA1W8K7C2W', '无'], 0, 0),
  },

  // ---- products
  { route: 'POST /api/products', body: { base: productBody, fields: PRODUCT } },
  {
    route: 'PATCH /api/products/:id',
    params: { id: uuidParam((f) => f.ids.product) },
    body: { base: () => ({ nameEn: 'Flowmeter 2', listPrice: '9000.00' }), fields: optional(PRODUCT) },
  },
  {
    route: 'DELETE /api/products/:id',
    params: { id: uuidParam((f) => f.ids.product) },
    noBody: 'deactivates the product named by the path',
  },
  {
    route: 'POST /api/products/import',
    query: IMPORT_QUERY,
    multipart: {
      file: () => csv('产品编码,产品名称,单位,目录价,最低价\nCORPUS-IMP,语料导入产品,台,100.00,80.00\n'),
      maxBytes: UPLOAD_LIMIT,
      wrongTypeCodes: ['UNSUPPORTED_FILE_TYPE'],
      names: 'in-route',
    },
    extra: () =>
      importExtras(
        '产品编码,产品名称,单位,目录价,最低价',
        ['CORPUS-IMP', '语料导入产品', '台', '100.00', '80.00'],
        1,
        0,
      ),
  },

  // ---- qualifications
  { route: 'POST /api/qualifications', body: { base: qualificationBody, fields: QUALIFICATION } },
  {
    route: 'PATCH /api/qualifications/:id',
    params: { id: uuidParam((f) => f.ids.qualification) },
    body: { base: () => ({ notes: '更新' }), fields: optional(QUALIFICATION) },
  },
  {
    route: 'DELETE /api/qualifications/:id',
    params: { id: uuidParam((f) => f.ids.qualification) },
    noBody: 'deletes the qualification named by the path',
  },
  {
    route: 'POST /api/qualifications/import',
    query: IMPORT_QUERY,
    multipart: {
      file: () => csv('资质类型,资质名称,有效期起,有效期至\niso9001,语料导入资质,2024-01-01,2027-01-01\n'),
      maxBytes: UPLOAD_LIMIT,
      wrongTypeCodes: ['UNSUPPORTED_FILE_TYPE'],
      names: 'in-route',
    },
    extra: () =>
      importExtras(
        '资质类型,资质名称,有效期起,有效期至',
        ['iso9001', '语料导入资质', '2024-01-01', '2027-01-01'],
        1,
        1,
      ),
  },
  {
    route: 'POST /api/qualifications/:id/scans',
    params: { id: uuidParam((f) => f.ids.qualification) },
    multipart: {
      file: () => ({ bytes: pdf, name: '营业执照.pdf', contentType: 'application/pdf' }),
      maxBytes: UPLOAD_LIMIT,
      wrongTypeCodes: ['UNSUPPORTED_FILE_TYPE'],
      acceptsPng: true,
      names: 'separate',
    },
  },
  {
    route: 'DELETE /api/qualifications/:id/scans/:fileId',
    params: { id: uuidParam((f) => f.ids.qualification), fileId: uuidParam((f) => f.ids.scan) },
    noBody: 'deletes the scan named by the path',
  },

  // ---- performance
  { route: 'POST /api/performance', body: { base: performanceBody, fields: PERFORMANCE } },
  {
    route: 'PATCH /api/performance/:id',
    params: { id: uuidParam((f) => f.ids.performance) },
    body: { base: () => ({ scope: '更新' }), fields: optional(PERFORMANCE) },
  },
  {
    route: 'DELETE /api/performance/:id',
    params: { id: uuidParam((f) => f.ids.performance) },
    noBody: 'deletes the record named by the path',
  },
  {
    route: 'POST /api/performance/import',
    query: IMPORT_QUERY,
    multipart: {
      file: () => csv('项目名称,客户名称,行业,合同金额,签订日期\n语料导入项目,语料客户,steel,1000.00,2024-01-01\n'),
      maxBytes: UPLOAD_LIMIT,
      wrongTypeCodes: ['UNSUPPORTED_FILE_TYPE'],
      names: 'in-route',
    },
    extra: () =>
      importExtras(
        '项目名称,客户名称,行业,合同金额,签订日期',
        ['语料导入项目', '语料客户', 'steel', '1000.00', '2024-01-01'],
        0,
        0,
      ),
  },
  {
    route: 'POST /api/performance/:id/proofs',
    params: { id: uuidParam((f) => f.ids.performance) },
    multipart: {
      file: () => ({ bytes: pdf, name: '验收证书.pdf', contentType: 'application/pdf' }),
      fields: { kind: 'acceptance_certificate' },
      fieldSpecs: { kind: 'enum' },
      maxBytes: UPLOAD_LIMIT,
      wrongTypeCodes: ['UNSUPPORTED_FILE_TYPE'],
      acceptsPng: true,
      names: 'separate',
    },
  },
  {
    route: 'DELETE /api/performance/:id/proofs/:fileId',
    params: { id: uuidParam((f) => f.ids.performance), fileId: uuidParam((f) => f.ids.proof) },
    noBody: 'deletes the proof named by the path',
  },

  // ---- company
  { route: 'PUT /api/company', body: { base: companyBody, fields: COMPANY } },
  {
    route: 'PATCH /api/company',
    body: {
      base: () => ({ phone: '0512-6688 1299' }),
      fields: {
        ...optional(COMPANY),
        ...under('bankAccounts.0', BANK_ACCOUNT),
        legalNameZh: text(200, { nonEmpty: true }),
        creditCode: code(),
      },
    },
  },
  {
    route: 'PUT /api/company/seals/:kind',
    params: { kind: { kind: 'enum', value: () => 'company' } },
    multipart: {
      file: () => ({ bytes: smallPng(), name: 'seal.png', contentType: 'image/png' }),
      maxBytes: SEAL_LIMIT,
      wrongTypeCodes: ['SEAL_NOT_TRANSPARENT_PNG'],
      acceptsPng: true,
      names: { unused: 'a seal is stored under its kind; the file name is not kept' },
    },
    extra: () => [
      {
        name: 'a PNG without transparency',
        multipart: { files: [{ field: 'file', bytes: opaquePng(), name: 'seal.png' }] },
        codes: ['SEAL_NOT_TRANSPARENT_PNG'],
      },
    ],
  },

  // ---- quotations
  { route: 'POST /api/quotations', body: { base: quotationBody, fields: QUOTATION } },
  {
    route: 'PATCH /api/quotations/:id',
    params: { id: uuidParam((f) => f.ids.quotationDraft) },
    body: {
      base: (f) => omit(quotationBody(f) as Record<string, Json>, ['customerId']),
      fields: omit(optional(QUOTATION), ['customerId']),
    },
  },
  {
    route: 'POST /api/quotations/:id/submit',
    params: { id: uuidParam((f) => f.ids.quotationDraft) },
    noBody: NOT_STATE,
  },
  {
    route: 'POST /api/quotations/:id/approve',
    params: { id: uuidParam((f) => f.ids.quotationSubmitted) },
    body: { base: () => ({ reason: '同意' }), fields: OPTIONAL_REASON },
  },
  {
    // A draft: a valid request is refused (409 INVALID_TRANSITION) before anything is rendered or mailed.
    route: 'POST /api/quotations/:id/send',
    params: { id: uuidParam((f) => f.ids.quotationDraft) },
    body: {
      base: () => ({ sendTo: 'shebei@example.com', locale: 'zh-CN' }),
      fields: { sendTo: { kind: 'email' }, locale: en() },
    },
  },
  {
    route: 'POST /api/quotations/:id/accept',
    params: { id: uuidParam((f) => f.ids.quotationDraft) },
    noBody: NOT_STATE,
  },
  {
    route: 'POST /api/quotations/:id/reject',
    params: { id: uuidParam((f) => f.ids.quotationSent) },
    body: { base: () => ({ reason: '价格高' }), fields: OPTIONAL_REASON },
  },
  {
    // A draft: a valid request would be refused (409 QUOTATION_NOT_APPROVED) before rendering anything.
    route: 'POST /api/quotations/:id/render',
    params: { id: uuidParam((f) => f.ids.quotationDraft) },
    query: {
      base: { formats: 'pdf', locale: 'zh-CN' },
      fields: { formats: { kind: 'enumList' }, locale: { kind: 'enum' } },
    },
    noBody: 'renders the quotation named by the path, with the formats of the query',
  },

  // ---- contracts
  { route: 'POST /api/contracts', body: { base: contractBody, fields: CONTRACT } },
  {
    route: 'PATCH /api/contracts/:id',
    params: { id: uuidParam((f) => f.ids.contractDraft) },
    body: {
      base: (f) => omit(contractBody(f) as Record<string, Json>, ['customerId', 'currency', 'number']),
      fields: omit(optional(CONTRACT), ['quotationId', 'customerId', 'currency']),
    },
  },
  {
    route: 'POST /api/contracts/:id/review',
    params: { id: uuidParam((f) => f.ids.contractApproved) },
    noBody: NOT_STATE,
  },
  {
    route: 'POST /api/contracts/:id/approve',
    as: 'manager',
    params: { id: uuidParam((f) => f.ids.contractDraft) },
    body: {
      base: () => ({ reason: '总经理同意' }),
      fields: { reason: text(2000, { required: true, nonEmpty: 'blank', codes: ['APPROVAL_REASON_REQUIRED'] }) },
    },
  },
  {
    route: 'POST /api/contracts/:id/cancel',
    params: { id: uuidParam((f) => f.ids.contractDraft) },
    body: {
      base: () => ({ reason: '客户取消' }),
      fields: { reason: text(2000, { required: true, nonEmpty: 'blank', codes: ['CANCEL_REASON_REQUIRED'] }) },
    },
  },
  {
    route: 'POST /api/contracts/:id/complete',
    params: { id: uuidParam((f) => f.ids.contractDraft) },
    noBody: NOT_STATE,
  },
  {
    route: 'POST /api/contracts/:id/changes',
    params: { id: uuidParam((f) => f.ids.contractApproved) },
    body: {
      base: () => ({
        operations: [{ op: 'remove', line: 2 }],
        deliveryDate: addDays(today, 90),
        configuration: [{ item: '备用表', options: null }],
        specialRequirements: '加急',
        reason: '客户要求',
      }),
      fields: {
        operations: {
          kind: 'array',
          required: true,
          also: [{ name: 'a replace without its line', value: [{ op: 'replace', line: 1 }] }],
        },
        'operations.0.op': en(req),
        'operations.0.line': int(1, undefined, {
          required: true,
          also: [{ name: 'a line that does not exist', value: 99, codes: null }],
        }),
        deliveryDate: date(),
        configuration: { kind: 'array' },
        'configuration.0.item': text(200, { ...req, nonEmpty: true }),
        'configuration.0.options': text(2000, opt),
        specialRequirements: text(5000),
        reason: text(2000, req),
      },
    },
  },
  {
    route: 'POST /api/contracts/:id/changes/:changeId/approve',
    as: 'manager',
    params: { id: uuidParam((f) => f.ids.contractApproved), changeId: uuidParam((f) => f.ids.change) },
    body: { base: () => ({ reason: '同意' }), fields: OPTIONAL_REASON },
  },
  {
    route: 'POST /api/contracts/:id/changes/:changeId/reject',
    as: 'manager',
    params: { id: uuidParam((f) => f.ids.contractApproved), changeId: uuidParam((f) => f.ids.change) },
    body: {
      base: () => ({ reason: '不同意' }),
      fields: { reason: text(2000, { required: true, nonEmpty: 'blank', codes: ['REJECT_REASON_REQUIRED'] }) },
    },
  },

  // ---- contact sheets
  {
    route: 'POST /api/contracts/:id/contact-sheet/sign',
    as: 'finance',
    params: { id: uuidParam((f) => f.ids.contractApproved) },
    body: {
      base: () => ({ department: 'finance', comment: '预付款已到账' }),
      fields: { department: en(), comment: text(500) },
    },
  },
  {
    route: 'POST /api/contracts/:id/contact-sheet/render',
    params: { id: uuidParam((f) => f.ids.contractDraft) },
    noBody: 're-issues the contact sheet of the contract named by the path',
  },

  // ---- payments
  {
    route: 'POST /api/payments',
    body: {
      base: (f) => ({
        customerId: f.ids.customer,
        contractId: f.ids.contractApproved,
        date: today,
        amount: '1000.00',
        currency: 'CNY',
        method: 'bank_transfer',
        nature: 'progress',
        reference: 'REF-1',
        note: '备注',
      }),
      fields: {
        customerId: uuid({ ...req, ref: true }),
        contractId: uuid({ ref: true }),
        date: date(req),
        amount: amount({ ...req, min: '0.01' }),
        currency: code(),
        method: en(req),
        nature: en(req),
        reference: text(100),
        note: text(2000),
      },
    },
  },
  {
    route: 'POST /api/payments/:id/reverse',
    params: { id: uuidParam((f) => f.ids.payment) },
    body: {
      base: () => ({ reason: '重复登记' }),
      fields: {
        reason: text(2000, { required: true, nonEmpty: 'blank', also: [{ name: 'one character', value: 'x' }] }),
      },
    },
  },

  // ---- receivables
  {
    route: 'POST /api/invoices',
    body: {
      base: (f) => ({
        number: 'FP-CORPUS-1',
        kind: 'special',
        customerId: f.ids.customer,
        contractId: f.ids.contractApproved,
        date: today,
        amount: '113.00',
        tax: '13.00',
        currency: 'CNY',
        note: '备注',
      }),
      fields: {
        number: code({ ...req, nonEmpty: true }),
        kind: en(),
        customerId: uuid({ ...req, ref: true }),
        contractId: uuid({ ref: true }),
        date: date(req),
        amount: amount({ ...req, min: '0.01' }),
        tax: amount({ ...req, codes: ['VALIDATION_FAILED'] }),
        currency: code(),
        note: text(2000),
      },
    },
  },
  {
    route: 'POST /api/invoices/:id/reverse',
    params: { id: uuidParam((f) => f.ids.invoice) },
    body: {
      base: () => ({ number: 'FP-CORPUS-RED', reason: '开票有误', date: today }),
      fields: {
        number: code({ ...req, nonEmpty: true }),
        reason: text(2000, { required: true, nonEmpty: 'blank', also: [{ name: 'one character', value: 'x' }] }),
        date: date(),
      },
    },
  },
  {
    route: 'PUT /api/contracts/:id/milestones/:event',
    params: {
      id: uuidParam((f) => f.ids.contractApproved),
      event: { kind: 'name', value: () => 'after_acceptance' },
    },
    body: { base: () => ({ date: today, note: '验收报告' }), fields: { date: date(req), note: text(500) } },
  },

  {
    // A manager's override: the gate's outcome is not what is probed here, the fields are.
    route: 'POST /api/deliveries',
    as: 'manager',
    body: {
      base: (f) => deliveryBody(f),
      fields: {
        contractId: uuid({ ...req, ref: true }),
        items: {
          kind: 'array',
          required: true,
          also: [
            { name: 'no items', value: [] },
            {
              name: 'a line twice',
              value: [
                { line: 1, qty: '1' },
                { line: 1, qty: '1' },
              ],
            },
            { name: 'a line the contract lacks', value: [{ line: 999, qty: '1' }], codes: ['DELIVERY_LINE_UNKNOWN'] },
            { name: 'more than remains', value: [{ line: 1, qty: '999999' }], codes: ['DELIVERY_EXCEEDS_REMAINING'] },
          ],
        },
        'items.0.line': int(1, 100000, req),
        'items.0.qty': { kind: 'decimal', required: true },
        shipDate: date(req),
        estimatedArrival: date(),
        consignee: text(100, { ...req, nonEmpty: 'blank' }),
        address: text(300, { ...req, nonEmpty: 'blank' }),
        contactPhone: text(50, { ...req, nonEmpty: 'blank' }),
        customerEmail: { kind: 'email' },
        carrier: text(100),
        driverName: text(50),
        driverPhone: text(50),
        licencePlate: text(20),
        remarks: text(2000),
        override: { kind: 'object' },
        'override.reason': text(1000, { required: true, nonEmpty: 'blank' }),
      },
    },
  },
  {
    route: 'POST /api/deliveries/:id/ship',
    params: { id: uuidParam((f) => f.ids.delivery) },
    body: {
      base: () => ({ carrier: '德邦物流', driverName: '张师傅', driverPhone: '13800000000', licencePlate: '苏E12345' }),
      fields: {
        shippedAt: { kind: 'datetime' },
        carrier: text(100),
        driverName: text(50),
        driverPhone: text(50),
        licencePlate: text(20),
      },
    },
  },
  {
    route: 'POST /api/deliveries/:id/deliver',
    params: { id: uuidParam((f) => f.ids.delivery) },
    body: { base: () => ({ arrivedOn: today, note: '已签收' }), fields: { arrivedOn: date(req), note: text(200) } },
  },
  {
    route: 'POST /api/deliveries/:id/cancel',
    params: { id: uuidParam((f) => f.ids.delivery) },
    body: {
      base: () => ({ reason: '客户推迟' }),
      fields: { reason: text(2000, { required: true, nonEmpty: 'blank' }) },
    },
  },

  {
    route: 'POST /api/customers/:id/statements',
    params: { id: uuidParam((f) => f.ids.customer) },
    body: {
      base: () => ({ from: addDays(today, -30), to: today, locale: 'zh-CN', replyDays: 15 }),
      fields: {
        from: date(),
        to: date(),
        asOf: date(),
        locale: en(),
        replyDays: int(1, 365),
        sendTo: { kind: 'email' },
        sendToBilling: bool(),
      },
    },
    extra: (): ExtraCase[] => [
      { name: 'a period ending before it starts', json: { from: today, to: addDays(today, -1) }, codes: null },
      { name: 'a period ending in the future', json: { from: today, to: addDays(today, 1) }, codes: null },
      { name: 'from without to', json: { from: today } },
      { name: 'asOf with a period', json: { from: today, to: today, asOf: today } },
      { name: 'sendTo with sendToBilling', json: { sendTo: 'a@b.cn', sendToBilling: true } },
    ],
  },
  {
    // The customer's answer (no login): a form read by hand so that a refused one is shown again with what was typed;
    // its field rules are in statement-answer.spec.ts and statement-confirmation.test.ts. A valid answer is final, so
    // only refused bodies are sent here.
    route: 'POST /statements/confirm/:token',
    params: { token: { kind: 'name', value: (f) => f.ids.statementToken } },
    noBody: 'a form body read by hand (no DTO); the cases below probe it',
    extra: (): ExtraCase[] => [
      { name: 'no action', json: { name: '钱会计' } },
      { name: 'an unknown action', json: { action: 'delete', name: '钱会计' } },
      { name: 'a dispute without a reason', json: { action: 'dispute', amount: '1.00', name: '钱会计' } },
      {
        name: 'a dispute with an amount that is not one',
        json: { action: 'dispute', amount: '1e309', reason: 'x', name: 'a' },
      },
      { name: 'no name', json: { action: 'confirm' } },
      { name: 'a NUL in the name', json: { action: 'confirm', name: 'a\u0000b' } },
      { name: 'a name that is an object', json: { action: 'confirm', name: { $ne: '' } } },
      { name: 'an unknown field', json: { action: 'confirm', name: 'a', admin: true } },
      { name: 'a confirmation code that is not 8 digits', json: { action: 'confirm', name: 'a', code: '12 34' } },
      { name: 'a confirmation code that is an object', json: { action: 'confirm', name: 'a', code: { $gt: '' } } },
      {
        name: 'a made-up token',
        path: '/statements/confirm/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
        json: { action: 'confirm', name: 'a' },
        codes: null,
      },
    ],
  },

  {
    // The customer's answer to a quotation (no login), read by hand like the statement's; its field rules are in
    // acceptance-answer.spec.ts and quotation-acceptance.test.ts. A valid answer is final: only refused bodies here.
    route: 'POST /quotations/accept/:token',
    params: { token: { kind: 'name', value: (f) => f.ids.quotationToken } },
    noBody: 'a form body read by hand (no DTO); the cases below probe it',
    extra: (): ExtraCase[] => [
      { name: 'no action', json: { name: '赵志强', position: '部长' } },
      { name: 'an unknown action', json: { action: 'sign', name: '赵志强', position: '部长' } },
      { name: 'an acceptance without a position', json: { action: 'accept', name: '赵志强' } },
      { name: 'a decline without a reason', json: { action: 'decline', name: '赵志强' } },
      { name: 'no name', json: { action: 'accept', position: '部长' } },
      { name: 'a NUL in the name', json: { action: 'accept', name: 'a\u0000b', position: '部长' } },
      { name: 'a name that is an object', json: { action: 'accept', name: { $ne: '' }, position: '部长' } },
      { name: 'a name of 101 characters', json: { action: 'accept', name: 'x'.repeat(101), position: '部长' } },
      { name: 'a field the form does not have', json: { action: 'accept', name: 'a', position: 'b', total: '1' } },
      {
        name: 'a made-up token',
        path: '/quotations/accept/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
        json: { action: 'accept', name: 'a', position: 'b' },
        codes: null,
      },
    ],
  },

  {
    route: 'POST /api/statement-runs',
    body: {
      base: () => ({ from: addDays(today, -30), to: today, locale: 'zh-CN' }),
      fields: { from: date(), to: date(req), locale: en() },
    },
    extra: (): ExtraCase[] => [
      { name: 'a period ending before it starts', json: { from: today, to: addDays(today, -1) }, codes: null },
      { name: 'a period ending in the future', json: { to: addDays(today, 1) }, codes: null },
    ],
  },

  {
    route: 'POST /api/contracts/contact-lists',
    body: {
      base: () => ({
        audience: 'production',
        from: addDays(today, -30),
        to: today,
        statuses: ['active'],
        formats: ['pdf', 'docx'],
        mailTo: ['diaodu@example.com'],
      }),
      fields: {
        audience: en(req),
        from: date(),
        to: date(),
        statuses: { kind: 'enumArray', also: [{ name: 'a duplicate', value: ['active', 'active'] }] },
        formats: {
          kind: 'enumArray',
          also: [
            { name: 'no format', value: [] },
            { name: 'xlsx (not signed, not issued)', value: ['xlsx'] },
          ],
        },
        mailTo: {
          kind: 'array',
          also: [
            { name: 'no address', value: [] },
            { name: 'not an address', value: ['diaodu'] },
            { name: 'an address that is an object', value: [{ $ne: '' }] },
            { name: 'a header injection', value: ['a@b.cn\r\nBcc: x@evil.example'] },
            { name: '21 addresses', value: Array.from({ length: 21 }, (_, i) => `p${i}@example.com`) },
          ],
        },
      },
    },
    extra: (): ExtraCase[] => [
      { name: 'a period ending before it starts', json: { audience: 'finance', from: today, to: addDays(today, -1) } },
    ],
  },

  // ---- tenders
  { route: 'POST /api/tenders', body: { base: tenderBody, fields: TENDER } },
  {
    route: 'PATCH /api/tenders/:id',
    params: { id: uuidParam((f) => f.ids.tender) },
    body: { base: tenderBody, fields: optional(TENDER) },
  },
  {
    route: 'PUT /api/tenders/:id/selection',
    params: { id: uuidParam((f) => f.ids.tender) },
    body: {
      base: (f) => ({ qualificationIds: [f.ids.qualification], performanceIds: [f.ids.performance] }),
      fields: {
        qualificationIds: {
          kind: 'uuidArray',
          nullable: true,
          also: [{ name: 'an unknown id', value: ['6b3f3c52-7d5e-4a8e-9a0c-2f1d0e9b8a71'], codes: null }],
        },
        performanceIds: {
          kind: 'uuidArray',
          nullable: true,
          also: [{ name: 'an unknown id', value: ['6b3f3c52-7d5e-4a8e-9a0c-2f1d0e9b8a71'], codes: null }],
        },
      },
    },
  },
  {
    route: 'POST /api/tenders/:id/status',
    params: { id: uuidParam((f) => f.ids.tender) },
    body: {
      base: () => ({ status: 'cancelled', reason: '项目取消' }),
      fields: {
        status: en({ ...req, also: [{ name: 'a status only the builder sets', value: 'generated' }] }),
        reason: text(2000),
      },
    },
  },
  {
    // The tender has no package yet and is not ready for one: nothing renders even if a bad input slipped through.
    route: 'POST /api/tenders/:id/package',
    params: { id: uuidParam((f) => f.ids.tender) },
    query: WAIT_QUERY,
    body: {
      base: () => ({ override: { reason: '总经理同意' } }),
      fields: { override: { kind: 'object' }, 'override.reason': text(1000, { required: true, nonEmpty: true }) },
    },
  },
  {
    route: 'POST /api/tenders/:id/package/send',
    params: { id: uuidParam((f) => f.ids.tender) },
    body: {
      base: () => ({ parts: ['all'], formats: ['pdf'], version: 1 }),
      fields: {
        parts: {
          kind: 'enumArray',
          also: [
            { name: 'no part', value: [] },
            { name: 'a duplicate', value: ['all', 'all'] },
          ],
        },
        formats: { kind: 'enumArray', also: [{ name: 'no format', value: [] }] },
        version: int(1, 2147483647),
      },
    },
  },

  {
    route: 'PUT /api/tenders/:id/formats/:key',
    params: { id: uuidParam((f) => f.ids.tender), key: { kind: 'name', value: () => 'bid_letter' } },
    body: {
      base: () => ({ body: '<p class="indent">{{tender.buyer}}</p>' }),
      fields: {
        body: text(50_000, { required: true, nonEmpty: true }),
        title: text(200, { nonEmpty: true }),
        position: int(0, 50),
      },
    },
    extra: (f): ExtraCase[] => [
      { name: 'raw output', json: { body: '<p>{{{tender.buyer}}}</p>' }, codes: ['TEMPLATE_REFUSED'], status: 422 },
      {
        name: 'an element the DOCX cannot carry',
        json: { body: '<iframe></iframe>' },
        codes: ['TEMPLATE_REFUSED'],
        status: 422,
      },
      {
        name: 'an unclosed block',
        json: { body: '{{#if tender.lot}}<p>x</p>' },
        codes: ['TEMPLATE_REFUSED'],
        status: 422,
      },
      {
        name: 'a free section without title and position',
        path: `/api/tenders/${f.ids.tender}/formats/custom:pledge`,
        json: { body: '<p>x</p>' },
        codes: ['TENDER_FORMAT_INVALID'],
        status: 400,
      },
    ],
  },
  {
    route: 'DELETE /api/tenders/:id/formats/:key',
    params: { id: uuidParam((f) => f.ids.tender), key: { kind: 'name', value: () => 'bid_letter' } },
    noBody: "goes back to the company's format of the section the path names",
  },

  // ---- documents
  {
    // Only invalid requests are sent: none renders.
    route: 'POST /api/documents',
    query: WAIT_QUERY,
    body: {
      base: () => ({
        template: 'customer-statement',
        data: { customer: { name: '语料客户' } },
        formats: ['pdf'],
        sign: false,
        locale: 'zh-CN',
        subject: { type: 'customer', id: 'corpus' },
      }),
      fields: {
        template: code({ ...req, also: [{ name: 'an unknown template', value: 'no-such-template', codes: null }] }),
        data: { kind: 'data', required: true },
        formats: { kind: 'enumArray', also: [{ name: 'no format', value: [] }] },
        sign: bool(),
        locale: en(),
        subject: { kind: 'object' },
        'subject.type': code(req),
        'subject.id': text(64, req),
      },
    },
  },
  {
    route: 'POST /api/documents/verify',
    multipart: {
      file: () => ({ bytes: pdf, name: 'document.pdf', contentType: 'application/pdf' }),
      // VERIFY_LIMIT, which the test sets to UPLOAD_LIMIT's value.
      maxBytes: UPLOAD_LIMIT,
      wrongTypeCodes: [],
      names: 'in-route',
    },
  },
  {
    // The body is the template's free-form data: field mutations do not apply. format=html: nothing renders a PDF.
    route: 'POST /api/templates/:type/preview',
    params: { type: { kind: 'name', value: () => 'customer-statement' } },
    query: {
      base: { format: 'html' },
      fields: { format: { kind: 'enum' }, locale: { kind: 'enum' }, recordId: { kind: 'uuid' } },
    },
    noBody: "the body is the template's free-form data (any object)",
    skip: { 'empty body': 'no body previews sample.json' },
    extra: (f): ExtraCase[] => [
      ...recordPreviewCases(f),
      { name: 'data nested 1000 deep', json: { customer: nested(1000) } },
      {
        name: 'a __proto__ key in the data',
        raw: { contentType: 'application/json', body: '{"customer":{"__proto__":{"polluted":true}}}' },
      },
      { name: 'an unknown template', path: '/api/templates/no-such-template/preview', json: {}, codes: null },
    ],
  },
  // Reminders (#21)
  { route: 'POST /api/reminders/run', noBody: "runs today's reminders; it takes nothing" },
  {
    route: 'PUT /api/reminders/opt-outs/customers/:id',
    params: { id: uuidParam((f) => f.ids.customer) },
    body: { base: () => ({ optedOut: true }), fields: { optedOut: bool({ required: true }) } },
  },
  {
    route: 'PUT /api/reminders/opt-outs/me',
    body: { base: () => ({ optedOut: true }), fields: { optedOut: bool({ required: true }) } },
  },
  // Dunning letters (#21). The customer has nothing overdue: a valid letter request is a 409 (nothing is written).
  {
    route: 'POST /api/dunning/letters',
    body: {
      base: (f) => ({ customerId: f.ids.customer, locale: 'zh-CN' }),
      fields: { customerId: uuid({ ...req, ref: true }), locale: en() },
    },
  },
  {
    route: 'POST /api/dunning/run',
    body: { base: () => ({ locale: 'zh-CN' }), fields: { locale: en() } },
  },
  // The template store (#19): a draft of the statement's template; every case below is refused before it changes it.
  {
    route: 'POST /api/templates/:type/drafts',
    as: 'backoffice',
    params: { type: TEMPLATE_TYPE },
    body: {
      base: () => ({ locale: 'zh-CN', from: 'built-in' }),
      fields: { locale: en(req), from: code(), note: text(2000) },
    },
  },
  {
    route: 'POST /api/templates/:type/drafts/import-docx',
    as: 'backoffice',
    params: { type: TEMPLATE_TYPE },
    multipart: {
      file: () => ({
        bytes: readFileSync(new URL('../../fixtures/word/bid-letter.docx', import.meta.url)),
        name: '投标函.docx',
        contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      }),
      fields: { locale: 'zh-CN' },
      fieldSpecs: { locale: 'enum' },
      maxBytes: UPLOAD_LIMIT,
      wrongTypeCodes: ['WORD_IMPORT_UNREADABLE'],
      names: { unused: "the file name goes only into the new draft's note, never into a path" },
    },
  },
  {
    route: 'PUT /api/templates/:type/drafts/:id',
    as: 'backoffice',
    params: { type: TEMPLATE_TYPE, id: uuidParam((f) => f.ids.templateDraft) },
    body: {
      base: () => ({ files: { 'template.hbs': '<p>{{customer.name}}</p>' }, note: '语料' }),
      fields: { files: { kind: 'object', required: true }, note: text(2000) },
      exempt: {
        files:
          'its keys are file names with a dot (template.hbs), which field paths cannot name; unknown names, {{{ }}} and ' +
          'syntax errors are refused in test/e2e/template-store.test.ts',
      },
    },
  },
  {
    route: 'DELETE /api/templates/:type/drafts/:id',
    params: { type: TEMPLATE_TYPE, id: uuidParam((f) => f.ids.templateDraft) },
    noBody: 'deletes the draft named by the path',
  },
  {
    route: 'POST /api/templates/:type/drafts/:id/preview',
    params: { type: TEMPLATE_TYPE, id: uuidParam((f) => f.ids.templateDraft) },
    query: {
      base: { format: 'html' },
      fields: { format: { kind: 'enum' }, sample: { kind: 'enum' }, recordId: { kind: 'uuid' } },
    },
    noBody: "the body is the template's free-form data (any object)",
    skip: { 'empty body': 'no body previews the sample' },
    extra: (f): ExtraCase[] => [
      ...recordPreviewCases(f),
      {
        name: 'a record and a sample',
        query: { format: 'html', sample: 'sample', recordId: f.ids.quotationDraft },
        codes: ['TEMPLATE_PREVIEW_SOURCE_CONFLICT'],
      },
    ],
  },
  {
    route: 'POST /api/templates/:type/drafts/:id/publish',
    params: { type: TEMPLATE_TYPE, id: uuidParam((f) => f.ids.templateDraft) },
    noBody: NOT_STATE,
  },
  {
    route: 'POST /api/templates/:type/versions/:id/restore',
    params: { type: TEMPLATE_TYPE, id: uuidParam((f) => f.ids.templateDraft) },
    // Not empty: the __proto__ probes are spliced in after the opening brace.
    body: { base: () => ({ note: '恢复' }), fields: { note: text(2000) } },
  },
  {
    route: 'POST /api/templates/:type/reset',
    params: { type: TEMPLATE_TYPE },
    query: { base: { locale: 'zh-CN' }, fields: { locale: { kind: 'enum' } } },
    noBody: NOT_STATE,
  },
  {
    // No such message: a bad id is refused before any lookup, a good one is a 404, nothing is sent either way.
    route: 'POST /api/outbox/:id/retry',
    params: { id: uuidParam(() => '00000000-0000-4000-8000-00000000abcd') },
    noBody: NOT_STATE,
  },
];

/**
 * The writes of versioned records (#14) take If-Match: one that is no ETag of ours is refused (400 INVALID_IF_MATCH),
 * a stale one too (412 STALE_RECORD: no record is at version 999999), both with an otherwise valid body.
 */
const VERSIONED_WRITES = new Set([
  'PATCH /api/customers/:id',
  'PATCH /api/products/:id',
  'PATCH /api/qualifications/:id',
  'PATCH /api/performance/:id',
  'PUT /api/company',
  'PATCH /api/company',
  'PATCH /api/tenders/:id',
  'PUT /api/tenders/:id/formats/:key',
  'PATCH /api/quotations/:id',
  'PATCH /api/contracts/:id',
  'PUT /api/templates/:type/drafts/:id',
]);
for (const entry of CORPUS) {
  if (!VERSIONED_WRITES.has(entry.route) || !entry.body) continue;
  const { extra, body } = entry;
  entry.extra = (f) => [
    ...(extra?.(f) ?? []),
    {
      name: 'If-Match that is no ETag',
      json: body.base(f),
      headers: { 'If-Match': 'v1' },
      codes: ['INVALID_IF_MATCH'],
    },
    {
      name: 'stale If-Match',
      json: body.base(f),
      headers: { 'If-Match': 'W/"999999"' },
      codes: ['STALE_RECORD'],
      status: 412,
    },
  ];
}

/**
 * Sheets every import refuses as a whole, sent for real (not as a dry run): a valid row with one cell made hostile.
 * `textCol` is a free-text column, `requiredCol` one that must not be blank.
 */
function importExtras(header: string, valid: string[], textCol: number, requiredCol: number): ExtraCase[] {
  const file = (body: string | Buffer) => ({
    files: [{ field: 'file', bytes: Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8'), name: 'corpus.csv' }],
  });
  const withCell = (col: number, value: string) => valid.map((v, i) => (i === col ? value : v)).join(',');
  const real = { dryRun: 'false' };
  const sheet = (name: string, body: string | Buffer, code: string): ExtraCase => ({
    name,
    query: real,
    multipart: file(body),
    codes: [code],
  });
  return [
    sheet('a header only', `${header}\n`, 'IMPORT_EMPTY'),
    sheet('an empty file', '', 'IMPORT_EMPTY'),
    sheet('blank lines only', '\n\n \n', 'IMPORT_EMPTY'),
    sheet('an unknown column', `${header},颜色\n${valid.join(',')},红\n`, 'IMPORT_INVALID'),
    sheet('a NUL byte in a cell', `${header}\n${withCell(textCol, '语料\u0000导入')}\n`, 'IMPORT_INVALID'),
    sheet('a 100 kB cell', `${header}\n${withCell(textCol, 'x'.repeat(100_000))}\n`, 'IMPORT_INVALID'),
    sheet('a blank required cell', `${header}\n${withCell(requiredCol, '')}\n`, 'IMPORT_INVALID'),
    sheet(
      'an unterminated quote',
      `${header}\n${withCell(textCol, '"语料')}\n${valid.join(',')}\n`,
      'IMPORT_UNREADABLE',
    ),
    sheet('binary garbage', Buffer.from(Array.from({ length: 2000 }, (_, i) => (i * 7919) % 251)), 'IMPORT_INVALID'),
  ];
}

/** A PNG without an alpha channel (RGB, colour type 2). */
function opaquePng(): Buffer {
  const png = smallPng();
  // colour type byte of IHDR: signature (8) + length (4) + "IHDR" (4) + width (4) + height (4) + depth (1)
  const copy = Buffer.from(png);
  copy[8 + 4 + 4 + 8 + 1] = 2;
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(copy.subarray(12, 12 + 4 + 13)));
  crc.copy(copy, 12 + 4 + 13);
  return copy;
}

/** Strings a free-text field keeps verbatim: accepted as plain text, never executed. */
export const PLAIN_TEXT_INJECTIONS = [
  SQL_INJECTION,
  ...TEMPLATE_INJECTIONS,
  '<script>alert(1)</script>',
  '{{#each this}}{{this}}{{/each}}',
];

// ---------------------------------------------------------------- the records the routes act on

export interface FixtureHttp {
  adminToken: string;
  user(roles: string[], name: string): Promise<{ id: string; token: string }>;
  json(
    token: string,
    method: 'get' | 'post' | 'put' | 'patch',
    path: string,
    body?: object,
  ): Promise<{ status: number; body: any }>; // eslint-disable-line @typescript-eslint/no-explicit-any
  upload(
    token: string,
    path: string,
    file: FilePart,
    fields?: Record<string, string>,
  ): Promise<{ status: number; body: any }>; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** The text of the outbox messages about a record (a link's token exists in clear only there). */
  mailText(subjectType: string, subjectId: string): Promise<string>;
}

/** Makes, through the API, one record in each state a corpus route needs. */
export async function buildFixtures(http: FixtureHttp): Promise<Fixtures> {
  const admin = http.adminToken;
  const must = async (
    what: string,
    status: number,
    p: Promise<{ status: number; body: { id?: string } & Record<string, unknown> }>,
  ) => {
    const res = await p;
    if (res.status !== status) throw new Error(`fixture ${what}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  const sales = await http.user(['sales'], 'corpus.sales');
  const finance = await http.user(['finance'], 'corpus.finance');
  const manager = await http.user(['manager'], 'corpus.manager');
  const backoffice = await http.user(['backoffice'], 'corpus.backoffice');
  const victim = await http.user(['production'], 'corpus.victim');
  const victimTokens = (await must(
    'tokens',
    200,
    http.json(admin, 'get', `/api/users/${victim.id}/tokens`),
  )) as unknown as { id: string }[];

  const f: Fixtures = {
    tokens: { admin, sales: sales.token, finance: finance.token, manager: manager.token, backoffice: backoffice.token },
    ids: { salesUser: sales.id, victimUser: victim.id, victimToken: victimTokens[0].id } as Fixtures['ids'],
  };
  await must('company', 200, http.json(admin, 'put', '/api/company', companyBody() as object));
  f.ids.customer = (
    await must('customer', 201, http.json(admin, 'post', '/api/customers', customerBody(f) as object))
  ).id!;
  f.ids.product = (await must('product', 201, http.json(admin, 'post', '/api/products', productBody() as object))).id!;
  f.ids.templateDraft = (
    await must(
      'template draft',
      201,
      http.json(admin, 'post', '/api/templates/customer-statement/drafts', { locale: 'zh-CN', from: 'built-in' }),
    )
  ).id!;
  f.ids.qualification = (
    await must('qualification', 201, http.json(admin, 'post', '/api/qualifications', qualificationBody() as object))
  ).id!;
  f.ids.scan = (
    await must(
      'scan',
      201,
      http.upload(admin, `/api/qualifications/${f.ids.qualification}/scans`, { bytes: pdf, name: 'scan.pdf' }),
    )
  ).id!;
  f.ids.performance = (
    await must('performance', 201, http.json(admin, 'post', '/api/performance', performanceBody() as object))
  ).id!;
  f.ids.proof = (
    await must(
      'proof',
      201,
      http.upload(
        admin,
        `/api/performance/${f.ids.performance}/proofs`,
        { bytes: pdf, name: 'proof.pdf' },
        { kind: 'invoice' },
      ),
    )
  ).id!;

  const quotation = async (stopAt: 'draft' | 'submitted' | 'sent' | 'accepted') => {
    const id = (await must('quotation', 201, http.json(admin, 'post', '/api/quotations', quotationBody(f) as object)))
      .id!;
    const steps = (['submit', 'approve', 'send', 'accept'] as const).slice(
      0,
      { draft: 0, submitted: 1, sent: 3, accepted: 4 }[stopAt],
    );
    for (const step of steps)
      await must(`quotation ${step}`, 200, http.json(admin, 'post', `/api/quotations/${id}/${step}`, {}));
    return id;
  };
  f.ids.quotationDraft = await quotation('draft');
  f.ids.quotationSubmitted = await quotation('submitted');
  f.ids.quotationSent = await quotation('sent');
  const linked = await quotation('submitted');
  await must('quotation approve', 200, http.json(admin, 'post', `/api/quotations/${linked}/approve`, {}));
  await must(
    'quotation send with link',
    200,
    http.json(admin, 'post', `/api/quotations/${linked}/send`, { sendTo: 'shebei@example.com' }),
  );
  const link = /\/quotations\/accept\/([A-Za-z0-9_-]{43})/.exec(await http.mailText('quotation', linked))?.[1];
  if (!link) throw new Error('fixture quotation link: no link in the mail');
  f.ids.quotationToken = link;
  const accepted = await quotation('accepted');

  const { number: _number, ...handMade } = contractBody(f) as Record<string, Json>;
  f.ids.contractDraft = (await must('draft contract', 201, http.json(admin, 'post', '/api/contracts', handMade))).id!;
  f.ids.contractApproved = (
    await must(
      'contract',
      201,
      http.json(admin, 'post', '/api/contracts', { quotationId: accepted, signingDate: today }),
    )
  ).id!;
  const review = await must(
    'review',
    200,
    http.json(admin, 'post', `/api/contracts/${f.ids.contractApproved}/review`, {}),
  );
  if (review.status !== 'approved') throw new Error(`fixture review: ${JSON.stringify(review)}`);
  f.ids.change = (
    await must(
      'change',
      201,
      http.json(admin, 'post', `/api/contracts/${f.ids.contractApproved}/changes`, {
        operations: [{ op: 'remove', line: 2 }],
        reason: '客户要求',
      }),
    )
  ).id!;
  f.ids.payment = (
    await must(
      'payment',
      201,
      http.json(admin, 'post', '/api/payments', {
        customerId: f.ids.customer,
        date: today,
        amount: '500.00',
        method: 'bank_transfer',
        nature: 'other',
      }),
    )
  ).id!;
  f.ids.tender = (await must('tender', 201, http.json(admin, 'post', '/api/tenders', tenderBody(f) as object))).id!;
  f.ids.invoice = (
    await must(
      'invoice',
      201,
      http.json(admin, 'post', '/api/invoices', {
        number: 'FP-CORPUS-0',
        customerId: f.ids.customer,
        contractId: f.ids.contractApproved,
        date: today,
        amount: '113.00',
        tax: '13.00',
      }),
    )
  ).id!;
  f.ids.delivery = (
    await must('delivery', 201, http.json(f.tokens.manager, 'post', '/api/deliveries', deliveryBody(f) as object))
  ).id!;
  const statement = await must(
    'statement',
    201,
    http.json(admin, 'post', `/api/customers/${f.ids.customer}/statements`, {}),
  );
  f.ids.statementToken = String(statement.confirmationUrl).split('/').pop()!;
  return f;
}

function deliveryBody(f: Fixtures): Json {
  return {
    contractId: f.ids.contractApproved,
    items: [{ line: 1, qty: '1' }],
    shipDate: today,
    estimatedArrival: addDays(today, 3),
    consignee: '王工',
    address: '山东省滨州市无棣县鲁北工业园',
    contactPhone: '0543-6451208',
    customerEmail: 'wang@lubei.example.cn',
    carrier: '德邦物流',
    driverName: '张师傅',
    driverPhone: '13800000000',
    licencePlate: '苏E12345',
    remarks: '轻放',
    override: { reason: '总经理特批' },
  };
}
