import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assemblePdf, type AssemblyResult } from '../../src/rendering/assembly/assembler.js';
import { addPlaceholderIncrementally } from '../../src/rendering/signing/incremental.js';
import { run, scanJpeg, sealPng, sectionPdf, tocRenderer } from '../fixtures/assembly/fixtures.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'assembly-test-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function save(pdf: Buffer, name: string): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, pdf);
  return file;
}
const pageText = async (file: string, page: number) => (await run('pdftotext', ['-f', String(page), '-l', String(page), '-layout', file, '-'])).stdout;

describe('assemblePdf: a tender package', () => {
  let result: AssemblyResult;
  let file: string;
  let tocCalls: { title: string; page: number }[][];

  beforeAll(async () => {
    // Cover (1) | contents (2 pages: 3 lines a page, 5 entries) | quotation (2) + PDF attachment (2) + JPEG scan (1)
    // | licence scan as PNG named .pdf (1) | three 1-page sections.
    const toc = tocRenderer(3);
    tocCalls = toc.calls;
    result = await assemblePdf({
      title: 'Tender package',
      sections: [
        { title: '封面', pdf: await sectionPdf('COVER', 1) },
        {
          title: '报价单 Quotation',
          pdf: await sectionPdf('QUOTE', 2),
          attachments: [
            { name: 'spec.pdf', bytes: await sectionPdf('SPEC', 2, [842, 595]) },
            { name: 'licence.jpg', bytes: scanJpeg() },
          ],
        },
        { title: '资质 Qualifications', pdf: await sectionPdf('QUAL', 1), attachments: [{ name: 'seal-scan.pdf', bytes: sealPng(200) }] },
        { title: 'Delivery', pdf: await sectionPdf('DELIVERY', 1) },
        { title: 'Terms', pdf: await sectionPdf('TERMS', 1) },
      ],
      toc: { afterSection: 0, title: '目录', render: toc.render },
      pageNumbers: {},
      seal: { png: sealPng(), placements: [{ section: 1, x: 400, y: 120, width: 110 }, { section: 4, page: 1, x: 60, y: 60, width: 80 }] },
    });
    file = await save(result.pdf, 'package.pdf');
  });

  it('passes qpdf --check and has every page (pdfinfo)', async () => {
    expect((await run('qpdf', ['--check', file])).stdout).toContain('No syntax or stream encoding errors');
    const info = (await run('pdfinfo', [file])).stdout;
    expect(info).toMatch(/Pages:\s+12\n/);
    expect(result.pages).toBe(12);
  });

  it('is saved with a classic cross-reference table, so that the signature is appended instead of a second full save', () => {
    const text = result.pdf.toString('latin1');
    expect(text).not.toContain('/ObjStm');
    expect(text).not.toContain('/XRef');
    const appended = addPlaceholderIncrementally(result.pdf, {
      reason: 'r',
      location: '',
      name: 'n',
      contactInfo: '',
      signingTime: new Date(0),
      subFilter: 'ETSI.CAdES.detached',
      signatureLength: 64,
      appName: 'Tenderdesk',
    });
    expect(appended).toBeDefined();
    expect(appended!.subarray(0, result.pdf.length).equals(result.pdf)).toBe(true);
  });

  it('numbers every page continuously', async () => {
    for (let page = 1; page <= 12; page++) expect(await pageText(file, page)).toContain(`- ${page} / 12 -`);
  });

  it('prints the real page numbers in the table of contents, counting its own two pages', async () => {
    // The first render guessed one page of contents; it came out at two, so it was rendered again.
    expect(tocCalls).toHaveLength(2);
    expect(tocCalls[1]).toEqual([
      { title: '封面', page: 1 },
      { title: '报价单 Quotation', page: 4 },
      { title: '资质 Qualifications', page: 9 },
      { title: 'Delivery', page: 11 },
      { title: 'Terms', page: 12 },
    ]);
    expect(await pageText(file, 2)).toMatch(/Quotation \.+ 4/);
    expect(await pageText(file, 3)).toMatch(/Terms \.+ 12/);
    // ...and the numbers are where those sections really start.
    for (const [page, label] of [[4, 'QUOTE p1'], [9, 'QUAL p1'], [11, 'DELIVERY p1'], [12, 'TERMS p1']] as const) {
      expect(await pageText(file, page)).toContain(label);
    }
  });

  it('writes one bookmark per section (and the contents), pointing at its first page', async () => {
    const outlines = JSON.parse((await run('qpdf', ['--json', '--json-key=outlines', file])).stdout) as {
      outlines: { title: string; destpageposfrom1: number }[];
    };
    const expected = [
      { title: '封面', page: 1 },
      { title: '目录', page: 2 },
      { title: '报价单 Quotation', page: 4 },
      { title: '资质 Qualifications', page: 9 },
      { title: 'Delivery', page: 11 },
      { title: 'Terms', page: 12 },
    ];
    expect(outlines.outlines.map((o) => ({ title: o.title, page: o.destpageposfrom1 }))).toEqual(expected);
    expect(result.outline).toEqual(expected);
  });

  it('keeps attached PDFs as they are and puts each scan on its own A4 page', async () => {
    expect(await pageText(file, 6)).toContain('SPEC p1');
    expect((await run('pdfinfo', ['-f', '6', '-l', '6', file])).stdout).toMatch(/Page\s+6 size:\s+842 x 595 pts/);
    const images = (await run('pdfimages', ['-list', file])).stdout;
    expect(images).toMatch(/^\s+8\s+\d+\s+image\s+584\s+827\s+rgb\s+3\s+8\s+jpeg/m); // the JPEG, kept as JPEG
    expect((await run('pdfinfo', ['-f', '8', '-l', '8', file])).stdout).toMatch(/Page\s+8 size:\s+595\.28 x 841\.89 pts/);
    expect(images).toMatch(/^\s+10\s+\d+\s+image\s+200\s+200/m); // the PNG sent as "seal-scan.pdf"
  });

  it('stamps the seal, with its transparency, on the pages asked for', async () => {
    const images = (await run('pdfimages', ['-list', file])).stdout;
    // Section 1's last own page is page 5; section 4's first page is 12. Each carries the image and its soft mask.
    for (const page of [5, 12]) {
      expect(images).toMatch(new RegExp(`^\\s+${page}\\s+\\d+\\s+image\\s+120\\s+120`, 'm'));
      expect(images).toMatch(new RegExp(`^\\s+${page}\\s+\\d+\\s+smask\\s+120\\s+120`, 'm'));
    }
  });
});

describe('assemblePdf: refusals and edge cases', () => {
  it('refuses an attachment that is neither PDF, JPEG nor PNG, whatever its name', async () => {
    const gif = Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'latin1');
    await expect(
      assemblePdf({ sections: [{ title: 'A', pdf: await sectionPdf('A', 1), attachments: [{ name: 'scan.png', bytes: gif }] }] }),
    ).rejects.toMatchObject({ status: 422, code: 'ATTACHMENT_UNSUPPORTED', details: { section: 0, name: 'scan.png' } });
  });

  it('refuses a damaged image with ATTACHMENT_UNSUPPORTED', async () => {
    const broken = Buffer.concat([sealPng().subarray(0, 40)]);
    await expect(
      assemblePdf({ sections: [{ title: 'A', pdf: await sectionPdf('A', 1), attachments: [{ name: 'x.png', bytes: broken }] }] }),
    ).rejects.toMatchObject({ code: 'ATTACHMENT_UNSUPPORTED' });
  });

  it('refuses a seal on a page the section does not have', async () => {
    await expect(
      assemblePdf({ sections: [{ title: 'A', pdf: await sectionPdf('A', 1) }], seal: { png: sealPng(), placements: [{ section: 0, page: 2, x: 0, y: 0, width: 50 }] } }),
    ).rejects.toMatchObject({ code: 'SEAL_PLACEMENT_INVALID' });
  });

  it('puts the contents first when asked, and formats page numbers as told', async () => {
    const result = await assemblePdf({
      sections: [{ title: 'One', pdf: await sectionPdf('ONE', 2) }, { title: 'Two', pdf: await sectionPdf('TWO', 1) }],
      toc: { afterSection: -1, title: 'Contents', render: tocRenderer(10).render },
      pageNumbers: { format: (n, total) => `Page ${n} of ${total}` },
    });
    const file = await save(result.pdf, 'toc-first.pdf');
    expect(result.outline).toEqual([
      { title: 'Contents', page: 1 },
      { title: 'One', page: 2 },
      { title: 'Two', page: 4 },
    ]);
    expect(await pageText(file, 1)).toMatch(/Two \.+ 4/);
    expect(await pageText(file, 4)).toContain('Page 4 of 4');
  });

  it('merges 50 small PDFs into one valid file (the time is printed; bench/tender-package measures it)', async () => {
    const sections = await Promise.all(
      Array.from({ length: 50 }, async (_, i) => ({ title: `Section ${i + 1}`, pdf: await sectionPdf(`S${i + 1}`, 1 + (i % 3)) })),
    );
    const started = performance.now();
    const result = await assemblePdf({ sections, pageNumbers: {} });
    const ms = performance.now() - started;
    console.log(`assemblePdf: 50 PDFs, ${result.pages} pages, ${(result.pdf.length / 1e6).toFixed(2)} MB in ${ms.toFixed(0)} ms`);
    const file = await save(result.pdf, 'fifty.pdf');
    expect((await run('qpdf', ['--check', file])).stdout).toContain('No syntax or stream encoding errors');
    expect(result.pages).toBe(99);
  });
});
