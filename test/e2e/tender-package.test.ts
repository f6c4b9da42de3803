import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { simpleParser, type ParsedMail } from 'mailparser';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import type { Response } from 'supertest';
import { toChineseCapital } from '../../src/common/chinese-numerals.js';
import { addDays, todayIso } from '../../src/common/tabular/date-only.js';
import { ObjectStorage } from '../../src/infrastructure/storage/object-storage.js';
import { RenderingService } from '../../src/rendering/rendering.service.js';
import { png } from '../../src/rendering/docx/testing/png.js';
import { pyDocxText, readDocxWithPython } from '../../src/rendering/docx/testing/python-docx.js';
import { packageLayout } from '../../src/modules/tenders/package/tender-package.builder.js';
import { TenderPackageComposer } from '../../src/modules/tenders/package/tender-package.composer.js';
import { TENDER_SECTION_TITLES, type TenderPackageModel } from '../../src/modules/tenders/tender-package.model.js';
import { TENDER_SECTIONS } from '../../src/modules/tenders/tender.entity.js';
import { scanJpeg, sealPng } from '../fixtures/assembly/fixtures.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { sleep, startSmtp, until, type ControlledSmtp } from '../support/faults.js';
import { squash, tool, withFiles } from '../support/tools.js';

const EXPIRED_ISO45001 = 'ISO 45001:2018 职业健康安全管理体系认证证书';
const EXPIRED_EX_CERT = '防爆合格证（本安型雷达物位计）';
/** The manager's reason: audit log only, never in the package. */
const REASON_TOKEN = 'E2E-OVERRIDE-7Q4K';
const REASON = `${REASON_TOKEN} 两证换证审核已通过，新证书下周颁发`;
const ZH = TENDER_SECTION_TITLES['zh-CN'];
const EN = TENDER_SECTION_TITLES.en;
const ES = TENDER_SECTION_TITLES.es;

interface Section {
  key: string;
  title: string;
  firstPage: number;
  lastPage: number;
}
interface Upload {
  kind: 'pdf' | 'jpeg' | 'png';
  /** PDF scans: each page says `<marker>-P<n>` (Helvetica, so pdftotext finds it). */
  marker: string | null;
  pages: number;
}

/** supertest hands binary bodies over as a Buffer only with a parser that collects them. */
const binary = (res: Response, cb: (err: Error | null, body: Buffer) => void) => {
  const parts: Buffer[] = [];
  res.on('data', (c: Buffer) => parts.push(c));
  res.on('end', () => cb(null, Buffer.concat(parts)));
};
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

async function scanPdf(marker: string, pages: number): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (let i = 1; i <= pages; i++) doc.addPage([595.28, 841.89]).drawText(`${marker}-P${i}`, { x: 72, y: 700, size: 18, font });
  return Buffer.from(await doc.save());
}

async function pdfPages(pdf: Buffer): Promise<number> {
  return withFiles({ 'a.pdf': pdf }, async (dir) => Number(/^Pages:\s+(\d+)/m.exec((await tool('pdfinfo', [join(dir, 'a.pdf')])).out)![1]));
}

/** The text of every page (pdftotext ends each page with a form feed). */
async function pageTexts(pdf: Buffer, layout = false): Promise<string[]> {
  return withFiles({ 'a.pdf': pdf }, async (dir) => {
    const { out } = await tool('pdftotext', ['-enc', 'UTF-8', ...(layout ? ['-layout'] : []), join(dir, 'a.pdf'), '-']);
    return out.split('\f').slice(0, -1);
  });
}

/**
 * Tender packages on the demo data, the real PostgreSQL server, Chromium, an SMTP server on loopback (down for a
 * while: a package sent then arrives once it is back), and checked with poppler, qpdf, python-docx and unzip.
 */
describe('tender package: generated, signed, checked, versioned and sent', () => {
  let t: TestApp;
  let smtp: ControlledSmtp;
  let backoffice: string;
  let sales: { id: string; token: string; email: string };
  let manager: { id: string; token: string; name: string };
  let finance: string;
  let quotation: { id: string; total: string };
  let tenderId: string;
  let proposedQualifications: { id: string; type: string; name: string }[];
  let proposedRecords: string[];
  const uploads = new Map<string, Upload[]>();
  let pdf: Buffer;
  let docx: Buffer;
  let bundle: Buffer;
  let sections: Section[];
  let texts: string[];

  const as = (token: string) => ({
    get: (path: string) => t.http().get(path).auth(token, { type: 'bearer' }),
    post: (path: string, body: object = {}) => t.http().post(path).auth(token, { type: 'bearer' }).send(body),
    patch: (path: string, body: object) => t.http().patch(path).auth(token, { type: 'bearer' }).send(body),
    put: (path: string, body: object) => t.http().put(path).auth(token, { type: 'bearer' }).send(body),
    download: async (path: string) => {
      const res = await t.http().get(path).auth(token, { type: 'bearer' }).buffer(true).parse(binary);
      expect(res.status).toBe(200);
      return res.body as Buffer;
    },
  });
  const count = async (sql: string) => Number((await t.db.query<{ n: string }>(sql))[0]!.n);
  /** Everything a generation writes: rows of the documents tables and ours, objects, package jobs. */
  const written = async () => ({
    documents: await count(`SELECT count(*) AS n FROM documents WHERE type = 'tender-package'`),
    versions: await count(`SELECT count(*) AS n FROM document_versions v JOIN documents d ON d.id = v.document_id WHERE d.type = 'tender-package'`),
    files: await count(`SELECT count(*) AS n FROM document_files`),
    packageVersions: await count(`SELECT count(*) AS n FROM tender_package_versions`),
    objects: (await t.app.get(ObjectStorage).list('documents/')).length,
    jobs: await count(`SELECT count(*) AS n FROM jobs WHERE name = 'tender.package'`),
  });

  async function createUser(roles: string[], name: string, email?: string) {
    const res = await t.http().post('/api/users').auth(t.adminToken, { type: 'bearer' }).send({ name, roles, apiToken: true, ...(email ? { email } : {}) });
    expect(res.status).toBe(201);
    return { id: res.body.id as string, token: res.body.token as string };
  }

  async function upload(path: string, bytes: Buffer, name: string, extra: Record<string, string> = {}) {
    const req = t.http().post(path).auth(backoffice, { type: 'bearer' });
    for (const [k, v] of Object.entries(extra)) void req.field(k, v);
    const res = await req.attach('file', bytes, name);
    expect(res.status).toBe(201);
  }

  /** Scans of every kind: PDFs of 1 to 3 pages, JPEG and PNG pictures; the first record gets two. */
  async function uploadScans(owner: string, path: string, i: number, extra: Record<string, string> = {}): Promise<void> {
    const list: Upload[] = [];
    const kinds = i === 0 ? (['pdf', 'jpeg'] as const) : ([(['pdf', 'jpeg', 'png'] as const)[i % 3]!] as const);
    for (const [n, kind] of kinds.entries()) {
      if (kind === 'pdf') {
        const marker = `SCAN-${owner.slice(0, 8).toUpperCase()}-${n}`;
        const pages = 1 + (i % 3);
        await upload(path, await scanPdf(marker, pages), `${marker}.pdf`, extra);
        list.push({ kind, marker, pages });
      } else {
        // PNGs: an opaque grey scan (taken as it is) and an RGBA one (decoded by the assembler).
        const image = kind === 'jpeg' ? scanJpeg() : i % 2 ? sealPng(300) : png(620, 877);
        await upload(path, image, `scan-${i}.${kind === 'jpeg' ? 'jpg' : 'png'}`, extra);
        list.push({ kind, marker: null, pages: 1 });
      }
    }
    uploads.set(owner, list);
  }

  const waitForJob = async (id: string, token: string) => {
    for (let i = 0; i < 480; i++) {
      const job = (await as(token).get(`/api/jobs/${id}`)).body;
      if (job.status === 'succeeded' || job.status === 'failed') return job;
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`job ${id} did not finish`);
  };

  /** The outbox message once the outbox is done with it (sent, or failed for good). */
  const settled = (id: string, token = backoffice) =>
    until(
      `outbox message ${id} settled`,
      async () => (await as(token).get(`/api/outbox/${id}`)).body as { status: string; attempts: number; messageId: string },
      (m) => m.status === 'sent' || m.status === 'failed',
      60_000,
      250,
    );
  /** What the SMTP server received with this Message-ID, parsed. */
  const receivedAs = (messageId: string): Promise<ParsedMail[]> =>
    Promise.all(smtp.received.filter((r) => r.messageId === messageId).map((r) => simpleParser(r.raw)));

  beforeAll(async () => {
    smtp = await startSmtp();
    t = await startTestApp('tender_package', {
      DEMO_DATA: 'true',
      SMTP_URL: smtp.url,
      MAIL_FROM: 'Tenderdesk <bids@tenderdesk.example>',
      // While the server is down the outbox retries after 1, 2, 4... s: the test brings it back after the first.
      MAIL_RETRY_LIMIT: '6',
      MAIL_RETRY_DELAY_SECONDS: '1',
    });
    backoffice = (await t.userWith(['backoffice'])).token;
    finance = (await t.userWith(['finance'])).token;
    sales = { ...(await createUser(['sales'], 'li.ming', 'liming@huadong-instruments.example')), email: 'liming@huadong-instruments.example' };
    manager = { ...(await createUser(['manager'], 'wang.zhiyuan')), name: 'wang.zhiyuan' };
    const q = (await as(t.adminToken).get('/api/quotations?status=sent')).body.items[0];
    quotation = { id: q.id, total: (await as(t.adminToken).get(`/api/quotations/${q.id}`)).body.total };

    const res = await as(backoffice).post('/api/tenders', {
      tenderNo: 'QLGT-ZB-2026-0288',
      projectName: '炼钢厂转炉煤气回收仪表改造',
      lot: '第二标段',
      buyer: '青澜钢铁集团有限公司',
      agency: '江苏中诚招标代理有限公司',
      deadline: `${addDays(todayIso(), 20)}T10:00:00`,
      bidValidityDays: 90,
      bidBond: { amount: '15000', form: 'bank_guarantee', bank: '中国银行苏州分行', status: 'to_pay' },
      quotationId: quotation.id,
      salesOwnerId: sales.id,
      requirements: {
        qualificationTypes: ['business_licence', 'iso9001', 'iso45001', 'industry_permit', 'product_certificate', 'credit_rating'],
        performance: { industry: 'steel', minAmount: '500000', completedWithinYears: 3, minCount: 3 },
        deviations: [
          { clause: '第五章 3.2', requirement: '测量精度优于 ±1%', response: '±0.5%', deviation: 'positive' },
          { clause: '第三章 6.1', requirement: '合同签订后 30 天内交货', response: '预付款到账后 45 天内交货', deviation: 'negative', note: '放射源审批' },
        ],
      },
    });
    expect(res.status).toBe(201);
    tenderId = res.body.id;

    const c = (await as(backoffice).get(`/api/tenders/${tenderId}/candidates`)).body;
    const all = (await as(t.adminToken).get('/api/qualifications?pageSize=200')).body.items as { id: string; type: string; name: string }[];
    proposedQualifications = c.proposedQualificationIds.map((id: string) => all.find((q) => q.id === id)!);
    proposedRecords = c.performance.proposedIds;
    for (const [i, q] of proposedQualifications.entries()) await uploadScans(q.id, `/api/qualifications/${q.id}/scans`, i);
    for (const [i, id] of proposedRecords.entries()) {
      await uploadScans(id, `/api/performance/${id}/proofs`, i, { kind: 'acceptance_certificate' });
    }
  }, 120_000);

  afterAll(async () => {
    await t?.close();
    await smtp?.stop();
  });

  it('reports the two expired demo qualifications as blocking among the candidates', async () => {
    const c = (await as(sales.token).get(`/api/tenders/${tenderId}/candidates`)).body;
    expect(c.blocking.map((b: { name: string }) => b.name).sort()).toEqual([EXPIRED_ISO45001, EXPIRED_EX_CERT].sort());
    expect(proposedQualifications.map((q) => q.name)).toEqual(expect.arrayContaining([EXPIRED_ISO45001, EXPIRED_EX_CERT]));
    expect(proposedRecords).toHaveLength(3);
  });

  it('refuses generation with QUALIFICATION_EXPIRED listing both, and writes nothing', async () => {
    const before = await written();
    for (const path of [`/api/tenders/${tenderId}/package`, `/api/tenders/${tenderId}/package?wait=true`]) {
      const res = await as(backoffice).post(path);
      expect(res.status).toBe(422);
      expect(res.body.error.code).toBe('QUALIFICATION_EXPIRED');
      const blocking = res.body.error.details.blocking as { id: string; name: string; type: string; validTo: string }[];
      expect(blocking.map((b) => b.name).sort()).toEqual([EXPIRED_ISO45001, EXPIRED_EX_CERT].sort());
      for (const b of blocking) expect(b).toEqual({ id: expect.any(String), name: expect.any(String), type: expect.any(String), validTo: expect.any(String) });
      expect(blocking.every((b) => b.validTo < addDays(todayIso(), 20))).toBe(true);
    }
    expect(await written()).toEqual(before);
    expect(before).toMatchObject({ documents: 0, versions: 0, packageVersions: 0, jobs: 0 });
    expect((await as(backoffice).get(`/api/tenders/${tenderId}/package`)).body.error.code).toBe('TENDER_PACKAGE_NOT_FOUND');
  });

  it('lets nobody but a manager override, and never without a reason', async () => {
    const before = await written();
    const bySales = await as(sales.token).post(`/api/tenders/${tenderId}/package`, { override: { reason: REASON } });
    expect(bySales.status).toBe(403);
    expect(bySales.body.error.code).toBe('OVERRIDE_REQUIRES_MANAGER');
    const noReason = await as(manager.token).post(`/api/tenders/${tenderId}/package`, { override: { reason: '' } });
    expect(noReason.status).toBe(400);
    const blank = await as(manager.token).post(`/api/tenders/${tenderId}/package`, { override: { reason: '   ' } });
    expect(blank.status).toBe(400);
    expect(blank.body.error.code).toBe('VALIDATION_FAILED');
    expect(blank.body.error.details.fields.map((f: { field: string }) => f.field)).toEqual(['override.reason']);
    expect((await as(finance).post(`/api/tenders/${tenderId}/package`)).status).toBe(403);
    expect(await written()).toEqual(before);
  });

  it("generates the package as a job on a manager's override and records the reason in the audit log only", async () => {
    const res = await as(manager.token).post(`/api/tenders/${tenderId}/package`, { override: { reason: REASON } });
    expect(res.status).toBe(202);
    const job = await waitForJob(res.body.id, manager.token);
    expect(job).toMatchObject({ status: 'succeeded', progress: 100, result: { version: 1, warnings: [] } });
    expect(JSON.stringify(job)).not.toContain(REASON_TOKEN);

    const audit = await t.db.query<{ actor_name: string; details: { reason: string; blocking: { name: string }[]; version: number } }>(
      `SELECT actor_name, details FROM audit_log WHERE action = 'tender.package.override' AND entity_id = $1`,
      [tenderId],
    );
    expect(audit).toHaveLength(1);
    expect(audit[0]!.actor_name).toBe(manager.name);
    expect(audit[0]!.details.reason).toBe(REASON);
    expect(audit[0]!.details.blocking.map((b) => b.name).sort()).toEqual([EXPIRED_ISO45001, EXPIRED_EX_CERT].sort());
    expect(audit[0]!.details.version).toBe(1);
    // Nowhere else in the database: the package's records and the other audit entries carry no reason.
    const elsewhere = await count(
      `SELECT count(*) AS n FROM audit_log WHERE action <> 'tender.package.override' AND details::text LIKE '%${REASON_TOKEN}%'`,
    );
    expect(elsewhere).toBe(0);
    expect(await count(`SELECT count(*) AS n FROM tender_package_versions WHERE sections::text LIKE '%${REASON_TOKEN}%' OR warnings::text LIKE '%${REASON_TOKEN}%'`)).toBe(0);

    const view = (await as(finance).get(`/api/tenders/${tenderId}/package`)).body;
    expect(view).toMatchObject({ tenderId, type: 'tender-package', latestVersion: 1, subject: { type: 'tender', id: tenderId } });
    expect(view.versions[0]).toMatchObject({ version: 1, signed: true, override: { by: { id: manager.id, name: manager.name } }, warnings: [] });
    expect(view.versions[0].files.map((f: { format: string }) => f.format)).toEqual(['bundle', 'docx', 'pdf']);
    expect(JSON.stringify(view)).not.toContain(REASON_TOKEN);
    sections = view.versions[0].sections;
    expect(sections.map((s) => s.key)).toEqual([...TENDER_SECTIONS]);
    expect((await as(finance).get(`/api/tenders/${tenderId}`)).body.status).toBe('generated');

    pdf = await as(finance).download(`/api/tenders/${tenderId}/package/file?format=pdf`);
    docx = await as(finance).download(`/api/tenders/${tenderId}/package/file?format=docx&version=1`);
    bundle = await as(finance).download(`/api/tenders/${tenderId}/package/file?format=bundle`);
    const sums = Object.fromEntries(view.versions[0].files.map((f: { format: string; sha256: string }) => [f.format, f.sha256]));
    expect(sha256(pdf)).toBe(sums.pdf);
    expect(sha256(docx)).toBe(sums.docx);
    texts = await pageTexts(pdf);
  }, 180_000);

  it('is one valid signature over the whole document and passes qpdf --check', async () => {
    await withFiles({ 'p.pdf': pdf }, async (dir) => {
      const sig = await tool('pdfsig', [join(dir, 'p.pdf')]);
      expect(sig.out).toContain('Signature is Valid.');
      expect(sig.out).toContain('Total document signed');
      expect(sig.out.match(/Signature #\d+/g)).toHaveLength(1);
      const check = await tool('qpdf', ['--check', join(dir, 'p.pdf')]);
      expect(check.code).toBe(0);
      expect(check.out).toContain('No syntax or stream encoding errors found');
      const fonts = (await tool('pdffonts', [join(dir, 'p.pdf')])).out;
      expect(fonts).not.toMatch(/Type 3/);
    });
  });

  it('has a table of contents whose every entry is found on the page it names', async () => {
    const toc = sections.find((s) => s.key === 'toc')!;
    expect(toc.firstPage).toBe(2);
    const layout = await pageTexts(pdf, true);
    const tocText = layout.slice(toc.firstPage - 1, toc.lastPage).join('\n');
    expect(tocText).toContain(ZH.toc);
    for (const section of sections.filter((s) => s.key !== 'toc')) {
      const line = new RegExp(`${escape(section.title)}\\s+(\\d+)\\s*$`, 'm').exec(tocText);
      expect(line).not.toBeNull();
      const page = Number(line![1]);
      expect(page).toBe(section.firstPage);
      expect(squash(texts[page - 1]!)).toContain(squash(section.title));
    }
    // And the bookmarks say the same.
    const outline = await withFiles({ 'p.pdf': pdf }, async (dir) => (await tool('qpdf', ['--json', '--json-key=outlines', join(dir, 'p.pdf')])).out);
    for (const s of sections) expect(outline).toContain(JSON.stringify(s.title).slice(1, -1));
  });

  it('prints the quotation total in capital numerals in the bid letter and the opening summary, and seals the bid letter', async () => {
    const capital = toChineseCapital(quotation.total);
    for (const key of ['bid_letter', 'opening_summary', 'itemised_quotation']) {
      const s = sections.find((x) => x.key === key)!;
      expect(squash(texts.slice(s.firstPage - 1, s.lastPage).join(''))).toContain(capital);
    }
    const letter = sections.find((s) => s.key === 'bid_letter')!;
    const images = await withFiles({ 'p.pdf': pdf }, async (dir) =>
      (await tool('pdfimages', ['-list', '-f', String(letter.lastPage), '-l', String(letter.lastPage), join(dir, 'p.pdf')])).out,
    );
    expect(images).toMatch(/\bsmask\b/); // the seal PNG's alpha channel
  });

  it('appends every scan after its section: pages = rendered pages + attachment pages', async () => {
    const total = await pdfPages(pdf);
    expect(texts).toHaveLength(total);
    const scansOf = (ids: string[]) => ids.flatMap((id) => uploads.get(id) ?? []);
    const qualIds = proposedQualifications.filter((q) => q.type !== 'credit_rating').map((q) => q.id);
    const creditIds = proposedQualifications.filter((q) => q.type === 'credit_rating').map((q) => q.id);
    const expected = {
      qualifications: scansOf(qualIds),
      performance: scansOf(proposedRecords),
      credit: scansOf(creditIds),
    };

    const kindOf = (text: string) => (/SCAN-/.test(text) ? 'pdf-scan' : /^-\d+\/\d+-$/.test(squash(text)) ? 'image' : 'rendered');
    const kinds = texts.map(kindOf);
    const range = (key: string) => sections.find((s) => s.key === key)!;
    let attachmentPages = 0;
    for (const [key, list] of Object.entries(expected)) {
      const s = range(key);
      const pages = kinds.slice(s.firstPage - 1, s.lastPage);
      const pdfPagesExpected = list.filter((u) => u.kind === 'pdf').reduce((n, u) => n + u.pages, 0);
      const images = list.filter((u) => u.kind !== 'pdf').length;
      expect(pages.filter((k) => k === 'pdf-scan')).toHaveLength(pdfPagesExpected);
      expect(pages.filter((k) => k === 'image')).toHaveLength(images);
      // The section's own pages come first, then its scans.
      const own = pages.filter((k) => k === 'rendered').length;
      expect(own).toBeGreaterThanOrEqual(1);
      expect(pages.slice(0, own).every((k) => k === 'rendered')).toBe(true);
      // Each PDF scan: all its pages, in order, inside this section.
      for (const u of list.filter((x) => x.kind === 'pdf')) {
        const at = texts.map((text, i) => (text.includes(`${u.marker}-P`) ? i + 1 : 0)).filter(Boolean);
        expect(at).toHaveLength(u.pages);
        expect(at[0]!).toBeGreaterThanOrEqual(s.firstPage);
        expect(at.at(-1)!).toBeLessThanOrEqual(s.lastPage);
        for (let n = 1; n <= u.pages; n++) expect(texts[at[n - 1]! - 1]).toContain(`${u.marker}-P${n}`);
      }
      attachmentPages += pdfPagesExpected + images;
    }
    // Every other section is rendered pages only; together they and the scans are the whole document.
    const rendered = kinds.filter((k) => k === 'rendered').length;
    expect(total).toBe(rendered + attachmentPages);
    expect(attachmentPages).toBeGreaterThanOrEqual(proposedQualifications.length + proposedRecords.length);
    // Continuous page numbers on every page, scans included.
    texts.forEach((text, i) => expect(squash(text)).toContain(`-${i + 1}/${total}-`));
  });

  it('writes the editable sections into the DOCX: every title, the capital total, no scans', async () => {
    const text = squash(pyDocxText(await readDocxWithPython(docx)));
    for (const s of sections.filter((x) => x.key !== 'toc')) expect(text).toContain(squash(s.title));
    expect(text).toContain(toChineseCapital(quotation.total));
    expect(text).not.toContain('SCAN-');
  });

  it('prints the override reason nowhere: PDF, DOCX and every file of the bundle', async () => {
    const reasonParts = [REASON_TOKEN, squash(REASON.slice(REASON_TOKEN.length))];
    const pdfText = squash(texts.join(''));
    const docxText = squash(pyDocxText(await readDocxWithPython(docx)));
    for (const part of reasonParts) {
      expect(pdfText).not.toContain(part);
      expect(docxText).not.toContain(part);
      expect(pdf.includes(Buffer.from(REASON_TOKEN))).toBe(false);
    }
    await withFiles({ 'b.zip': bundle }, async (dir) => {
      const unzip = await tool('unzip', ['-q', join(dir, 'b.zip'), '-d', join(dir, 'out')]);
      expect(unzip.code).toBe(0);
      const names = await readdir(join(dir, 'out'));
      expect(names.sort()).toEqual(expect.arrayContaining(['manifest.json', 'manifest.json.p7s']));
      for (const name of names) {
        const bytes = await readFile(join(dir, 'out', name));
        if (name.endsWith('.pdf')) expect(sha256(bytes)).toBe(sha256(pdf));
        else if (name.endsWith('.docx')) expect(sha256(bytes)).toBe(sha256(docx));
        else for (const part of reasonParts) expect(bytes.toString('utf8')).not.toContain(part);
      }
    });
  });

  it('makes version 2 after a change and keeps version 1 downloadable as it was', async () => {
    const patch = await as(backoffice).patch(`/api/tenders/${tenderId}`, {
      requirements: {
        deviations: [{ clause: '第五章 4.1', requirement: '防护等级不低于 IP65', response: 'E2E-V2-IP68 防护等级 IP68', deviation: 'positive' }],
      },
    });
    expect(patch.status).toBe(200);
    const res = await as(manager.token).post(`/api/tenders/${tenderId}/package?wait=true`, { override: { reason: REASON } });
    expect(res.status).toBe(201);
    expect(res.body.latestVersion).toBe(2);
    expect(res.body.versions.map((v: { version: number }) => v.version)).toEqual([1, 2]);
    const [v1, v2] = res.body.versions as { files: { format: string; sha256: string; fileName: string }[] }[];
    const pdfOf = (v: typeof v1) => v!.files.find((f) => f.format === 'pdf')!;
    expect(pdfOf(v1).fileName).toBe('tender-package-QLGT-ZB-2026-0288-v1-zh-CN.pdf');
    expect(pdfOf(v2).fileName).toBe('tender-package-QLGT-ZB-2026-0288-v2-zh-CN.pdf');
    expect(pdfOf(v2).sha256).not.toBe(pdfOf(v1).sha256);

    const old = await as(sales.token).download(`/api/tenders/${tenderId}/package/file?format=pdf&version=1`);
    expect(sha256(old)).toBe(pdfOf(v1).sha256);
    expect(sha256(old)).toBe(sha256(pdf));
    const latest = await as(sales.token).download(`/api/tenders/${tenderId}/package/file?format=pdf`);
    expect(sha256(latest)).toBe(pdfOf(v2).sha256);
    expect(squash((await pageTexts(latest)).join(''))).toContain('E2E-V2-IP68');
    expect(squash(texts.join(''))).not.toContain('E2E-V2-IP68');
    expect((await as(sales.token).get(`/api/tenders/${tenderId}/package/file?format=pdf&version=3`)).status).toBe(404);
    expect(await count(`SELECT count(*) AS n FROM audit_log WHERE action = 'tender.package.override' AND entity_id = '${tenderId}'`)).toBe(2);
  }, 180_000);

  // Changed with issue #18: the send answers 202 with the outbox message (it was 200 with the SMTP result after a
  // synchronous send); the mail arrives when the outbox job has sent it.
  it('queues parts for the sales owner in the outbox (202): unsigned extracts of their pages, cut when sent', async () => {
    const res = await as(backoffice).post(`/api/tenders/${tenderId}/package/send`, { parts: ['bid_letter', 'qualifications'], version: 1 });
    expect(res.status).toBe(202);
    const range = (key: string) => sections.find((x) => x.key === key)!;
    expect(res.body).toMatchObject({
      status: 'queued',
      to: [sales.email],
      about: { type: 'tender', id: tenderId },
      audience: 'sales-owner',
      version: 1,
      attachments: ['tender-package-QLGT-ZB-2026-0288-v1-bid_letter.pdf', 'tender-package-QLGT-ZB-2026-0288-v1-qualifications.pdf'],
      files: ['bid_letter', 'qualifications'].map((key) => ({
        fileName: `tender-package-QLGT-ZB-2026-0288-v1-${key}.pdf`,
        part: key,
        pages: `${range(key).firstPage}-${range(key).lastPage}`,
      })),
    });
    // The sales owner follows it on the outbox (their tender's mail).
    const sent = await settled(res.body.id, sales.token);
    expect(sent).toMatchObject({ status: 'sent', attempts: 1 });
    expect(smtp.received).toHaveLength(1);
    const [mail] = await receivedAs(sent.messageId);
    expect(mail!.to && !Array.isArray(mail!.to) ? mail!.to.value[0]!.address : null).toBe(sales.email);
    expect(mail!.subject).toContain('QLGT-ZB-2026-0288');
    expect(mail!.text).toContain('未经签章');
    expect(mail!.html).toContain('未经签章');
    expect(mail!.attachments.map((a) => a.filename)).toEqual([
      'tender-package-QLGT-ZB-2026-0288-v1-bid_letter.pdf',
      'tender-package-QLGT-ZB-2026-0288-v1-qualifications.pdf',
    ]);
    for (const [i, key] of ['bid_letter', 'qualifications'].entries()) {
      const s = range(key);
      const part = mail!.attachments[i]!.content;
      expect(await pdfPages(part)).toBe(s.lastPage - s.firstPage + 1);
      const partTexts = await pageTexts(part);
      // The same pages as in the package, page numbers of the package included.
      partTexts.forEach((text, n) => expect(squash(text)).toBe(squash(texts[s.firstPage - 1 + n]!)));
      await withFiles({ 'x.pdf': part }, async (dir) => {
        expect((await tool('qpdf', ['--check', join(dir, 'x.pdf')])).code).toBe(0);
        expect((await tool('pdfsig', [join(dir, 'x.pdf')])).out).toContain('does not contain any signatures');
      });
    }
    const audit = await t.db.query<{ details: { parts: string[]; to: string; outboxMessageId: string } }>(`SELECT details FROM audit_log WHERE action = 'tender.package.send'`);
    expect(audit.map((a) => a.details)).toEqual([expect.objectContaining({ parts: ['bid_letter', 'qualifications'], to: sales.email, outboxMessageId: res.body.id })]);
  });

  it('queues the whole signed package and its DOCX, sent byte for byte as stored', async () => {
    const res = await as(sales.token).post(`/api/tenders/${tenderId}/package/send`, { parts: ['all'], formats: ['pdf', 'docx'] });
    expect(res.status).toBe(202);
    expect(res.body.version).toBe(2);
    expect(res.body.files.map((f: { part: string }) => f.part)).toEqual(['pdf', 'docx']);
    const sent = await settled(res.body.id);
    expect(sent.status).toBe('sent');
    const [mail] = await receivedAs(sent.messageId);
    expect(mail!.attachments.map((a) => a.filename)).toEqual([
      'tender-package-QLGT-ZB-2026-0288-v2-zh-CN.pdf',
      'tender-package-QLGT-ZB-2026-0288-v2-zh-CN.docx',
    ]);
    const view = (await as(sales.token).get(`/api/tenders/${tenderId}/package`)).body;
    const sums = Object.fromEntries(view.versions[1].files.map((f: { format: string; sha256: string }) => [f.format, f.sha256]));
    expect(sha256(mail!.attachments[0]!.content)).toBe(sums.pdf);
    expect(sha256(mail!.attachments[1]!.content)).toBe(sums.docx);
    expect(mail!.text).not.toContain('未经签章');

    const before = await count(`SELECT count(*) AS n FROM outbox_messages`);
    const unknown = await as(sales.token).post(`/api/tenders/${tenderId}/package/send`, { parts: ['bogus'] });
    expect(unknown.status).toBe(400);
    const noVersion = await as(sales.token).post(`/api/tenders/${tenderId}/package/send`, { parts: ['all'], formats: ['docx'], version: 3 });
    expect(noVersion.status).toBe(404);
    expect(await count(`SELECT count(*) AS n FROM outbox_messages`)).toBe(before);
  });

  it('sends a package while the mail server is down: queued, retried, and once it is back delivered exactly once', async () => {
    await smtp.stop();
    const received = smtp.received.length;
    const res = await as(backoffice).post(`/api/tenders/${tenderId}/package/send`, { parts: ['all', 'bid_letter', 'credit'], formats: ['pdf', 'bundle'], version: 1 });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ status: 'queued', attempts: 0, to: [sales.email] });
    const files = [
      'tender-package-QLGT-ZB-2026-0288-v1-zh-CN.pdf',
      'tender-package-QLGT-ZB-2026-0288-v1-zh-CN.zip',
      'tender-package-QLGT-ZB-2026-0288-v1-bid_letter.pdf',
      'tender-package-QLGT-ZB-2026-0288-v1-credit.pdf',
    ];
    expect(res.body.attachments).toEqual(files);
    // An attempt failed against the closed port and the message waits for the next one.
    const waiting = await until(
      'a failed attempt',
      async () => (await as(backoffice).get(`/api/outbox/${res.body.id}`)).body as { status: string; attempts: number; lastError: string | null },
      (m) => m.attempts >= 1 && m.status === 'queued',
      30_000,
      250,
    );
    expect(waiting.lastError).toBeTruthy();
    expect(smtp.received).toHaveLength(received);

    await smtp.start();
    const sent = await settled(res.body.id);
    expect(sent.status).toBe('sent');
    expect(sent.attempts).toBeGreaterThanOrEqual(2);
    await sleep(1500); // room for a duplicate, if there were one
    expect(smtp.received).toHaveLength(received + 1);
    const mails = await receivedAs(sent.messageId);
    expect(mails).toHaveLength(1);
    const mail = mails[0]!;
    expect(mail.attachments.map((a) => a.filename)).toEqual(files);
    const v1 = (await as(backoffice).get(`/api/tenders/${tenderId}/package`)).body.versions[0];
    const sums = Object.fromEntries(v1.files.map((f: { format: string; sha256: string }) => [f.format, f.sha256]));
    expect(sha256(mail.attachments[0]!.content)).toBe(sums.pdf);
    expect(sha256(mail.attachments[1]!.content)).toBe(sums.bundle);
    for (const [i, key] of ['bid_letter', 'credit'].entries()) {
      const s = sections.find((x) => x.key === key)!;
      const part = mail.attachments[2 + i]!.content;
      expect(await pdfPages(part)).toBe(s.lastPage - s.firstPage + 1);
      expect(squash((await pageTexts(part))[0]!)).toBe(squash(texts[s.firstPage - 1]!));
    }
    expect(mail.text).toContain('签名文件包');
    expect(mail.text).toContain('未经签章');
    expect(await count(`SELECT count(*) AS n FROM audit_log WHERE action = 'tender.package.send'`)).toBe(3);
  }, 90_000);

  it('refuses a tender without a quotation, and one whose required type nobody holds (QUALIFICATION_MISSING)', async () => {
    const base = {
      tenderNo: 'E2E-NOQ-1',
      projectName: '无报价测试',
      buyer: '青澜钢铁集团有限公司',
      deadline: `${addDays(todayIso(), 20)}T10:00:00`,
      requirements: { qualificationTypes: ['business_licence'], sections: ['cover', 'bid_letter'] },
    };
    const noQuotation = (await as(backoffice).post('/api/tenders', base)).body.id;
    const res = await as(manager.token).post(`/api/tenders/${noQuotation}/package?wait=true`, { override: { reason: REASON } });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('TENDER_QUOTATION_REQUIRED');

    const missing = await as(backoffice).post('/api/tenders', {
      ...base,
      tenderNo: 'E2E-MISS-1',
      quotationId: quotation.id,
      requirements: { qualificationTypes: ['business_licence', 'iso45001'], sections: ['cover', 'bid_letter'] },
    });
    const c = (await as(backoffice).get(`/api/tenders/${missing.body.id}/candidates`)).body;
    const valid = c.proposedQualificationIds.filter((id: string) => !c.blocking.some((b: { id: string }) => b.id === id));
    expect((await as(backoffice).put(`/api/tenders/${missing.body.id}/selection`, { qualificationIds: valid })).status).toBe(200);
    const refused = await as(backoffice).post(`/api/tenders/${missing.body.id}/package?wait=true`);
    expect(refused.status).toBe(422);
    expect(refused.body.error).toMatchObject({ code: 'QUALIFICATION_MISSING', details: { blocking: [], missingTypes: ['iso45001'] } });
  });

  it('renders an en tender in English, without an override when nothing blocks', async () => {
    const created = await as(backoffice).post('/api/tenders', {
      tenderNo: 'QLGT-ZB-2026-0301-EN',
      projectName: 'Sinter plant slurry density measurement',
      buyer: 'Qinglan Iron & Steel Group',
      deadline: `${addDays(todayIso(), 20)}T10:00:00`,
      quotationId: quotation.id,
      language: 'en',
      requirements: {
        qualificationTypes: ['business_licence', 'iso9001', 'credit_rating'],
        sections: ['cover', 'toc', 'bid_letter', 'opening_summary', 'qualifications', 'credit'],
      },
    });
    expect(created.status).toBe(201);
    const id = created.body.id;
    const noOwner = await as(backoffice).post(`/api/tenders/${id}/package/send`, {});
    expect(noOwner.status).toBe(422);
    expect(noOwner.body.error.code).toBe('SALES_OWNER_EMAIL_MISSING');

    const res = await as(backoffice).post(`/api/tenders/${id}/package?wait=true`);
    expect(res.status).toBe(201);
    const v = res.body.versions[0];
    expect(v).toMatchObject({ version: 1, locale: 'en', override: null });
    expect(v.sections.map((s: Section) => s.title)).toEqual([EN.cover, EN.toc, EN.bid_letter, EN.opening_summary, EN.qualifications, EN.credit]);
    const enPdf = await as(backoffice).download(`/api/tenders/${id}/package/file`);
    const enTexts = await pageTexts(enPdf);
    for (const s of v.sections as Section[]) expect(squash(enTexts[s.firstPage - 1]!)).toContain(squash(s.title));
    expect(squash(enTexts.join(''))).not.toContain(squash(ZH.bid_letter));
    const layout = await pageTexts(enPdf, true);
    const toc = (v.sections as Section[]).find((s) => s.key === 'toc')!;
    expect(layout[toc.firstPage - 1]).toMatch(new RegExp(`${escape(EN.bid_letter)}\\s+${(v.sections as Section[])[2]!.firstPage}\\s*$`, 'm'));
    expect(await count(`SELECT count(*) AS n FROM audit_log WHERE action = 'tender.package.override' AND entity_id = '${id}'`)).toBe(0);
  }, 120_000);

  it('renders an es tender in Spanish: section titles, letter, terms and figures, in the PDF and the DOCX', async () => {
    const created = await as(backoffice).post('/api/tenders', {
      tenderNo: 'QLGT-ZB-2026-0301-ES',
      projectName: 'Medición de densidad de pulpa en la planta de sinterización',
      buyer: 'Qinglan Iron & Steel Group',
      deadline: `${addDays(todayIso(), 20)}T10:00:00`,
      quotationId: quotation.id,
      language: 'es',
      requirements: {
        qualificationTypes: ['business_licence', 'iso9001', 'credit_rating'],
        sections: ['cover', 'toc', 'bid_letter', 'opening_summary', 'itemised_quotation', 'authorisation', 'credit'],
      },
    });
    expect(created.status).toBe(201);
    const res = await as(backoffice).post(`/api/tenders/${created.body.id}/package?wait=true`);
    expect(res.status).toBe(201);
    const v = res.body.versions[0];
    expect(v).toMatchObject({ version: 1, locale: 'es' });
    expect(v.sections.map((s: Section) => s.title)).toEqual([
      ES.cover,
      ES.toc,
      ES.bid_letter,
      ES.opening_summary,
      ES.itemised_quotation,
      ES.authorisation,
      ES.credit,
    ]);
    const pdf = await as(backoffice).download(`/api/tenders/${created.body.id}/package/file`);
    const texts = await pageTexts(pdf);
    for (const s of v.sections as Section[]) expect(squash(texts[s.firstPage - 1]!)).toContain(squash(s.title));
    const all = squash(texts.join(''));
    for (const words of [
      'Documentación de la oferta',
      'Tras haber examinado en su totalidad los pliegos',
      'días naturales',
      'Poder de representación',
      'en numerales chinos',
      'Forma de pago',
    ]) {
      expect([words, all.includes(squash(words))]).toEqual([words, true]);
    }
    // Spanish figures: the total with a decimal comma and the currency's code after it
    expect(all).toMatch(/\d{1,3}(\.\d{3})*,\d{2}CNY/);
    expect(all).not.toContain(squash(ZH.bid_letter));
    expect(all).not.toContain('投标函');
    const docxFile = await as(backoffice).download(`/api/tenders/${created.body.id}/package/file?format=docx`);
    const docxText = squash(pyDocxText(await readDocxWithPython(docxFile)));
    for (const s of (v.sections as Section[]).filter((x) => x.key !== 'toc'))
      expect(docxText).toContain(squash(s.title));
    expect(docxText).toContain(squash('Tras haber examinado en su totalidad los pliegos'));
  }, 120_000);

  it('prints a long table in several renders joined into its one section: header row on every page, every row once, totals and signature at its end', async () => {
    // The composer the package job runs, with 2 rows per render (ROWS_PER_RENDER in production) on the template's
    // sample: 5 quotation lines -> 3 renders, 3 deviations -> 2, 5 qualifications -> 3, 3 references -> 2.
    const model = t.app.get(RenderingService).sample('tender-package') as TenderPackageModel;
    const composed = await t.app.get(TenderPackageComposer).compose({
      model,
      layout: packageLayout([...TENDER_SECTIONS]),
      locale: 'zh-CN',
      title: 'E2E parts',
      attachments: {},
      seal: null,
      rowsPerRender: 2,
    });
    expect(composed.sections.map((s) => s.key)).toEqual([...TENDER_SECTIONS]);
    expect(composed.attachmentPages).toBe(0);
    const partTexts = await pageTexts(composed.pdf);
    const partLayout = await pageTexts(composed.pdf, true);
    expect(partTexts).toHaveLength(composed.pages);
    // One bookmark and one TOC line per section, on the page where its title is.
    const toc = composed.sections.find((s) => s.key === 'toc')!;
    for (const s of composed.sections.filter((x) => x.key !== 'toc')) {
      const line = new RegExp(`${escape(s.title)}\\s+(\\d+)\\s*$`, 'm').exec(partLayout[toc.firstPage - 1]!);
      expect([s.key, Number(line?.[1])]).toEqual([s.key, s.firstPage]);
      expect(squash(partTexts[s.firstPage - 1]!)).toContain(squash(s.title));
    }
    const outline = await withFiles({ 'p.pdf': composed.pdf }, async (dir) => (await tool('qpdf', ['--json', '--json-key=outlines', join(dir, 'p.pdf')])).out);
    for (const s of composed.sections) expect(outline.split(JSON.stringify(s.title).slice(1, -1)).length - 1).toBe(1);

    const pagesOf = (key: string) => {
      const s = composed.sections.find((x) => x.key === key)!;
      return partTexts.slice(s.firstPage - 1, s.lastPage).map(squash);
    };
    const occurrences = (pages: string[], text: string) => pages.map((p) => p.split(squash(text)).length - 1);
    const items = pagesOf('itemised_quotation');
    expect(items.length).toBeGreaterThanOrEqual(3); // each render starts a page
    for (const page of items) expect(page).toContain('产品编码'); // the header row
    for (const line of model.quotation.lines) expect(occurrences(items, line.productCode!).reduce((a, b) => a + b)).toBe(1);
    expect(occurrences(items, model.titles.itemised_quotation).reduce((a, b) => a + b)).toBe(1);
    expect(items[0]).toContain(squash(model.titles.itemised_quotation));
    expect(occurrences(items, model.quotation.totalInWords)).toEqual([...Array(items.length - 1).fill(0), 1]);
    expect(occurrences(items, '投标人（盖章）')).toEqual([...Array(items.length - 1).fill(0), 1]);
    for (const [key, texts] of [
      ['deviation_table', model.deviations.map((d) => d.clause)],
      // Dates print unbroken (nowrap); a certificate number may wrap inside its cell.
      ['qualifications', model.qualifications.map((q) => q.validFrom)],
      ['performance', model.performance.map((r) => r.signedDate)],
    ] as const) {
      const pages = pagesOf(key);
      expect([key, pages.length >= 2]).toEqual([key, true]);
      for (const text of texts) expect([key, text, occurrences(pages, text).reduce((a, b) => a + b)]).toEqual([key, text, 1]);
      expect(occurrences(pages, '投标人（盖章）')).toEqual([...Array(pages.length - 1).fill(0), 1]);
    }
    // Continuous page numbers over the joined parts.
    partTexts.forEach((text, i) => expect(squash(text)).toContain(`-${i + 1}/${composed.pages}-`));
  }, 120_000);
});
