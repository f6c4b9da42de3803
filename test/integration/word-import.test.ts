import 'reflect-metadata';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Module, type DynamicModule, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import yauzl from 'yauzl';
import { AppException } from '../../src/common/errors/app-exception.js';
import { ErrorCode } from '../../src/common/errors/error-codes.js';
import { loadConfig } from '../../src/config/app-config.js';
import { ConfigModule } from '../../src/config/config.module.js';
import { FileError } from '../../src/modules/files/files.errors.js';
import { importWordTemplate, type WordImportResult } from '../../src/modules/templates/word-import/word-import.js';
import { MAX_XML_BYTES } from '../../src/modules/templates/word-import/docx-package.js';
import { WordImportError } from '../../src/modules/templates/word-import/word-import.errors.js';
import { zipParts } from '../../src/rendering/docx/docx-zip.js';
import { pyDocxText, readDocxWithPython } from '../../src/rendering/docx/testing/python-docx.js';
import { RenderingModule } from '../../src/rendering/rendering.module.js';
import { RenderingService } from '../../src/rendering/rendering.service.js';
import { defaultTemplatesRoot, TemplateEngine, TEMPLATES_ROOT } from '../../src/rendering/templates/template-engine.js';
import { pdfText, squash } from '../support/tools.js';

// Word fixtures (test/fixtures/word, made by make-fixtures.py with python-docx) -> template draft -> the real
// TemplateEngine, Chromium (PDF, read back with pdftotext) and the DOCX mapping (read back with python-docx).

const fixture = (name: string) => readFileSync(new URL(`../fixtures/word/${name}`, import.meta.url));

const DATA = {
  tender: {
    buyer: '江南市水务集团有限公司',
    name: '江南市第二水厂智慧水务改造项目',
    number: 'JN-ZB-2026-118',
    validityDays: 90,
    date: '2026-12-07',
  },
  lines: [
    { name: '智能水表 DN50', quantity: 120, amount: '96000.00' },
    { name: '电磁流量计', quantity: 8, amount: '51480.00' },
  ],
  total: '147480.00',
  company: { name: '华东精工设备有限公司', phone: '0571-8888 6666' },
};

/** A templates root holding the built-in partials and one type made of the import's files. */
function templatesRoot(dir: string, type: string, result: WordImportResult): string {
  const root = join(dir, 'templates');
  cpSync(join(defaultTemplatesRoot(), '_partials'), join(root, '_partials'), { recursive: true });
  mkdirSync(join(root, type));
  for (const [name, text] of Object.entries(result.files)) writeFileSync(join(root, type, name), text);
  return root;
}

class TemplatesRootModule {
  static forRoot(root: string): DynamicModule {
    return {
      module: TemplatesRootModule,
      global: true,
      providers: [{ provide: TEMPLATES_ROOT, useValue: root }],
      exports: [TEMPLATES_ROOT],
    };
  }
}

async function refusal(promise: Promise<unknown>): Promise<{ status: number; code: string; details: unknown }> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppException);
  const e = err as AppException;
  return { status: e.status, code: e.code, details: e.details };
}

/** A .docx-shaped zip holding `part` of `size` bytes of spaces (deflates to about a thousandth of it). */
function bomb(size: number, part = 'word/document.xml'): Buffer {
  return zipParts(
    new Map<string, Uint8Array>([
      ['[Content_Types].xml', Buffer.from('<?xml version="1.0"?><Types/>')],
      [part, Buffer.alloc(size, 0x20)],
    ]),
  );
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'td-word-import-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('importWordTemplate: the bid letter fixture', () => {
  let result: WordImportResult;
  let app: INestApplicationContext;

  beforeAll(async () => {
    result = await importWordTemplate(fixture('bid-letter.docx'), { type: 'bid-letter', locale: 'zh-CN' });
    const root = templatesRoot(dir, 'bid-letter', result);
    @Module({
      imports: [
        ConfigModule.forRoot(loadConfig({ STORAGE_DIR: join(dir, 'storage') })),
        TemplatesRootModule.forRoot(root),
        RenderingModule,
      ],
    })
    class TestModule {}
    app = await NestFactory.createApplicationContext(TestModule, { logger: false });
  }, 60_000);
  afterAll(async () => {
    await app?.close();
  });

  it('converts into the subset with the placeholders kept and the table row repeated, without warnings', () => {
    const template = result.files['template.hbs'];
    expect(result.warnings).toEqual([]);
    expect(template).toContain('<h1 class="text-center">投标函</h1>');
    // "{{tender." and "name}}" are two runs in the .docx.
    expect(template).toContain('根据贵方 {{tender.name}}（项目编号：{{tender.number}}）');
    expect(template).toContain('<p><strong>我方承诺：投标有效期为 {{tender.validityDays}} 天');
    expect(template).toMatch(/\{\{#each lines\}\}<tr><td><p>\{\{inc @index\}\}<\/p><\/td>.*<\/tr>\n\{\{\/each\}\}/);
    expect(template).toContain('<p class="text-right">日期：{{date tender.date}}</p>');
    // The goods table is drawn with borders in Word (Table Grid), the signature layout table without.
    expect(template.match(/<table[^>]*>/g)).toEqual(['<table>', '<table class="plain">']);
    expect(template).toContain('<table class="plain">\n<tr><td><p>法定代表人或授权代表（签字）：</p></td>');
    expect(template).toMatch(/<img src="data:image\/png;base64,[A-Za-z0-9+/=]+">/);
    expect(template).not.toContain('{{> letterhead}}\n');
    expect(result.files['styles.css']).toContain('.doc-bid-letter { font-size: 11pt; }');
  });

  it('gives the same draft for the letter saved again by LibreOffice (another writer of the format)', async () => {
    const resaved = await importWordTemplate(fixture('bid-letter-libreoffice.docx'), {
      type: 'bid-letter',
      locale: 'zh-CN',
    });
    expect(resaved).toEqual(result);
  });

  it('renders to HTML through the real TemplateEngine with the data filled in', () => {
    const html = app.get(TemplateEngine).render('bid-letter', DATA, { locale: 'zh-CN' }).html;
    expect(html).toContain('根据贵方 江南市第二水厂智慧水务改造项目（项目编号：JN-ZB-2026-118）');
    expect(html).toContain('<td><p>2</p></td><td><p>电磁流量计</p></td><td><p>8</p></td>');
    expect(html).toContain('壹拾肆万柒仟肆佰捌拾元整');
    expect(html).not.toContain('{{');
  });

  it('renders to PDF (Chromium) and DOCX with every placeholder filled', async () => {
    const rendered = await app.get(RenderingService).render({
      template: 'bid-letter',
      data: DATA,
      formats: ['pdf', 'docx'],
      sign: false,
      locale: 'zh-CN',
    });
    const pdf = rendered.files.find((f) => f.format === 'pdf')!.bytes;
    const docx = rendered.files.find((f) => f.format === 'docx')!.bytes;
    const expected = [
      '投标函',
      '致：江南市水务集团有限公司',
      '根据贵方江南市第二水厂智慧水务改造项目（项目编号：JN-ZB-2026-118）的招标文件',
      '我方承诺：投标有效期为90天',
      '1智能水表DN50120',
      '2电磁流量计8',
      '投标总价（大写）：壹拾肆万柒仟肆佰捌拾元整',
      '投标人：华东精工设备有限公司（盖章）',
      '联系电话：0571-88886666',
      '日期：2026年12月7日',
    ];
    const pdfBody = squash(await pdfText(pdf));
    const py = await readDocxWithPython(docx);
    const docxBody = squash(pyDocxText(py));
    for (const text of expected) {
      expect(pdfBody).toContain(text);
      expect(docxBody).toContain(text);
    }
    for (const body of [pdfBody, docxBody]) expect(body).not.toMatch(/\{\{|\}\}/);
    expect(py.parts['word/document.xml']).toContain('<w:jc w:val="right"/>');
    expect(py.parts['word/document.xml']).toMatch(/<a:blip r:embed=/); // the logo
  }, 120_000);
});

describe('importWordTemplate: what it drops and refuses', () => {
  it('warns about what falls outside the subset, drops it, and the draft still renders', async () => {
    const result = await importWordTemplate(fixture('unsupported.docx'), { type: 'authorisation', locale: 'en' });
    expect(result.warnings).toEqual([
      'an image of type image/gif was dropped: only PNG and JPEG images are supported',
      "Word conversion: Unrecognised paragraph style: '公司条款' (Style ID: 公司条款)",
      "the Word document's page headers and footers were not imported: use {{> letterhead}} for the letterhead; page numbers are added by the service",
      '<s> (struck-out text) is not supported: its formatting was dropped, its text kept',
      'the hyperlink to https://example.com/terms was kept as plain text',
      'the placeholder {{shout tender.date}} was dropped: You specified knownHelpersOnly, but used the unknown helper shout',
    ]);
    const template = result.files['template.hbs'];
    expect(template).not.toMatch(/<s>|<a |<img|shout/);
    const engine = new TemplateEngine(templatesRoot(join(dir, 'unsupported'), 'authorisation', result));
    const html = engine.render('authorisation', { agent: { name: '王工' } }).html;
    expect(html).toContain('被授权人：王工 原授权人');
    expect(html).toContain('详见 招标公告');
  });

  it('says the warnings in Chinese for a zh-CN user', async () => {
    const result = await importWordTemplate(fixture('unsupported.docx'), { type: 'authorisation', locale: 'zh-CN' });
    expect(result.warnings[0]).toBe('已去掉一张 image/gif 格式的图片：只支持 PNG 和 JPEG');
  });

  it('refuses a type that is not a template folder name (it scopes the CSS), and an unknown locale', async () => {
    const docx = fixture('bid-letter.docx');
    for (const opts of [
      { type: 'x} body { color: red', locale: 'en' as const },
      { type: 'bid-letter', locale: 'fr' as unknown as 'en' },
    ]) {
      expect(await refusal(importWordTemplate(docx, opts))).toMatchObject({
        status: 400,
        code: ErrorCode.VALIDATION_FAILED,
      });
    }
  });

  it('refuses a file over the upload limit with 413 FILE_TOO_LARGE', async () => {
    const docx = fixture('bid-letter.docx');
    const r = await refusal(
      importWordTemplate(docx, { type: 'x', locale: 'en', limits: { maxBytes: docx.length - 1 } }),
    );
    expect(r).toMatchObject({ status: 413, code: FileError.FILE_TOO_LARGE });
  });

  it('refuses a zip bomb before inflating past the bound: 422 WORD_IMPORT_TOO_LARGE', async () => {
    const zip = bomb(32 * 1024 * 1024, 'word/media/image1.png');
    expect(zip.length).toBeLessThan(100 * 1024);
    const r = await refusal(
      importWordTemplate(zip, { type: 'x', locale: 'en', limits: { maxUncompressedBytes: 16 * 1024 * 1024 } }),
    );
    expect(r).toMatchObject({ status: 422, code: WordImportError.WORD_IMPORT_TOO_LARGE });
    expect(r.details).toMatchObject({ uncompressedBytesAtLeast: 32 * 1024 * 1024 + 29 }); // declared: refused unread
  });

  it('refuses more XML than mammoth may parse, well below the file bound', async () => {
    const r = await refusal(importWordTemplate(bomb(MAX_XML_BYTES + 1), { type: 'x', locale: 'en' }));
    expect(r).toMatchObject({ status: 422, code: WordImportError.WORD_IMPORT_TOO_LARGE });
    expect(r.details).toMatchObject({ xmlBytesAtLeast: MAX_XML_BYTES + 1 + 29 });
  });

  it('refuses a bomb that declares a small size: yauzl stops at the declared size', async () => {
    const zip = bomb(32 * 1024 * 1024);
    // Make both headers of document.xml (the second entry) claim 1000 bytes once inflated.
    const local = zip.indexOf(Buffer.from('word/document.xml')) - 30;
    const central = zip.lastIndexOf(Buffer.from('word/document.xml')) - 46;
    zip.writeUInt32LE(1000, local + 22);
    zip.writeUInt32LE(1000, central + 24);
    const entry = await new Promise<yauzl.Entry>((resolve, reject) =>
      yauzl.fromBuffer(zip, { lazyEntries: true }, (err, z) => {
        if (err) return reject(err);
        z.on('entry', (e: yauzl.Entry) => (e.fileName === 'word/document.xml' ? resolve(e) : z.readEntry()));
        z.readEntry();
      }),
    );
    expect(entry.uncompressedSize).toBe(1000); // the lie is read as written
    const r = await refusal(importWordTemplate(zip, { type: 'x', locale: 'en' }));
    expect(r.status).toBe(422);
    expect(r.code).toBe(WordImportError.WORD_IMPORT_UNREADABLE);
    expect(JSON.stringify(r.details)).toMatch(/too many bytes/);
  });

  it('refuses what is not a Word document, and a part with a DTD (entity expansion)', async () => {
    const notZip = await refusal(importWordTemplate(Buffer.from('not a zip'), { type: 'x', locale: 'en' }));
    expect(notZip).toMatchObject({ status: 422, code: WordImportError.WORD_IMPORT_UNREADABLE });
    const xlsxLike = zipParts(new Map([['xl/workbook.xml', Buffer.from('<workbook/>')]]));
    expect((await refusal(importWordTemplate(xlsxLike, { type: 'x', locale: 'en' }))).code).toBe(
      WordImportError.WORD_IMPORT_UNREADABLE,
    );
    const laughs = zipParts(
      new Map([
        [
          'word/document.xml',
          Buffer.from('<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;">]><d>&b;</d>'),
        ],
      ]),
    );
    const dtd = await refusal(importWordTemplate(laughs, { type: 'x', locale: 'en' }));
    expect(dtd.code).toBe(WordImportError.WORD_IMPORT_UNREADABLE);
    expect(JSON.stringify(dtd.details)).toContain('declares a DTD');
  });
});
