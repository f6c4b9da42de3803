import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Response } from 'supertest';
import { addDays, todayIso } from '../../src/common/tabular/date-only.js';
import { pyDocxText, readDocxWithPython } from '../../src/rendering/docx/testing/python-docx.js';
import { TENDER_SECTION_TITLES } from '../../src/modules/tenders/tender-package.model.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { squash, tool, withFiles } from '../support/tools.js';

const ZH = TENDER_SECTION_TITLES['zh-CN'];
/** The tender's own bid-letter wording: a sentence no built-in template has. */
const WORDING_1 = 'FMT-E2E-9KQ2 我方承诺本项目所供仪表均为原厂全新产品';
const WORDING_2 = 'FMT-E2E-4ZT8 我方承诺质保期内二十四小时响应';
const PLEDGE_TITLE = '廉洁投标承诺书';
const PLEDGE_TEXT = 'FMT-E2E-PLEDGE 我方承诺在投标过程中不向招标人人员提供任何形式的不正当利益';

interface Section {
  key: string;
  title: string;
  firstPage: number;
  lastPage: number;
}

const binary = (res: Response, cb: (err: Error | null, body: Buffer) => void) => {
  const parts: Buffer[] = [];
  res.on('data', (c: Buffer) => parts.push(c));
  res.on('end', () => cb(null, Buffer.concat(parts)));
};
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** The text of every page (pdftotext ends each page with a form feed), squashed (CJK spacing varies). */
async function pageTexts(pdf: Buffer): Promise<string[]> {
  return withFiles({ 'a.pdf': pdf }, async (dir) => {
    const { out } = await tool('pdftotext', ['-enc', 'UTF-8', join(dir, 'a.pdf'), '-']);
    return out.split('\f').slice(0, -1).map(squash);
  });
}
const pagesOf = (texts: string[], s: Section) => texts.slice(s.firstPage - 1, s.lastPage).join('\n');

/**
 * Issue #19, a tender's own formats (投标文件格式): a per-tender bid-letter wording and a free section appear in that
 * tender's package PDF (in the bid letter's pages; the free section with its title in the outline and the table of
 * contents) and DOCX, not in another tender's; each package version records the format versions it used and keeps its
 * wording when the format changes; bodies that break a guardrail are refused with nothing stored; another sales
 * user's tender is refused. Real PostgreSQL, Chromium, poppler, qpdf and python-docx.
 */
describe("tender formats: a tender's own section wording in its package", () => {
  let t: TestApp;
  let backoffice: string;
  let sales: { id: string; token: string };
  let otherSales: { id: string; token: string };
  let tenderId: string;
  let otherTenderId: string;
  let firstPdf: Buffer;
  let firstSha: string;

  const as = (token: string) => ({
    get: (path: string) => t.http().get(path).auth(token, { type: 'bearer' }),
    post: (path: string, body: object = {}) => t.http().post(path).auth(token, { type: 'bearer' }).send(body),
    put: (path: string, body: object, ifMatch?: string) => {
      const req = t.http().put(path).auth(token, { type: 'bearer' });
      if (ifMatch) void req.set('If-Match', ifMatch);
      return req.send(body);
    },
    delete: (path: string, ifMatch?: string) => {
      const req = t.http().delete(path).auth(token, { type: 'bearer' });
      if (ifMatch) void req.set('If-Match', ifMatch);
      return req;
    },
    download: async (path: string) => {
      const res = await t.http().get(path).auth(token, { type: 'bearer' }).buffer(true).parse(binary);
      expect(res.status).toBe(200);
      return res.body as Buffer;
    },
  });
  const formatRows = async () =>
    await t.db.query<{ key: string; version: number; body: string }>(
      'SELECT key, version, body FROM tender_section_formats ORDER BY tender_id, key',
    );

  async function createTender(tenderNo: string, salesOwnerId: string): Promise<string> {
    const q = (await as(t.adminToken).get('/api/quotations?status=sent')).body.items[0];
    const res = await as(backoffice).post('/api/tenders', {
      tenderNo,
      projectName: '高炉冷却水流量计更换',
      buyer: '青澜钢铁集团有限公司',
      deadline: `${addDays(todayIso(), 20)}T10:00:00`,
      bidValidityDays: 90,
      quotationId: q.id,
      salesOwnerId,
      requirements: {
        qualificationTypes: [],
        sections: ['cover', 'toc', 'bid_letter', 'opening_summary', 'authorisation'],
        deviations: [],
      },
    });
    expect(res.status).toBe(201);
    return res.body.id as string;
  }

  async function generate(id: string, token: string) {
    const res = await as(token).post(`/api/tenders/${id}/package?wait=true`);
    expect(res.status).toBe(201);
    return res.body as {
      latestVersion: number;
      versions: {
        version: number;
        sections: Section[];
        formats: { key: string; title: string | null; version: number; hash: string; body: string }[];
        files: { format: string; sha256: string }[];
      }[];
    };
  }

  beforeAll(async () => {
    t = await startTestApp('tender_formats', { DEMO_DATA: 'true' });
    backoffice = (await t.userWith(['backoffice'])).token;
    sales = await t.userWith(['sales'], 'formats.sales');
    otherSales = await t.userWith(['sales'], 'formats.other');
    tenderId = await createTender('FMT-ZB-2026-0101', sales.id);
    otherTenderId = await createTender('FMT-ZB-2026-0102', otherSales.id);
  }, 120_000);

  afterAll(async () => {
    await t?.close();
  });

  it("lists the tender's sections as the company's and starts a section from the company's markup", async () => {
    const list = await as(sales.token).get(`/api/tenders/${tenderId}/formats`);
    expect(list.status).toBe(200);
    expect(
      list.body.sections.filter((s: { inPackage: boolean }) => s.inPackage).map((s: { key: string }) => s.key),
    ).toEqual(['cover', 'bid_letter', 'opening_summary', 'authorisation']);
    expect(list.body.sections.every((s: { format: unknown }) => s.format === null)).toBe(true);

    const start = await as(sales.token).get(`/api/tenders/${tenderId}/formats/bid_letter`);
    expect(start.status).toBe(200);
    expect(start.body).toMatchObject({ key: 'bid_letter', title: ZH.bid_letter, overridden: false, version: null });
    expect(start.body.body).toBe(start.body.companyBody);
    expect(start.body.body).toContain('{{lookup titles section}}');
    expect(start.body.body).toContain('{{t "letter.read"}}');
    // No record version yet: no ETag of ours (express may still tag the bytes).
    expect(start.headers.etag ?? '').not.toMatch(/^W\/"\d+"$/);
  });

  it('refuses {{{, an element the DOCX cannot carry and a broken block with 422 and stores nothing', async () => {
    const cases: [string, string, string][] = [
      ['<p>ok</p>\n<p>{{{tender.buyer}}}</p>', 'TEMPLATE_INVALID', ''],
      ['<p>ok</p>\n  <iframe src="x"></iframe>', 'DOCX_UNSUPPORTED_ELEMENT', 'iframe'],
      ['{{#if tender.lot}}\n<p>never closed</p>', 'TEMPLATE_INVALID', ''],
    ];
    for (const [body, problem, element] of cases) {
      const res = await as(sales.token).put(`/api/tenders/${tenderId}/formats/bid_letter`, { body });
      expect(res.status).toBe(422);
      expect(res.body.error.code).toBe('TEMPLATE_REFUSED');
      const first = res.body.error.details.problems[0];
      expect(first).toMatchObject({ code: problem, severity: 'error', line: expect.any(Number) });
      if (element) expect(first).toMatchObject({ element, line: 2, column: 3 });
    }
    // Price fields: the tender package has no production copy (it is the bid's prices), so none is refused here.
    expect(await formatRows()).toEqual([]);
  });

  it("refuses another sales user's tender and changes nothing", async () => {
    for (const res of [
      await as(otherSales.token).put(`/api/tenders/${tenderId}/formats/bid_letter`, { body: '<p>x</p>' }),
      await as(otherSales.token).get(`/api/tenders/${tenderId}/formats/bid_letter`),
      await as(otherSales.token).delete(`/api/tenders/${tenderId}/formats/bid_letter`),
    ]) {
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('NOT_YOUR_RECORD');
    }
    expect(await formatRows()).toEqual([]);
  });

  it('saves a bid-letter wording and a free section, each versioned', async () => {
    const start = (await as(sales.token).get(`/api/tenders/${tenderId}/formats/bid_letter`)).body.body as string;
    const body = start.replace(
      '<p class="contact-intro">',
      `<p class="indent">${WORDING_1}</p>\n<p class="contact-intro">`,
    );
    expect(body).not.toBe(start);
    const saved = await as(sales.token).put(`/api/tenders/${tenderId}/formats/bid_letter`, { body }, '*');
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({ key: 'bid_letter', overridden: true, version: 1, body, problems: [] });
    expect(saved.headers.etag).toBe('W/"1"');

    const noTitle = await as(sales.token).put(`/api/tenders/${tenderId}/formats/custom:pledge`, { body: '<p>x</p>' });
    expect(noTitle.status).toBe(400);
    expect(noTitle.body.error.code).toBe('TENDER_FORMAT_INVALID');
    const pledge = await as(sales.token).put(`/api/tenders/${tenderId}/formats/custom:pledge`, {
      title: PLEDGE_TITLE,
      position: 4, // after the opening summary: cover, toc, bid_letter, opening_summary | pledge | authorisation
      body: `<p class="indent">${PLEDGE_TEXT}{{t "colon"}}{{tender.projectName}}</p>`,
    });
    expect(pledge.status).toBe(200);
    expect(pledge.body).toMatchObject({ key: 'custom:pledge', title: PLEDGE_TITLE, custom: true, version: 1 });

    // A section the tender leaves out may have a format too: kept, not in the package.
    const unused = await as(sales.token).put(`/api/tenders/${tenderId}/formats/deviation_table`, {
      body: '<p class="indent">FMT-E2E-UNUSED</p>',
    });
    expect(unused.status).toBe(200);

    const list = (await as(sales.token).get(`/api/tenders/${tenderId}/formats`)).body;
    const inPackage = list.sections.filter((s: { inPackage: boolean }) => s.inPackage);
    expect(inPackage.map((s: { key: string }) => s.key)).toEqual([
      'cover',
      'bid_letter',
      'opening_summary',
      'custom:pledge',
      'authorisation',
    ]);
    expect(inPackage.find((s: { key: string }) => s.key === 'bid_letter').format).toMatchObject({
      version: 1,
      updatedBy: { id: sales.id },
    });
  });

  it('renders the wording in the bid letter of the PDF and in the DOCX, and the free section with its title', async () => {
    const pkg = await generate(tenderId, sales.token);
    const v1 = pkg.versions[0]!;
    expect(v1.sections.map((s) => s.key)).toEqual([
      'cover',
      'toc',
      'bid_letter',
      'opening_summary',
      'custom:pledge',
      'authorisation',
    ]);
    expect(v1.formats.map((f) => [f.key, f.version])).toEqual([
      ['bid_letter', 1],
      ['custom:pledge', 1],
    ]);
    expect(v1.formats[0]!.body).toContain(WORDING_1);

    firstPdf = await as(sales.token).download(`/api/tenders/${tenderId}/package/file?format=pdf&version=1`);
    firstSha = sha256(firstPdf);
    expect(firstSha).toBe(v1.files.find((f) => f.format === 'pdf')!.sha256);
    const texts = await pageTexts(firstPdf);
    const letter = v1.sections.find((s) => s.key === 'bid_letter')!;
    expect(pagesOf(texts, letter)).toContain(squash(WORDING_1));
    // Only there: the other sections' pages do not have it.
    for (const s of v1.sections.filter((x) => x.key !== 'bid_letter'))
      expect(pagesOf(texts, s)).not.toContain('FMT-E2E-9KQ2');
    expect(texts.join('\n')).not.toContain('FMT-E2E-UNUSED');
    // The company's wording around it is still there (the tender's body started from it).
    expect(pagesOf(texts, letter)).toContain(squash(ZH.bid_letter));

    const pledge = v1.sections.find((s) => s.key === 'custom:pledge')!;
    expect(pledge.title).toBe(PLEDGE_TITLE);
    expect(pagesOf(texts, pledge)).toContain(squash(PLEDGE_TEXT));
    expect(pagesOf(texts, pledge)).toContain(squash(PLEDGE_TITLE));
    const toc = v1.sections.find((s) => s.key === 'toc')!;
    expect(pagesOf(texts, toc)).toContain(`${squash(PLEDGE_TITLE)}${pledge.firstPage}`);
    const outline = await withFiles(
      { 'p.pdf': firstPdf },
      async (dir) => (await tool('qpdf', ['--json', '--json-key=outlines', join(dir, 'p.pdf')])).out,
    );
    expect(outline).toContain(PLEDGE_TITLE);

    const docx = await as(sales.token).download(`/api/tenders/${tenderId}/package/file?format=docx&version=1`);
    const docxText = squash(pyDocxText(await readDocxWithPython(docx)));
    expect(docxText).toContain(squash(WORDING_1));
    expect(docxText).toContain(squash(PLEDGE_TITLE));
    expect(docxText).toContain(squash(PLEDGE_TEXT));
  }, 180_000);

  it("leaves another tender's package with the company's wording", async () => {
    const pkg = await generate(otherTenderId, otherSales.token);
    expect(pkg.versions[0]!.formats).toEqual([]);
    expect(pkg.versions[0]!.sections.map((s) => s.key)).not.toContain('custom:pledge');
    const pdf = await as(otherSales.token).download(`/api/tenders/${otherTenderId}/package/file?format=pdf`);
    const text = (await pageTexts(pdf)).join('\n');
    expect(text).not.toContain('FMT-E2E');
    expect(text).not.toContain(squash(PLEDGE_TITLE));
    expect(text).toContain(squash(ZH.bid_letter));
    const docx = await as(otherSales.token).download(`/api/tenders/${otherTenderId}/package/file?format=docx`);
    expect(squash(pyDocxText(await readDocxWithPython(docx)))).not.toContain('FMT-E2E');
  }, 180_000);

  it('changes the next package only: the issued one keeps its file and records its wording', async () => {
    const current = await as(sales.token).get(`/api/tenders/${tenderId}/formats/bid_letter`);
    expect(current.headers.etag).toBe('W/"1"');
    const body = (current.body.body as string).replace(WORDING_1, WORDING_2);
    const saved = await as(sales.token).put(`/api/tenders/${tenderId}/formats/bid_letter`, { body }, 'W/"1"');
    expect(saved.status).toBe(200);
    expect(saved.body.version).toBe(2);
    const stale = await as(sales.token).put(
      `/api/tenders/${tenderId}/formats/bid_letter`,
      { body: '<p>late</p>' },
      'W/"1"',
    );
    expect(stale.status).toBe(412);
    expect(stale.body.error.code).toBe('STALE_RECORD');

    // The first package is as it was issued.
    const again = await as(sales.token).download(`/api/tenders/${tenderId}/package/file?format=pdf&version=1`);
    expect(sha256(again)).toBe(firstSha);

    const pkg = await generate(tenderId, sales.token);
    expect(pkg.latestVersion).toBe(2);
    const [v1, v2] = pkg.versions.sort((a, b) => a.version - b.version);
    expect(v1!.formats.find((f) => f.key === 'bid_letter')).toMatchObject({ version: 1 });
    expect(v1!.formats.find((f) => f.key === 'bid_letter')!.body).toContain(WORDING_1);
    expect(v2!.formats.find((f) => f.key === 'bid_letter')).toMatchObject({ version: 2 });
    expect(v2!.formats.find((f) => f.key === 'bid_letter')!.hash).not.toBe(
      v1!.formats.find((f) => f.key === 'bid_letter')!.hash,
    );
    const pdf = await as(sales.token).download(`/api/tenders/${tenderId}/package/file?format=pdf&version=2`);
    const texts = await pageTexts(pdf);
    const letter = pagesOf(
      texts,
      v2!.sections.find((s) => s.key === 'bid_letter')!,
    );
    expect(letter).toContain(squash(WORDING_2));
    expect(letter).not.toContain('FMT-E2E-9KQ2');
  }, 180_000);

  it("goes back to the company's format on delete", async () => {
    const refused = await as(sales.token).delete(`/api/tenders/${tenderId}/formats/bid_letter`, 'W/"1"');
    expect(refused.status).toBe(412);
    const res = await as(sales.token).delete(`/api/tenders/${tenderId}/formats/bid_letter`, 'W/"2"');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ key: 'bid_letter', deleted: true });
    const back = (await as(sales.token).get(`/api/tenders/${tenderId}/formats/bid_letter`)).body;
    expect(back).toMatchObject({ overridden: false, version: null });
    expect(back.body).toBe(back.companyBody);
    expect((await formatRows()).map((r) => r.key)).toEqual(['custom:pledge', 'deviation_table']);
    const audit = await t.db.query<{ action: string }>(
      `SELECT action FROM audit_log WHERE entity_id = $1 AND action LIKE 'tender.format.%' ORDER BY id`,
      [tenderId],
    );
    expect(audit.map((a) => a.action)).toEqual([
      'tender.format.save',
      'tender.format.save',
      'tender.format.save',
      'tender.format.save',
      'tender.format.reset',
    ]);
  });
});
