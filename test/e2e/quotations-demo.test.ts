import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { pyDocxText, readDocxWithPython } from '../../src/rendering/docx/testing/python-docx.js';
import { toChineseCapital } from '../../src/common/chinese-numerals.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { pdfText, squash } from '../support/tools.js';

const binary = (
  res: { on: (e: string, cb: (chunk?: Buffer) => void) => void },
  cb: (err: Error | null, body: Buffer) => void,
) => {
  const chunks: Buffer[] = [];
  res.on('data', (c?: Buffer) => chunks.push(c!));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
};

/** The first start of an empty database with DEMO_DATA=true: the two demo quotations, through the service. */
describe('demo quotations', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('quotations_demo', { DEMO_DATA: 'true' });
  });
  afterAll(async () => {
    await t?.close();
  });
  const get = (path: string) => t.http().get(path).auth(t.adminToken, { type: 'bearer' });

  it('loads a sent quotation and one with a below-floor line approved by the general manager', async () => {
    const list = await get('/api/quotations?sort=number&order=asc');
    expect(list.body.items.map((q: { status: string }) => q.status)).toEqual(['sent', 'approved']);
    const [sent, approved] = await Promise.all(
      list.body.items.map(async (q: { id: string }) => (await get(`/api/quotations/${q.id}`)).body),
    );
    expect(sent).toMatchObject({ customer: { name: '青澜钢铁集团有限公司' }, approval: { belowFloorLines: [] } });
    expect(approved).toMatchObject({
      customer: { name: '华东海晟石化有限公司' },
      approval: {
        by: { id: null, name: '王志远（总经理）' },
        reason: expect.stringContaining('框架协议'),
        belowFloorLines: [{ line: 1, productCode: 'LDG-50' }],
      },
    });
    expect(approved.lines[0]).toMatchObject({ productCode: 'LDG-50', unitPrice: '6500.00', belowFloor: true });
    const audit = await t.db.query<{ action: string; actor_name: string }>(
      "SELECT action, actor_name FROM audit_log WHERE entity_type = 'quotation' ORDER BY id",
    );
    expect(audit.map((a) => a.action)).toEqual([
      'quotation.create',
      'quotation.submit',
      'quotation.approve',
      'quotation.send',
      'quotation.create',
      'quotation.submit',
      'quotation.approve',
    ]);
    expect(new Set(audit.map((a) => a.actor_name))).toEqual(new Set(['system']));
  });

  it('renders the demo quotation with the demo company: seller, number and total in words in both the PDF and the DOCX', async () => {
    const { id, total, number } = (await get('/api/quotations?status=sent')).body.items[0];
    const res = await t
      .http()
      .post(`/api/quotations/${id}/render?formats=pdf,docx`)
      .auth(t.adminToken, { type: 'bearer' });
    expect(res.status).toBe(201);
    const download = async (format: string) =>
      (await get(`/api/documents/${res.body.id}/file?format=${format}`).buffer(true).parse(binary)).body as Buffer;
    const pdf = squash(await pdfText(await download('pdf')));
    const docx = squash(pyDocxText(await readDocxWithPython(await download('docx'))));
    for (const text of [pdf, docx]) {
      expect(text).toContain('华东智能仪表有限公司');
      expect(text).toContain(number);
      expect(text).toContain(toChineseCapital(total));
      expect(text).toContain('核子密度计');
    }
  });
});
