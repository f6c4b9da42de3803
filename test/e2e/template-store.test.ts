import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApp, type TestApp } from '../support/app.js';
import { tableChecksums } from '../support/table-checksums.js';
import { pdfText, squash } from '../support/tools.js';

/**
 * Issue #19, the template store: the customer statement's zh-CN template drafted from the built-in, a clause and the
 * letterhead's CSS changed, previewed, published; statements issued through the real API (PostgreSQL, Chromium)
 * record the override's version and print its text; the built-in and the older version restored and issued again.
 */

const TYPE = 'customer-statement';
const BUILT_IN_META = readFileSync(`templates/${TYPE}/meta.json`, 'utf8');
const BUILT_IN_TEMPLATE = readFileSync(`templates/${TYPE}/template.hbs`, 'utf8');
const OLD_CLAUSE = '现将贵司与我司在上述期间的往来明细及余额列示如下';
const NEW_CLAUSE = '本对账单经贵司盖章确认后作为双方债权债务的结算依据';
const LETTERHEAD_CSS = '\n.letterhead-name { color: #8b0000; font-size: 22pt; }\n';
const PROFILE = {
  legalNameZh: '华东智能仪表有限公司',
  creditCode: '91350100M000100Y43',
  addressZh: '江苏省苏州市吴中区仪表产业园科技路88号',
};

const binary = (
  res: { on: (e: string, cb: (chunk?: Buffer) => void) => void },
  cb: (err: Error | null, body: Buffer) => void,
) => {
  const chunks: Buffer[] = [];
  res.on('data', (c?: Buffer) => chunks.push(c!));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
};

interface VersionView {
  id: string;
  number: number;
  status: string;
  hash: string;
  renderVersion: string;
  basedOn: string;
  restoredFrom: string | null;
  version: number;
  files: Record<string, string>;
}

describe('the template store (issue #19)', () => {
  let t: TestApp;
  const tokens: Record<string, string> = {};
  let customerId = '';
  let builtInVersion = '';
  let draft: VersionView;

  const as = (role: string) => {
    const token = tokens[role]!;
    return {
      get: (path: string) => t.http().get(path).auth(token, { type: 'bearer' }),
      post: (path: string) => t.http().post(path).auth(token, { type: 'bearer' }),
      put: (path: string) => t.http().put(path).auth(token, { type: 'bearer' }),
      file: (path: string) => t.http().get(path).auth(token, { type: 'bearer' }).buffer(true).parse(binary),
      render: (path: string) => t.http().post(path).auth(token, { type: 'bearer' }).buffer(true).parse(binary),
    };
  };

  /** A statement issued through the statements workflow: the template version its document recorded, and its PDF. */
  const issueStatement = async (): Promise<{ templateVersion: string; text: string }> => {
    const res = await as('finance').post(`/api/customers/${customerId}/statements`).send({ asOf: '2026-06-30' });
    expect({ status: res.status, body: res.status === 201 ? null : res.body }).toEqual({ status: 201, body: null });
    const statement = res.body.statement as { id: string; document: { id: string } };
    const doc = await as('finance').get(`/api/documents/${statement.document.id}`);
    expect(doc.status).toBe(200);
    const pdf = (await as('finance').file(`/api/statements/${statement.id}/file?format=pdf`)).body as Buffer;
    return {
      templateVersion: (doc.body.versions[0].templateVersions as Record<string, string>)[TYPE]!,
      text: squash(await pdfText(pdf)),
    };
  };

  const auditOf = (action: string) =>
    t.db.query<{ entity_id: string; actor_name: string; details: Record<string, unknown> }>(
      'SELECT entity_id, actor_name, details FROM audit_log WHERE action = $1 ORDER BY id',
      [action],
    );

  beforeAll(async () => {
    t = await startTestApp('template-store');
    tokens.admin = t.adminToken;
    for (const role of ['backoffice', 'manager', 'finance', 'sales', 'production']) {
      tokens[role] = (await t.userWith([role], `${role}-user`)).token;
    }
    expect((await as('backoffice').put('/api/company').send(PROFILE)).status).toBe(200);
    const customer = await as('backoffice')
      .post('/api/customers')
      .send({ name: '青澜钢铁集团有限公司', address: '江苏省苏州市', contacts: [{ name: '钱会计', billing: true }] });
    expect(customer.status).toBe(201);
    customerId = customer.body.id as string;
    const list = await as('sales').get('/api/templates');
    builtInVersion = (list.body as { type: string; version: string }[]).find((x) => x.type === TYPE)!.version;
  }, 120_000);

  afterAll(async () => {
    await t?.close();
  });

  it('issues with the built-in template before anything is published', async () => {
    const issued = await issueStatement();
    expect(issued.templateVersion).toBe(builtInVersion);
    expect(issued.text).toContain(OLD_CLAUSE);
  }, 60_000);

  it('drafts the statement from the built-in, refuses template mistakes with line and column, saves a change', async () => {
    const created = await as('backoffice')
      .post(`/api/templates/${TYPE}/drafts`)
      .send({ locale: 'zh-CN', from: 'built-in', note: '新条款与红色抬头' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      type: TYPE,
      locale: 'zh-CN',
      number: 1,
      status: 'draft',
      basedOn: builtInVersion,
      note: '新条款与红色抬头',
      createdBy: { name: 'backoffice-user' },
      publishedBy: null,
    });
    expect(created.body.files['template.hbs']).toBe(BUILT_IN_TEMPLATE);
    expect(created.body.files['meta.json']).toBe(BUILT_IN_META);
    draft = created.body;
    const url = `/api/templates/${TYPE}/drafts/${draft.id}`;
    const files = draft.files;
    const before = await tableChecksums(t.db, ['api_tokens']);

    // A hash argument without a value on line 3: the parser stops at the `}}` (column 24).
    const broken = { ...files, 'template.hbs': '<h1>{{@title}}</h1>\n<p>ok</p>\n<p>{{customer.name bar=}}</p>\n' };
    const syntax = await as('backoffice').put(url).send({ files: broken });
    expect(syntax.status).toBe(422);
    expect(syntax.body.error.code).toBe('TEMPLATE_ERROR');
    expect(syntax.body.error.details).toMatchObject({ file: 'template.hbs', line: 3, column: 24 });

    const raw = { ...files, 'template.hbs': '<h1>{{@title}}</h1>\n<p>{{{customer.name}}}</p>\n' };
    const triple = await as('backoffice').put(url).send({ files: raw });
    expect(triple.status).toBe(422);
    expect(triple.body.error).toMatchObject({
      code: 'TEMPLATE_ERROR',
      details: { file: 'template.hbs', line: 2, column: 4 },
    });
    expect(triple.body.error.details.reason).toMatch(/unescaped output/);

    const unknownFile = await as('backoffice')
      .put(url)
      .send({ files: { ...files, 'script.js': 'alert(1)' } });
    expect(unknownFile.status).toBe(400);
    expect(unknownFile.body.error.code).toBe('VALIDATION_FAILED');
    expect(await tableChecksums(t.db, ['api_tokens'])).toEqual(before);

    const changed = {
      ...files,
      'meta.json': BUILT_IN_META.replace(OLD_CLAUSE, NEW_CLAUSE),
      'styles.css': files['styles.css'] + LETTERHEAD_CSS,
    };
    expect(changed['meta.json']).not.toBe(BUILT_IN_META);
    const saved = await as('backoffice').put(url).set('If-Match', `W/"${draft.version}"`).send({ files: changed });
    expect(saved.status).toBe(200);
    expect(saved.headers.etag).toBe(`W/"${draft.version + 1}"`);
    expect(saved.body.hash).not.toBe(draft.hash);
    expect(saved.body.files).toEqual(changed);
    // Someone else's stale copy is refused.
    const stale = await as('manager').put(url).set('If-Match', `W/"${draft.version}"`).send({ files });
    expect(stale.status).toBe(412);
    draft = saved.body;
  }, 60_000);

  it('previews the draft on the sample: the new clause in the PDF, the CSS in the HTML, nothing stored', async () => {
    const before = await tableChecksums(t.db, ['api_tokens']);
    const pdf = await as('backoffice').render(`/api/templates/${TYPE}/drafts/${draft.id}/preview?format=pdf`).send();
    expect(pdf.status).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.headers['x-template-version']).toBe(draft.renderVersion);
    expect(draft.renderVersion).not.toBe(builtInVersion);
    const text = squash(await pdfText(pdf.body as Buffer));
    expect(text).toContain(NEW_CLAUSE);
    expect(text).not.toContain(OLD_CLAUSE);

    const html = await as('backoffice').render(`/api/templates/${TYPE}/drafts/${draft.id}/preview?format=html`).send();
    expect((html.body as Buffer).toString('utf8')).toContain('.letterhead-name { color: #8b0000; font-size: 22pt; }');

    // Until it is published, documents and the type's own preview keep the built-in.
    const current = await as('backoffice').render(`/api/templates/${TYPE}/preview?format=html`).send();
    expect(current.headers['x-template-version']).toBe(builtInVersion);
    expect((current.body as Buffer).toString('utf8')).not.toContain(NEW_CLAUSE);
    expect(await tableChecksums(t.db, ['api_tokens'])).toEqual(before);
  }, 60_000);

  it('lets a sales user read the versions but not publish, and a refused publish changes nothing', async () => {
    const before = await tableChecksums(t.db, ['api_tokens']);
    const publish = await as('sales').post(`/api/templates/${TYPE}/drafts/${draft.id}/publish`);
    expect(publish.status).toBe(403);
    expect(publish.body.error.code).toBe('FORBIDDEN');
    const drafting = await as('production').post(`/api/templates/${TYPE}/drafts`).send({ locale: 'zh-CN' });
    expect(drafting.status).toBe(403);
    expect(await tableChecksums(t.db, ['api_tokens'])).toEqual(before);

    const read = await as('sales').get(`/api/templates/${TYPE}/versions?locale=zh-CN`);
    expect(read.status).toBe(200);
    expect(read.body.active).toEqual({ id: null, renderVersion: builtInVersion });
    expect(read.body.versions).toEqual([expect.objectContaining({ id: draft.id, status: 'draft' })]);
  });

  it('publishes (audited): a statement issued through the API records the override and prints the new clause', async () => {
    const published = await as('manager').post(`/api/templates/${TYPE}/drafts/${draft.id}/publish`);
    expect(published.status).toBe(200);
    expect(published.body).toMatchObject({ id: draft.id, status: 'published', publishedBy: { name: 'manager-user' } });
    const audit = await auditOf('template.publish');
    expect(audit).toEqual([
      expect.objectContaining({
        entity_id: draft.id,
        actor_name: 'manager-user',
        details: expect.objectContaining({ type: TYPE, locale: 'zh-CN', hash: draft.hash }),
      }),
    ]);

    const issued = await issueStatement();
    expect(issued.templateVersion).toBe(draft.renderVersion);
    expect(issued.templateVersion).not.toBe(builtInVersion);
    expect(issued.text).toContain(NEW_CLAUSE);
    expect(issued.text).not.toContain(OLD_CLAUSE);

    // The version a document recorded leads back to the stored version.
    const found = await as('sales').get(`/api/templates/versions/by-hash/${issued.templateVersion}`);
    expect(found.status).toBe(200);
    expect(found.body).toEqual([expect.objectContaining({ id: draft.id, files: draft.files })]);

    // A published version never changes.
    const edit = await as('backoffice')
      .put(`/api/templates/${TYPE}/drafts/${draft.id}`)
      .send({ files: { 'template.hbs': '<p>x</p>' } });
    expect(edit.status).toBe(409);
    expect(edit.body.error.code).toBe('TEMPLATE_VERSION_NOT_DRAFT');

    // Only zh-CN was overridden: the English statement keeps the built-in.
    const en = await as('backoffice').render(`/api/templates/${TYPE}/preview?format=html&locale=en`).send();
    expect(en.headers['x-template-version']).toBe(builtInVersion);
  }, 60_000);

  it('shows the change as a unified diff per file', async () => {
    const res = await as('sales').get(`/api/templates/${TYPE}/diff?from=built-in&to=${draft.id}`);
    expect(res.status).toBe(200);
    const byFile = Object.fromEntries(
      (res.body.files as { file: string; changed: boolean; patch: string }[]).map((f) => [f.file, f]),
    );
    expect(byFile['template.hbs']).toEqual({ file: 'template.hbs', changed: false, patch: '' });
    expect(byFile['meta.json']!.changed).toBe(true);
    expect(byFile['meta.json']!.patch).toMatch(new RegExp(`^-.*${OLD_CLAUSE}`, 'm'));
    expect(byFile['meta.json']!.patch).toMatch(new RegExp(`^\\+.*${NEW_CLAUSE}`, 'm'));
    expect(byFile['styles.css']!.patch).toContain('+.letterhead-name { color: #8b0000; font-size: 22pt; }');
  });

  it('goes back to the built-in, then restores the older version, each audited and each used by the next statement', async () => {
    const reset = await as('backoffice').post(`/api/templates/${TYPE}/reset?locale=zh-CN`);
    expect(reset.status).toBe(200);
    expect(reset.body.active).toEqual({ id: null, renderVersion: builtInVersion });
    expect(reset.body.versions).toEqual([expect.objectContaining({ id: draft.id, status: 'superseded' })]);
    expect(await auditOf('template.reset')).toEqual([expect.objectContaining({ entity_id: draft.id })]);
    const builtIn = await issueStatement();
    expect(builtIn.templateVersion).toBe(builtInVersion);
    expect(builtIn.text).toContain(OLD_CLAUSE);

    const restored = await as('manager').post(`/api/templates/${TYPE}/versions/${draft.id}/restore`).send({});
    expect(restored.status).toBe(200);
    expect(restored.body).toMatchObject({
      number: 2,
      status: 'published',
      restoredFrom: draft.id,
      hash: draft.hash,
      renderVersion: draft.renderVersion,
    });
    expect(await auditOf('template.restore')).toEqual([
      expect.objectContaining({
        entity_id: restored.body.id,
        details: expect.objectContaining({ restoredFrom: draft.id }),
      }),
    ]);
    const again = await issueStatement();
    expect(again.templateVersion).toBe(draft.renderVersion);
    expect(again.text).toContain(NEW_CLAUSE);

    const versions = await as('finance').get(`/api/templates/${TYPE}/versions?locale=zh-CN`);
    expect(versions.body.active).toEqual({ id: restored.body.id, renderVersion: draft.renderVersion });
    expect((versions.body.versions as VersionView[]).map((v) => [v.number, v.status])).toEqual([
      [2, 'published'],
      [1, 'superseded'],
    ]);
    // The recorded version names both stored copies of the same files.
    const found = await as('sales').get(`/api/templates/versions/by-hash/${again.templateVersion}`);
    expect((found.body as VersionView[]).map((v) => v.id).sort()).toEqual([draft.id, restored.body.id].sort());
  }, 120_000);

  it('refuses a save that breaks a guardrail, naming the element or the field and its line; nothing is saved', async () => {
    const statement = await as('backoffice')
      .post(`/api/templates/${TYPE}/drafts`)
      .send({ locale: 'en', from: 'built-in' });
    expect(statement.status).toBe(201);
    // The built-in passes every guardrail: the new draft lists no error.
    expect((statement.body.problems as { severity: string }[]).filter((p) => p.severity === 'error')).toEqual([]);
    const url = `/api/templates/${TYPE}/drafts/${statement.body.id}`;
    const before = await tableChecksums(t.db, ['api_tokens']);
    const iframe = {
      ...statement.body.files,
      'template.hbs': '<h1>{{@title}}</h1>\n<p>{{customer.name}}</p>\n<iframe src="about:blank"></iframe>\n',
    };
    const refused = await as('backoffice').put(url).send({ files: iframe });
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe('TEMPLATE_REFUSED');
    expect(refused.body.error.details.problems).toEqual([
      expect.objectContaining({ code: 'DOCX_UNSUPPORTED_ELEMENT', element: 'iframe', file: 'template.hbs', line: 3 }),
    ]);
    // An unknown field is a warning: saved, and listed.
    const unknown = { ...statement.body.files, 'template.hbs': '<h1>{{@title}}</h1>\n<p>{{customer.nickname}}</p>\n' };
    const warned = await as('backoffice').put(url).send({ files: unknown });
    expect(warned.status).toBe(200);
    expect(warned.body.problems).toEqual([
      expect.objectContaining({ code: 'FIELD_UNKNOWN', severity: 'warning', field: 'customer.nickname', line: 2 }),
    ]);

    // The delivery notice goes to production: a price field in an override of it is refused.
    const notice = await as('manager').post('/api/templates/delivery-notice/drafts').send({ locale: 'zh-CN' });
    expect(notice.status).toBe(201);
    const priced = {
      ...notice.body.files,
      'template.hbs': `${notice.body.files['template.hbs']}\n<p>{{contract.totalAmount}}</p>\n`,
    };
    const noticeBefore = await tableChecksums(t.db, ['api_tokens']);
    const price = await as('manager')
      .put(`/api/templates/delivery-notice/drafts/${notice.body.id}`)
      .send({ files: priced });
    expect(price.status).toBe(422);
    expect(price.body.error.code).toBe('TEMPLATE_REFUSED');
    expect(price.body.error.details.problems).toEqual(
      expect.arrayContaining([expect.objectContaining({ code: 'PRODUCTION_PRICE_FIELD', file: 'template.hbs' })]),
    );
    expect(await tableChecksums(t.db, ['api_tokens'])).toEqual(noticeBefore);
    expect(before).not.toEqual(noticeBefore); // the warned save and the new draft did change the store
  }, 60_000);

  it('imports a Word bid letter as a draft that previews, listing what it could not keep; sales may not', async () => {
    const docx = readFileSync('test/fixtures/word/bid-letter.docx');
    const before = await tableChecksums(t.db, ['api_tokens']);
    const refused = await as('sales')
      .post('/api/templates/quotation/drafts/import-docx')
      .field('locale', 'zh-CN')
      .attach('file', docx, '投标函.docx');
    expect(refused.status).toBe(403);
    expect(await tableChecksums(t.db, ['api_tokens'])).toEqual(before);

    const imported = await as('backoffice')
      .post('/api/templates/quotation/drafts/import-docx')
      .field('locale', 'zh-CN')
      .attach('file', docx, '投标函.docx');
    expect(imported.status).toBe(201);
    expect(imported.body).toMatchObject({
      type: 'quotation',
      locale: 'zh-CN',
      status: 'draft',
      note: 'Word: 投标函.docx',
    });
    expect(imported.body.importWarnings).toEqual([]);
    const template = imported.body.files['template.hbs'] as string;
    expect(template).toContain('投标函');
    expect(template).toContain('{{tender.buyer}}');
    expect(template).toContain('{{#each lines}}');
    // The quotation's data has no tender: the placeholders typed for a bid letter are named as unknown fields.
    expect(imported.body.problems).toEqual(
      expect.arrayContaining([expect.objectContaining({ code: 'FIELD_UNKNOWN', field: 'tender.buyer' })]),
    );
    // Previewed on the quotation's sample with what the letter's placeholders name added.
    const sample = JSON.parse(readFileSync('templates/quotation/sample.json', 'utf8')) as { lines: object[] };
    const data = {
      ...sample,
      tender: {
        buyer: '青澜钢铁集团有限公司',
        name: '高炉仪表改造',
        number: 'ZB-2026-088',
        validityDays: 90,
        date: '2026-12-07',
      },
      lines: sample.lines.map((line) => ({ ...line, quantity: 2, amount: '1200.00' })),
      total: '2400.00',
    };
    const pdf = await as('backoffice')
      .render(`/api/templates/quotation/drafts/${imported.body.id}/preview?format=pdf`)
      .send(data);
    expect({ status: pdf.status, error: pdf.status === 200 ? null : String(pdf.body) }).toEqual({
      status: 200,
      error: null,
    });
    const text = squash(await pdfText(pdf.body as Buffer));
    expect(text).toContain('投标函');
    expect(text).toContain('我方提供的设备如下');
    expect(text).toContain('致：青澜钢铁集团有限公司');
    expect(text).toContain('ZB-2026-088');

    const notDocx = await as('backoffice')
      .post('/api/templates/quotation/drafts/import-docx')
      .field('locale', 'zh-CN')
      .attach('file', Buffer.from('%PDF-1.7 not a Word file'), 'letter.docx');
    expect(notDocx.status).toBe(422);
    expect(notDocx.body.error.code).toBe('WORD_IMPORT_UNREADABLE');
  }, 120_000);
});
