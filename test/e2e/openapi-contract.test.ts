import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApp, type TestApp } from '../support/app.js';

/**
 * Issue #18: every route declares its answer, so that /docs-json describes every response and the console's
 * types can be generated from it instead of restating statuses and role rules by hand.
 */

type Schema = {
  $ref?: string;
  allOf?: Schema[];
  oneOf?: Schema[];
  type?: string;
  nullable?: boolean;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  additionalProperties?: boolean | Schema;
  enum?: unknown[];
};
type Response = { content?: Record<string, { schema?: Schema }>; headers?: Record<string, unknown> };
type Operation = { responses?: Record<string, Response> };
type OpenApi = { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, Schema> } };

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

/** The operations none of whose success answers (2xx/3xx) says what it is: no schema, no content type. */
function undescribedOperations(doc: OpenApi): string[] {
  const missing: string[] = [];
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      if (!METHODS.includes(method)) continue;
      const described = Object.entries(op.responses ?? {}).some(([code, res]) => {
        if (!/^[23]\d\d$/.test(code)) return false;
        if (code === '204') return true; // No Content has nothing to describe.
        if (code.startsWith('3')) return res.headers?.Location !== undefined;
        return Object.values(res.content ?? {}).some((media) => media.schema !== undefined);
      });
      if (!described) missing.push(`${method.toUpperCase()} ${path}`);
    }
  }
  return missing;
}

/**
 * Where a real JSON answer and its schema disagree: a key the schema does not declare, a required key the
 * answer lacks, a value of another type than declared. Walks objects and arrays; $ref and allOf resolved.
 */
function mismatches(doc: OpenApi, schema: Schema, value: unknown, at = '$'): string[] {
  // A nullable reference is written { nullable: true, allOf: [{ $ref }] } (or with $ref beside nullable).
  if (value === null && schema.nullable) return [];
  if (schema.$ref) return mismatches(doc, doc.components.schemas[schema.$ref.split('/').pop()!], value, at);
  if (schema.allOf) {
    const merged: Schema = { type: 'object', properties: {}, required: [] };
    for (const part of schema.allOf) {
      const s = part.$ref ? doc.components.schemas[part.$ref.split('/').pop()!] : part;
      Object.assign(merged.properties!, s.properties);
      merged.required!.push(...(s.required ?? []));
    }
    return mismatches(doc, merged, value, at);
  }
  if (schema.oneOf) {
    const fits = schema.oneOf.some((s) => mismatches(doc, s, value, at).length === 0);
    return fits ? [] : [`${at}: fits none of oneOf`];
  }
  if (value === null) return schema.nullable ? [] : [`${at}: null, but not nullable`];
  if (schema.enum && !schema.enum.includes(value)) return [`${at}: ${JSON.stringify(value)} not in the enum`];
  const type = schema.type ?? (schema.properties ? 'object' : undefined);
  if (type === 'array') {
    if (!Array.isArray(value)) return [`${at}: not an array`];
    return value.flatMap((v, i) => (schema.items ? mismatches(doc, schema.items, v, `${at}[${i}]`) : []));
  }
  if (type === 'object') {
    if (typeof value !== 'object' || Array.isArray(value)) return [`${at}: not an object`];
    const record = value as Record<string, unknown>;
    if (!schema.properties) return []; // A free-form object (details, a template's data).
    const problems: string[] = [];
    for (const key of Object.keys(record)) {
      const prop = schema.properties[key];
      if (!prop) problems.push(`${at}.${key}: not declared`);
      else problems.push(...mismatches(doc, prop, record[key], `${at}.${key}`));
    }
    for (const key of schema.required ?? []) if (!(key in record)) problems.push(`${at}.${key}: required, missing`);
    return problems;
  }
  if (type === 'integer' || type === 'number')
    return typeof value === 'number' ? [] : [`${at}: ${JSON.stringify(value)} is not a number`];
  if (type === 'string') return typeof value === 'string' ? [] : [`${at}: ${JSON.stringify(value)} is not a string`];
  if (type === 'boolean') return typeof value === 'boolean' ? [] : [`${at}: ${JSON.stringify(value)} is not a boolean`];
  return [];
}

describe('the OpenAPI contract: every route declares its answer', () => {
  let t: TestApp;
  let doc: OpenApi;

  beforeAll(async () => {
    t = await startTestApp('openapi');
    const res = await t.http().get('/docs-json');
    expect(res.status).toBe(200);
    doc = res.body as OpenApi;
  });
  afterAll(async () => {
    await t?.close();
  });

  /** The schema of the success answer of `method path`, as documented. */
  function documented(method: string, path: string, status: string): Schema {
    const res = doc.paths[path]?.[method]?.responses?.[status];
    const schema = res?.content?.['application/json']?.schema;
    if (!schema) throw new Error(`${method.toUpperCase()} ${path} documents no JSON ${status} answer`);
    return schema;
  }

  /** Checks a real answer against its documented schema; returns the answer's body. */
  async function conforms(method: 'get' | 'post' | 'put' | 'patch', path: string, docPath: string, body?: object) {
    let req = t.http()[method](path).auth(t.adminToken, { type: 'bearer' });
    if (body) req = req.send(body);
    const res = await req;
    expect(res.status).toBeLessThan(300);
    expect(mismatches(doc, documented(method, docPath, String(res.status)), res.body)).toEqual([]);
    return res.body as Record<string, unknown>;
  }

  it('finds a success answer with a schema or a content type on every operation (204 and redirects excepted)', () => {
    expect(Object.keys(doc.paths).length).toBeGreaterThan(80);
    expect(undescribedOperations(doc)).toEqual([]);
  });

  it('would fail on a route without one', () => {
    const bare: OpenApi = {
      paths: {
        '/a': { get: { responses: { '200': { content: {} } } } },
        '/b': { post: { responses: { '201': { content: { 'application/json': { schema: { type: 'object' } } } } } } },
        '/c': { delete: { responses: { '204': {} } } },
        '/d': { get: { responses: { '302': {} } } },
      },
      components: { schemas: {} },
    };
    expect(undescribedOperations(bare)).toEqual(['GET /a', 'GET /d']);
  });

  it("describes a customer as GET /api/customers/{id} answers it: the answer's keys are the DTO's properties", async () => {
    const created = await conforms('post', '/api/customers', '/api/customers', {
      name: '青澜钢铁集团有限公司',
      taxId: '91320500MA1W8K7C2W',
      contacts: [{ name: '刘芳', email: 'liu.fang@qinglan-steel.example', billing: true }],
    });
    const got = await conforms('get', `/api/customers/${String(created.id)}`, '/api/customers/{id}');
    const schema = doc.components.schemas[documented('get', '/api/customers/{id}', '200').$ref!.split('/').pop()!];
    expect(Object.keys(got).sort()).toEqual(Object.keys(schema.properties!).sort());
    await conforms('get', '/api/customers', '/api/customers');
  });

  it('describes a product, users, tokens, the company profile, templates, audit and health as they are answered', async () => {
    const product = await conforms('post', '/api/products', '/api/products', {
      code: 'NDM-137',
      nameZh: '核子密度计',
      unit: '套',
      listPrice: '198000.00',
      floorPrice: '165000.00',
    });
    await conforms('get', `/api/products/${String(product.id)}`, '/api/products/{id}');
    await conforms('get', '/api/products', '/api/products');
    await conforms('get', '/api/users/me', '/api/users/me');
    await conforms('get', '/api/users', '/api/users');
    await conforms('put', '/api/company', '/api/company', {
      legalNameZh: '华东智能仪表有限公司',
      creditCode: '91320500MA1W8K7C2W',
      bankAccounts: [
        { bankName: '中国工商银行', accountName: '华东智能仪表有限公司', accountNumber: '1102 0206 0900 1234 567' },
      ],
    });
    await conforms('get', '/api/company', '/api/company');
    await conforms('get', '/api/me/tokens', '/api/me/tokens');
    await conforms('get', '/api/me/totp', '/api/me/totp');
    await conforms('get', '/api/outbox', '/api/outbox');
    // Not /health or /health/ready: they check the browser, which may be down on a test machine (503).
    await conforms('get', '/health/live', '/health/live');
    await conforms('get', '/api/auth/session', '/api/auth/session');
    await conforms('get', '/api/templates', '/api/templates');
    await conforms('get', '/api/audit', '/api/audit');
  });
});
