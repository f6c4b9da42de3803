import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import yauzl from 'yauzl';
import { readDocxWithPython, pyDocxText } from '../../src/rendering/docx/testing/python-docx.js';
import { TemplateEngine } from '../../src/rendering/templates/template-engine.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { pdfBodyText, pdfText, squash, tool, withFiles } from '../support/tools.js';

const binary = (
  res: { on: (e: string, cb: (chunk?: Buffer) => void) => void; setEncoding?: unknown },
  cb: (err: Error | null, body: Buffer) => void,
) => {
  const chunks: Buffer[] = [];
  res.on('data', (c?: Buffer) => chunks.push(c!));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
};

function unzip(zip: Buffer): Promise<Record<string, Buffer>> {
  return new Promise((ok, fail) => {
    yauzl.fromBuffer(zip, { lazyEntries: true }, (err, z) => {
      if (err || !z) return fail(err);
      const out: Record<string, Buffer> = {};
      z.on('entry', (entry: yauzl.Entry) => {
        z.openReadStream(entry, (e, s) => {
          if (e || !s) return fail(e);
          const parts: Buffer[] = [];
          s.on('data', (c: Buffer) => parts.push(c));
          s.on('end', () => {
            out[entry.fileName] = Buffer.concat(parts);
            z.readEntry();
          });
        });
      });
      z.on('end', () => ok(out));
      z.readEntry();
    });
  });
}

describe('documents: render, store, sign, bundle, verify', () => {
  let t: TestApp;
  let token: string;
  const templates = new TemplateEngine().types();

  beforeAll(async () => {
    t = await startTestApp('documents');
    token = (await t.userWith(['backoffice'])).token;
  });
  afterAll(async () => {
    await t?.close();
  });

  const download = async (id: string, format: string, version?: number) => {
    const res = await t
      .http()
      .get(`/api/documents/${id}/file?format=${format}${version ? `&version=${version}` : ''}`)
      .auth(token, { type: 'bearer' })
      .buffer(true)
      .parse(binary);
    expect(res.status).toBe(200);
    return res.body as Buffer;
  };

  it('lists the templates with their versions', async () => {
    const res = await t.http().get('/api/templates').auth(token, { type: 'bearer' });
    expect(res.body).toEqual(
      expect.arrayContaining([
        { type: 'customer-statement', version: expect.stringMatching(/^[0-9a-f]{64}$/), previewRecord: 'statement' },
      ]),
    );
  });

  describe.each(templates)('template %s', (template) => {
    let doc: {
      id: string;
      latestVersion: number;
      versions: {
        templateVersions: Record<string, string>;
        files: { format: string; sha256: string; size: number }[];
      }[];
    };
    let pdf: Buffer;
    let docx: Buffer;
    let bundle: Buffer;
    const sample = new TemplateEngine().sample(template) as Record<string, unknown>;

    beforeAll(async () => {
      const res = await t
        .http()
        .post('/api/documents?wait=true')
        .auth(token, { type: 'bearer' })
        .send({ template, data: sample, formats: ['pdf', 'docx', 'bundle'], sign: true });
      expect(res.status).toBe(201);
      doc = res.body;
      [pdf, docx, bundle] = await Promise.all([
        download(doc.id, 'pdf'),
        download(doc.id, 'docx'),
        download(doc.id, 'bundle'),
      ]);
    }, 120_000);

    it('records the template version and the hash and size of every file', () => {
      expect(doc.latestVersion).toBe(1);
      expect(doc.versions[0].templateVersions[template]).toBe(new TemplateEngine().version(template));
      const formats = Object.fromEntries(doc.versions[0].files.map((f) => [f.format, f]));
      expect(Object.keys(formats).sort()).toEqual(['bundle', 'docx', 'pdf']);
      expect(formats.pdf.size).toBe(pdf.length);
    });

    it('makes a PDF that qpdf accepts, signed over the whole file, with embedded fonts only', async () => {
      await withFiles({ 'd.pdf': pdf }, async (dir) => {
        expect((await tool('qpdf', ['--check', `${dir}/d.pdf`])).code).toBe(0);
        const sig = await tool('pdfsig', [`${dir}/d.pdf`]);
        expect(sig.out).toContain('Signature is Valid.');
        expect(sig.out).toContain('Total document signed');
        const fonts = (await tool('pdffonts', [`${dir}/d.pdf`])).out.split('\n').slice(2).filter(Boolean);
        expect(fonts.length).toBeGreaterThan(0);
        for (const line of fonts) {
          expect(line).not.toMatch(/Type 3/);
          expect(line).toMatch(/\byes\s+yes\s+(yes|no)\s+\d+\s+\d+\s*$/); // emb sub uni
        }
      });
    });

    it('puts the same text in the DOCX as in the PDF body', async () => {
      // pdftotext reads tables column by column and the PDF repeats table headers per page, so the check is
      // on the characters (whitespace aside), not their order, on a 1-page sample (no repeated headers).
      const chars = (s: string) => [...squash(s)].sort().join('');
      const pdfBody = await pdfBodyText(pdf);
      const docxBody = pyDocxText(await readDocxWithPython(docx));
      expect(squash(docxBody).length).toBeGreaterThan(50);
      expect(chars(pdfBody)).toBe(chars(docxBody));
    });

    it('prints page X of Y on every page (or none, for templates numbered where they are assembled)', async () => {
      const assembled = new TemplateEngine().pageNumbering(template) === 'assembly';
      const pages = Number(
        /Pages:\s+(\d+)/.exec((await withFiles({ 'd.pdf': pdf }, (dir) => tool('pdfinfo', [`${dir}/d.pdf`]))).out)![1],
      );
      for (let p = 1; p <= pages; p++) {
        const text = squash(await pdfText(pdf, p));
        if (assembled) expect(text).not.toMatch(/第\d+页\/共\d+页|Page\d+of\d+/);
        else expect(text).toMatch(new RegExp(`第${p}页/共${pages}页|Page${p}of${pages}`));
      }
    });

    it('signs the bundle manifest so that openssl verifies it with the published certificate', async () => {
      const cert = await t.http().get('/api/signing/certificate');
      expect(cert.status).toBe(200);
      expect(cert.text).toContain('BEGIN CERTIFICATE');
      const files = await unzip(bundle);
      expect(Object.keys(files).sort()).toEqual(expect.arrayContaining(['manifest.json', 'manifest.json.p7s']));
      const manifest = JSON.parse(files['manifest.json'].toString('utf8'));
      expect(manifest).toMatchObject({ documentId: doc.id, type: template, version: 1 });
      await withFiles(
        {
          'manifest.json': files['manifest.json'],
          'manifest.json.p7s': files['manifest.json.p7s'],
          'cert.pem': cert.text,
        },
        async (dir) => {
          const v = await tool(
            'openssl',
            [
              'cms',
              '-verify',
              '-binary',
              '-inform',
              'DER',
              '-in',
              'manifest.json.p7s',
              '-content',
              'manifest.json',
              '-CAfile',
              'cert.pem',
              '-out',
              '/dev/null',
            ],
            dir,
          );
          expect(v.out).toContain('Verification successful');
          expect(v.code).toBe(0);
        },
      );
    });

    it('verifies our PDF and bundle, and refuses an altered copy', async () => {
      const ok = await t.http().post('/api/documents/verify').attach('file', pdf, 'd.pdf');
      expect(ok.body).toEqual({
        valid: true,
        documentId: doc.id,
        version: 1,
        format: 'pdf',
        reason: expect.any(String),
        origin: 'ad-hoc',
        record: null,
      });
      const okBundle = await t.http().post('/api/documents/verify').attach('file', bundle, 'd.zip');
      expect(okBundle.body).toMatchObject({ valid: true, documentId: doc.id, version: 1, format: 'bundle' });
      const altered = Buffer.from(pdf);
      altered[Math.floor(altered.length / 3)] ^= 0x01;
      const bad = await t.http().post('/api/documents/verify').attach('file', altered, 'd.pdf');
      expect(bad.body).toMatchObject({ valid: false, documentId: null });
    });
  });

  it('adds a version when a subject re-generates, and keeps the old one downloadable', async () => {
    const data = new TemplateEngine().sample('customer-statement');
    const subject = { type: 'customer', id: 'c-1' };
    const v1 = await t
      .http()
      .post('/api/documents?wait=true')
      .auth(token, { type: 'bearer' })
      .send({ template: 'customer-statement', data, formats: ['pdf'], sign: false, subject });
    const v2 = await t
      .http()
      .post('/api/documents?wait=true')
      .auth(token, { type: 'bearer' })
      .send({ template: 'customer-statement', data, formats: ['pdf'], sign: false, subject, locale: 'en' });
    expect(v2.body.id).toBe(v1.body.id);
    expect(v2.body.latestVersion).toBe(2);
    expect(v2.body.versions.map((v: { version: number; locale: string }) => [v.version, v.locale])).toEqual([
      [1, 'zh-CN'],
      [2, 'en'],
    ]);
    expect(squash(await pdfText(await download(v1.body.id, 'pdf', 1)))).toContain('对账单');
    expect(squash(await pdfText(await download(v1.body.id, 'pdf', 2)))).toContain('StatementofAccount');
  });

  it('renders as a job: 202, then the job reports the document', async () => {
    const res = await t
      .http()
      .post('/api/documents')
      .auth(token, { type: 'bearer' })
      .send({
        template: 'customer-statement',
        data: new TemplateEngine().sample('customer-statement'),
        formats: ['pdf'],
      });
    expect(res.status).toBe(202);
    let job = res.body;
    const deadline = Date.now() + 60_000;
    while (job.status !== 'succeeded' && job.status !== 'failed' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      job = (await t.http().get(`/api/jobs/${res.body.id}`).auth(token, { type: 'bearer' })).body;
    }
    expect(job).toMatchObject({ status: 'succeeded', result: { documentId: expect.any(String), version: 1 } });
    const meta = await t.http().get(`/api/documents/${job.result.documentId}`).auth(token, { type: 'bearer' });
    expect(meta.body.type).toBe('customer-statement');
  });

  it('refuses missing required data with a 422 naming the template, before any job', async () => {
    const jobsBefore = await t.db.query('SELECT id FROM jobs');
    const res = await t
      .http()
      .post('/api/documents')
      .auth(token, { type: 'bearer' })
      .send({ template: 'customer-statement', data: { customer: {} } });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ code: 'TEMPLATE_ERROR', details: { template: 'customer-statement' } });
    expect(await t.db.query('SELECT id FROM jobs')).toHaveLength(jobsBefore.length);
    const unknown = await t
      .http()
      .post('/api/documents')
      .auth(token, { type: 'bearer' })
      .send({ template: 'no-such-thing', data: {} });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('TEMPLATE_NOT_FOUND');
  });

  it('previews a template without storing anything', async () => {
    const before = await t.db.query('SELECT id FROM documents');
    const html = await t
      .http()
      .post('/api/templates/customer-statement/preview?format=html')
      .auth(token, { type: 'bearer' });
    expect(html.status).toBe(200);
    expect(html.text).toContain('对账单');
    const pdf = await t
      .http()
      .post('/api/templates/customer-statement/preview?format=pdf')
      .auth(token, { type: 'bearer' })
      .buffer(true)
      .parse(binary);
    expect((pdf.body as Buffer).subarray(0, 5).toString()).toBe('%PDF-');
    expect(await t.db.query('SELECT id FROM documents')).toHaveLength(before.length);
  });

  it('keeps documents away from production users', async () => {
    const prod = await t.userWith(['production']);
    const [any] = await t.db.query<{ id: string }>('SELECT id FROM documents LIMIT 1');
    const res = await t.http().get(`/api/documents/${any.id}`).auth(prod.token, { type: 'bearer' });
    expect(res.status).toBe(403);
  });
});
