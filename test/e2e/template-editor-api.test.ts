import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { crc32, deflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PYTHON_WITH_DOCX, readDocxWithPython, pyDocxText } from '../../src/rendering/docx/testing/python-docx.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { seedMatrixWorld, type MatrixWorld } from '../support/matrix-world.js';
import { pdfText, squash, tool, withFiles } from '../support/tools.js';

/**
 * Issue #19, what the console's template editor needs from the API: the clerks' fields of meta.json (letterhead,
 * theme) change the PDF and the DOCX and are refused with codes of their own; the type's data contract for completion;
 * previews on real records (statement, quotation, contract, delivery, tender) built by their workflows, refused for
 * another sales user's record, a record of another kind and a broken draft, with nothing rendered.
 */

const run = promisify(execFile);
const STATEMENT = 'customer-statement';
const EXTRA_LINE = '品质成就未来 www.example.cn';
const RED = '#c00000';

const binary = (
  res: { on: (e: string, cb: (chunk?: Buffer) => void) => void },
  cb: (err: Error | null, body: Buffer) => void,
) => {
  const chunks: Buffer[] = [];
  res.on('data', (c?: Buffer) => chunks.push(c!));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
};

/** A width × height PNG of one RGB colour (colour type 2), with real CRCs. */
function solidPng(width: number, height: number, [r, g, b]: [number, number, number]): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const row = Buffer.concat([Buffer.from([0]), Buffer.from(Array.from({ length: width }, () => [r, g, b]).flat())]);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.concat(Array.from({ length: height }, () => row)))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Pixels of the first page (at 50 dpi, in colour: pdftoppm's PPM) that `match` picks. */
async function countPixels(pdf: Buffer, match: (r: number, g: number, b: number) => boolean): Promise<number> {
  return withFiles({ 'a.pdf': pdf }, async (dir) => {
    const { code, out } = await tool(
      'pdftoppm',
      ['-r', '50', '-f', '1', '-l', '1', '-singlefile', 'a.pdf', 'page'],
      dir,
    );
    if (code !== 0) throw new Error(`pdftoppm failed: ${out}`);
    const data = await readFile(join(dir, 'page.ppm'));
    const header = /^P6\s+(\d+)\s+(\d+)\s+255\s/.exec(data.subarray(0, 40).toString('latin1'))!;
    const px = data.subarray(header[0].length);
    let n = 0;
    for (let i = 0; i + 2 < px.length; i += 3) if (match(px[i]!, px[i + 1]!, px[i + 2]!)) n++;
    return n;
  });
}
const reddish = (r: number, g: number, b: number) => r > 150 && g < 80 && b < 80;
const bluish = (r: number, g: number, b: number) => b > 180 && r < 60 && g < 60;

/** How many pictures python-docx finds inline in the body. */
async function inlinePictures(docx: Buffer): Promise<number> {
  return withFiles({ 'a.docx': docx }, async (dir) => {
    const { stdout } = await run(PYTHON_WITH_DOCX, [
      '-c',
      'import sys, docx; print(len(docx.Document(sys.argv[1]).inline_shapes))',
      join(dir, 'a.docx'),
    ]);
    return Number(stdout.trim());
  });
}

interface Problem {
  code: string;
  file: string;
  line?: number;
  column?: number;
  field?: string;
}

describe('the template editor API (issue #19)', () => {
  let t: TestApp;
  let w: MatrixWorld;
  let draftId = '';
  let builtInMeta: Record<string, unknown> = {};

  const as = (token: string) => ({
    get: (path: string) => t.http().get(path).auth(token, { type: 'bearer' }),
    post: (path: string) => t.http().post(path).auth(token, { type: 'bearer' }),
    put: (path: string) => t.http().put(path).auth(token, { type: 'bearer' }),
    render: (path: string) => t.http().post(path).auth(token, { type: 'bearer' }).buffer(true).parse(binary),
  });
  const sales = () => as(w.tokens.sales!);
  const backoffice = () => as(w.tokens.backoffice!);

  const draft = async () => (await backoffice().get(`/api/templates/${STATEMENT}/versions/${draftId}`)).body;
  const save = async (meta: Record<string, unknown>) => {
    const current = await draft();
    return backoffice()
      .put(`/api/templates/${STATEMENT}/drafts/${draftId}`)
      .set('If-Match', `"${current.version as number}"`)
      .send({ files: { ...current.files, 'meta.json': JSON.stringify(meta, null, 2) } });
  };

  beforeAll(async () => {
    t = await startTestApp('template-editor-api', { API_RUNS_JOBS: 'false' });
    w = await seedMatrixWorld(t);
    const created = await backoffice()
      .post(`/api/templates/${STATEMENT}/drafts`)
      .send({ locale: 'zh-CN', from: 'built-in' });
    expect(created.status).toBe(201);
    draftId = created.body.id as string;
    builtInMeta = JSON.parse(created.body.files['meta.json'] as string) as Record<string, unknown>;
  }, 300_000);

  afterAll(async () => {
    await t?.close();
  });

  describe('the data contract', () => {
    it('lists per type the record a preview can use', async () => {
      const res = await sales().get('/api/templates');
      expect(res.status).toBe(200);
      const records = Object.fromEntries(
        (res.body as { type: string; previewRecord: string | null }[]).map((x) => [x.type, x.previewRecord]),
      );
      expect(records).toMatchObject({
        'customer-statement': 'statement',
        quotation: 'quotation',
        'contact-sheet': 'contract',
        'delivery-notice': 'delivery',
        'tender-package': 'tender',
        'tender-toc': null,
        'contact-list': null,
      });
    });

    it("gives the fields with kind and example, the helpers, partials, the locale's labels", async () => {
      const res = await sales().get(`/api/templates/${STATEMENT}/contract?locale=en`);
      expect(res.status).toBe(200);
      const body = res.body as {
        fields: { path: string; kind: string; example?: unknown }[];
        helpers: { name: string; description: string; example: string }[];
        partials: string[];
        labels: { key: string; text: string }[];
        production: unknown;
        previewRecord: string;
        locale: string;
      };
      expect(body.locale).toBe('en');
      const field = (path: string) => body.fields.find((f) => f.path === path);
      expect(field('customer.name')).toEqual({ path: 'customer.name', kind: 'string', example: expect.any(String) });
      expect(field('issuedOn')).toMatchObject({ kind: 'date' });
      expect(field('closingBalance')).toMatchObject({ kind: 'decimal' });
      expect(field('lines')).toEqual({ path: 'lines', kind: 'array' });
      expect(field('lines[].balance')).toMatchObject({ kind: 'decimal' });
      expect(body.helpers.map((h) => h.name)).toEqual(
        expect.arrayContaining(['money', 'date', 't', 'capital', 'each']),
      );
      expect(body.helpers.find((h) => h.name === 'money')).toMatchObject({ example: expect.stringContaining('money') });
      expect(body.partials).toEqual(expect.arrayContaining(['letterhead', 'signature-block']));
      expect(body.labels).toContainEqual({ key: 'statement.greeting', text: expect.any(String) });
      expect(body.labels.find((l) => l.key === 'party.address')?.text).toMatch(/address/i);
      expect(body.production).toBeNull();
      expect(body.previewRecord).toBe('statement');
    });

    it('says which types go to production and the price fields their copy cannot reach', async () => {
      const sheet = await sales().get('/api/templates/contact-sheet/contract');
      expect(sheet.status).toBe(200);
      expect(sheet.body.production).toEqual({
        audience: { field: 'audience', value: 'production' },
        priceFields: expect.arrayContaining([expect.stringMatching(/price|amount/i)]),
      });
      const notice = await sales().get('/api/templates/delivery-notice/contract');
      expect(notice.body.production).toMatchObject({ audience: 'always' });
      expect((await sales().get('/api/templates/no-such-type/contract')).status).toBe(404);
    });
  });

  describe("the clerks' fields", () => {
    it('change the PDF: the extra line in the text, the logo and the colours in the pixels', async () => {
      const before = await backoffice().render(`/api/templates/${STATEMENT}/drafts/${draftId}/preview?format=pdf`);
      expect(before.status).toBe(200);
      const logo = `data:image/png;base64,${solidPng(120, 60, [0, 0, 255]).toString('base64')}`;
      const saved = await save({
        ...builtInMeta,
        letterhead: { logo, color: RED, align: 'left', lines: { 'zh-CN': [EXTRA_LINE] } },
        theme: { accent: RED },
      });
      expect({ status: saved.status, problems: saved.body.problems as unknown }).toEqual({
        status: 200,
        problems: [],
      });
      const after = await backoffice().render(`/api/templates/${STATEMENT}/drafts/${draftId}/preview?format=pdf`);
      expect(after.status).toBe(200);
      expect(squash(await pdfText(after.body as Buffer))).toContain(squash(EXTRA_LINE));
      expect(squash(await pdfText(before.body as Buffer))).not.toContain(squash(EXTRA_LINE));
      const [redBefore, redAfter] = await Promise.all(
        [before, after].map((r) => countPixels(r.body as Buffer, reddish)),
      );
      const [blueBefore, blueAfter] = await Promise.all(
        [before, after].map((r) => countPixels(r.body as Buffer, bluish)),
      );
      expect(redAfter).toBeGreaterThan(redBefore + 50); // the name and the headings in the accent colour
      expect(blueAfter).toBeGreaterThan(blueBefore + 50); // the logo
    }, 120_000);

    it('change the DOCX: the logo picture, the line, the colour', async () => {
      const res = await backoffice().render(`/api/templates/${STATEMENT}/drafts/${draftId}/preview?format=docx`);
      expect(res.status).toBe(200);
      const docx = res.body as Buffer;
      const py = await readDocxWithPython(docx);
      expect(pyDocxText(py)).toContain(EXTRA_LINE);
      expect(await inlinePictures(docx)).toBeGreaterThanOrEqual(1);
      expect(py.parts['word/document.xml']).toContain('w:color w:val="C00000"');
      const builtIn = await sales().render(`/api/templates/${STATEMENT}/preview?format=docx`);
      expect(await inlinePictures(builtIn.body as Buffer)).toBe(0);
    }, 60_000);

    it.each([
      { field: 'letterhead.color', code: 'META_COLOR_INVALID', settings: { letterhead: { color: 'crimson' } } },
      { field: 'theme.accent', code: 'META_COLOR_INVALID', settings: { theme: { accent: '#12' } } },
      {
        field: 'letterhead.logo',
        code: 'LETTERHEAD_LOGO_INVALID',
        settings: { letterhead: { logo: 'data:image/gif;base64,R0lGODlhAQABAAAAACw=' } },
      },
      {
        field: 'letterhead.logo',
        code: 'LETTERHEAD_LOGO_TOO_LARGE',
        settings: { letterhead: { logo: `data:image/png;base64,${Buffer.alloc(300 * 1024, 1).toString('base64')}` } },
      },
      {
        field: 'letterhead.lines.en',
        code: 'LETTERHEAD_LINES_TOO_MANY',
        settings: { letterhead: { lines: { en: ['a', 'b', 'c', 'd', 'e'] } } },
      },
      {
        field: 'letterhead.lines.en[0]',
        code: 'LETTERHEAD_LINE_TOO_LONG',
        settings: { letterhead: { lines: { en: ['x'.repeat(121)] } } },
      },
      { field: 'letterhead.align', code: 'META_VALUE_INVALID', settings: { letterhead: { align: 'justify' } } },
      { field: 'letterhed', code: 'META_UNKNOWN_KEY', settings: { letterhed: {} } },
    ])('refuses a bad $field with $code, changing nothing', async ({ field, code, settings }) => {
      const before = await draft();
      const res = await save({ ...builtInMeta, ...settings });
      expect(res.status).toBe(422);
      expect(res.body.error.code).toBe('TEMPLATE_REFUSED');
      expect(res.body.error.details.problems as Problem[]).toEqual([
        expect.objectContaining({ code, file: 'meta.json', field, line: expect.any(Number) }),
      ]);
      const after = await draft();
      expect({ version: after.version, hash: after.hash }).toEqual({ version: before.version, hash: before.hash });
    });
  });

  describe('previews on real records', () => {
    const text = async (res: { status: number; body: unknown }) => {
      expect(res.status).toBe(200);
      return squash(await pdfText(res.body as Buffer));
    };

    it("renders each type on the caller's own record, with the workflow's data", async () => {
      const own = w.own;
      const get = async (path: string) => {
        const res = await sales().get(path);
        expect(res.status).toBe(200);
        return res.body as Record<string, unknown>;
      };
      const statement = await get(`/api/statements/${own.statement}`);
      const quotation = await get(`/api/quotations/${own.quotation}`);
      const contract = await get(`/api/contracts/${own.contract}`);
      const delivery = await get(`/api/deliveries/${own.delivery}`);
      const tender = await get(`/api/tenders/${own.tender}`);
      const cases: [string, string, string][] = [
        ['customer-statement', own.statement, statement.number as string],
        ['quotation', own.quotation, quotation.number as string],
        ['contact-sheet', own.contract, contract.number as string],
        ['delivery-notice', own.delivery, delivery.number as string],
        ['tender-package', own.tender, tender.tenderNo as string],
      ];
      for (const [type, id, expected] of cases) {
        const res = await sales().render(`/api/templates/${type}/preview?format=pdf&recordId=${id}`);
        expect([type, res.status]).toEqual([type, 200]);
        expect([type, (await text(res)).includes(squash(expected))]).toEqual([type, true]);
      }
    }, 240_000);

    it("renders a draft on a record in the draft's locale", async () => {
      const statement = await sales().get(`/api/statements/${w.own.statement}`);
      const res = await backoffice().render(
        `/api/templates/${STATEMENT}/drafts/${draftId}/preview?format=pdf&recordId=${w.own.statement}`,
      );
      const body = await text(res);
      expect(body).toContain(squash(statement.body.number as string));
      expect(body).toContain(squash(EXTRA_LINE)); // the draft's letterhead
    }, 60_000);

    it("refuses another sales user's record, a record of another kind, an unknown one, a sample-only type", async () => {
      const refused = async (path: string, status: number, code: string) => {
        const res = await sales().post(path);
        expect([path, res.status, res.body?.error?.code]).toEqual([path, status, code]);
        expect(res.headers['content-type']).toMatch(/json/); // an error, nothing rendered
      };
      await refused(
        `/api/templates/${STATEMENT}/preview?format=html&recordId=${w.other.statement}`,
        403,
        'NOT_YOUR_RECORD',
      );
      await refused(
        `/api/templates/quotation/preview?format=html&recordId=${w.other.quotation}`,
        403,
        'NOT_YOUR_RECORD',
      );
      await refused(
        `/api/templates/${STATEMENT}/preview?format=html&recordId=${w.own.quotation}`,
        422,
        'TEMPLATE_PREVIEW_WRONG_RECORD',
      );
      await refused(
        `/api/templates/${STATEMENT}/preview?format=html&recordId=00000000-0000-4000-8000-00000000abcd`,
        404,
        'STATEMENT_NOT_FOUND',
      );
      await refused(
        `/api/templates/contact-list/preview?format=html&recordId=${w.own.contract}`,
        422,
        'TEMPLATE_PREVIEW_NO_RECORD',
      );
      const production = await as(w.tokens.production!).post(
        `/api/templates/contact-sheet/preview?format=html&recordId=${w.own.contract}`,
      );
      expect(production.status).toBe(403);
    });

    it('previews a broken draft as 422 with the problems, line and column', async () => {
      await t.db.query(
        `UPDATE template_versions SET files = jsonb_set(files, '{template.hbs}', to_jsonb($2::text)) WHERE id = $1`,
        [draftId, '<p>ok</p>\n<p>{{#if customer.name}}unclosed</p>\n'],
      );
      const res = await backoffice().post(`/api/templates/${STATEMENT}/drafts/${draftId}/preview?format=html`);
      expect(res.status).toBe(422);
      expect(res.body.error.code).toBe('TEMPLATE_REFUSED');
      expect(res.body.error.details.problems as Problem[]).toContainEqual(
        expect.objectContaining({ code: 'TEMPLATE_INVALID', file: 'template.hbs', line: expect.any(Number) }),
      );
    });
  });
});
