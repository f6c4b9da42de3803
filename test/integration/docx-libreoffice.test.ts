import 'reflect-metadata';
import { execFile } from 'node:child_process';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { loadConfig } from '../../src/config/app-config.js';
import { parseBlocks, type BlockModel } from '../../src/rendering/docx/html-blocks.js';
import { htmlToDocx } from '../../src/rendering/docx/html-to-docx.js';
import { blocksText, visibleText } from '../../src/rendering/docx/visible-text.js';
import { BrowserPool } from '../../src/rendering/pdf/browser-pool.js';
import { PdfFonts } from '../../src/rendering/pdf/fonts.js';
import { PdfRenderer } from '../../src/rendering/pdf/pdf-renderer.js';
import type { Locale } from '../../src/rendering/rendering.types.js';
import { TemplateEngine, type RenderedHtml } from '../../src/rendering/templates/template-engine.js';

// Every document type's DOCX (its sample, zh-CN and en, and the 10-page statement) as a clerk sees it: opened by
// LibreOffice (Debian's libreoffice-writer-nogui, scripts/system-deps.sh) and printed to PDF, against the PDF
// Chromium prints from the same HTML. LibreOffice takes seconds to start, so every DOCX goes through ONE soffice
// call, with a profile of its own. Its fonts: the faces the DOCX names (Microsoft YaHei, SimHei, SimSun) served
// by their open stand-ins, Noto Sans SC and Noto Serif SC from npm, as on a Linux desktop with Noto CJK; no host
// font, so the result does not depend on the machine.
const run = promisify(execFile);
const require = createRequire(import.meta.url);

const engine = new TemplateEngine();
const CASES: { name: string; type: string; sample: string; locale: Locale }[] = [
  ...engine
    .types()
    .flatMap((type) =>
      (['zh-CN', 'en'] as const).map((locale) => ({ name: `${type}-${locale}`, type, sample: 'sample', locale })),
    ),
  { name: 'customer-statement-10-pages', type: 'customer-statement', sample: 'sample-10-pages', locale: 'zh-CN' },
];

/** Dates, amounts and references: what must never be split over two lines. */
const UNBREAKABLE = [
  /\d{4}-\d{2}-\d{2}/g, // 2026-10-08
  /\d{4}年\d{1,2}月\d{1,2}日/g, // 2026年10月8日
  /[¥$€]-?[\d,]*\d(?:\.\d+)?/g, // ¥51,480.00
  /\b[A-Z]{2,5}(?:-[0-9A-Z]+)+/g, // HT-2026-0412, DZ-2026-10-0087
];

let dir: string;
/** The statement's letterhead name, as wide as Chromium prints it and as LibreOffice does. */
const letterhead = { pdf: 0, lo: 0 };
let pool: BrowserPool;
const results = new Map<
  string,
  { pdfPages: number; loPages: number; loLines: string[]; cellTokens: string[]; text: string }
>();

async function pages(file: string): Promise<number> {
  return Number(/Pages:\s+(\d+)/.exec((await run('pdfinfo', [file])).stdout)![1]);
}

/** Each line of the page text, whitespace removed (LibreOffice spaces Chinese from Latin text; the PDF does not). */
async function squashedLines(file: string): Promise<string[]> {
  return (await run('pdftotext', ['-layout', file, '-'])).stdout.split('\n').map((l) => l.replace(/\s+/g, ''));
}

/** The dates, amounts and references in the document's table cells. */
function cellTokens(blocks: BlockModel[]): string[] {
  const out: string[] = [];
  for (const block of blocks) {
    if (block.kind !== 'table') continue;
    for (const cell of block.rows.flatMap((r) => r.cells)) {
      const text = blocksText(cell.blocks);
      for (const pattern of UNBREAKABLE) out.push(...(text.match(pattern) ?? []).map((t) => t.replace(/\s+/g, '')));
      out.push(...cellTokens(cell.blocks));
    }
  }
  return out;
}

/** The width in points of the widest occurrence of `word` on page 1 (pdftotext -bbox). */
async function widest(file: string, word: string): Promise<number> {
  const { stdout } = await run('pdftotext', ['-f', '1', '-l', '1', '-bbox', file, '-']);
  const widths = [
    ...stdout.matchAll(/<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)<\/word>/g),
  ]
    .filter((m) => m[3] === word)
    .map((m) => Number(m[2]) - Number(m[1]));
  return Math.max(0, ...widths);
}

const occurrences = (lines: string[], token: string) => lines.reduce((n, line) => n + line.split(token).length - 1, 0);

const fontconfig = (cache: string) => {
  const face = (pkg: string, file: string) => dirname(require.resolve(`@expo-google-fonts/${pkg}/${file}`));
  const dirs = [
    face('noto-sans-sc', '400Regular/NotoSansSC_400Regular.ttf'),
    face('noto-sans-sc', '700Bold/NotoSansSC_700Bold.ttf'),
    face('noto-serif-sc', '400Regular/NotoSerifSC_400Regular.ttf'),
    face('noto-serif-sc', '700Bold/NotoSerifSC_700Bold.ttf'),
  ];
  const alias = (name: string, to: string) =>
    `<alias binding="same"><family>${name}</family><accept><family>${to}</family></accept></alias>`;
  return `<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
<fontconfig>
  ${dirs.map((d) => `<dir>${d}</dir>`).join('\n  ')}
  <cachedir>${cache}</cachedir>
  ${alias('Microsoft YaHei', 'Noto Sans SC')}
  ${alias('SimHei', 'Noto Sans SC')}
  ${alias('SimSun', 'Noto Serif SC')}
  <match target="pattern"><edit name="family" mode="append_last"><string>Noto Sans SC</string></edit></match>
</fontconfig>
`;
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'td-docx-lo-'));
  const out = join(dir, 'lo');
  await mkdir(out);
  await writeFile(join(dir, 'fonts.conf'), fontconfig(join(dir, 'fontconfig-cache')));
  const fonts = new PdfFonts();
  pool = new BrowserPool(loadConfig({ STORAGE_DIR: dir }), fonts);
  const renderer = new PdfRenderer(pool, fonts);

  const rendered = new Map<string, RenderedHtml>();
  for (const c of CASES) {
    const r = engine.render(c.type, engine.sample(c.type, c.sample), { locale: c.locale });
    rendered.set(c.name, r);
    const docx = await htmlToDocx({
      html: r.html,
      headerText: r.headerText,
      footer: 'page-x-of-y',
      locale: r.locale,
      title: r.title,
    });
    await writeFile(join(dir, `${c.name}.docx`), docx);
    await writeFile(
      join(dir, `${c.name}.pdf`),
      await renderer.render({ html: r.html, headerHtml: r.headerHtml, footerHtml: r.footerHtml }),
    );
  }
  await run(
    'soffice',
    [
      `-env:UserInstallation=file://${join(dir, 'profile')}`,
      '--headless',
      '--convert-to',
      'pdf',
      '--outdir',
      out,
      ...CASES.map((c) => join(dir, `${c.name}.docx`)),
    ],
    { env: { ...process.env, FONTCONFIG_FILE: join(dir, 'fonts.conf') }, timeout: 240_000 },
  );
  const company = '江苏恒远仪器设备有限公司';
  letterhead.pdf = await widest(join(dir, 'customer-statement-zh-CN.pdf'), company);
  letterhead.lo = await widest(join(out, 'customer-statement-zh-CN.pdf'), company);
  for (const c of CASES) {
    const lo = join(out, `${c.name}.pdf`);
    results.set(c.name, {
      pdfPages: await pages(join(dir, `${c.name}.pdf`)),
      loPages: await pages(lo),
      loLines: await squashedLines(lo),
      cellTokens: cellTokens(parseBlocks(rendered.get(c.name)!.html)),
      text: visibleText(rendered.get(c.name)!.html).replace(/\s+/g, ''),
    });
  }
}, 300_000);

afterAll(async () => {
  await pool?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe.each(CASES.map((c) => [c.name] as const))('%s as LibreOffice prints its DOCX', (name) => {
  it('has as many pages as the PDF, give or take one', () => {
    const r = results.get(name)!;
    expect(Math.abs(r.loPages - r.pdfPages)).toBeLessThanOrEqual(1);
  });

  it('keeps every date, amount and reference of its tables on one line', () => {
    const r = results.get(name)!;
    // Each token is found whole at least as often as the document's text has it: a wrapped one is found once less.
    const broken = [...new Set(r.cellTokens)].filter(
      (token) => occurrences(r.loLines, token) < occurrences([r.text], token),
    );
    expect(broken).toEqual([]);
  });
});

it('covers every document type and finds dates, amounts or references in the statement', () => {
  expect(new Set(CASES.map((c) => c.type))).toEqual(new Set(engine.types()));
  expect(results.get('customer-statement-zh-CN')!.cellTokens).toEqual(
    expect.arrayContaining(['2026-10-08', 'HT-2026-0412', '¥1,360,000.00']),
  );
});

it("prints the statement's letterhead name as big as the PDF does (14 pt bold, not body text)", () => {
  expect(letterhead.pdf).toBeGreaterThan(150); // 12 characters at 14 pt
  expect(Math.abs(letterhead.lo - letterhead.pdf) / letterhead.pdf).toBeLessThan(0.05);
});
