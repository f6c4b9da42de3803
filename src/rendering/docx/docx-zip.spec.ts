import { describe, expect, it } from '@jest/globals';
import {
  Document,
  Footer,
  Header,
  ImageRun,
  Packer,
  PageNumber,
  Paragraph,
  Table,
  TableCell,
  TableRow,
  TextRun,
} from 'docx';
import yauzl from 'yauzl';
import { packDocx } from './docx-zip.js';
import { png } from './testing/png.js';

/** A document with what statements have: CJK text, a table, a header, a PAGE/NUMPAGES footer, an image. */
function document(customer: string, rows: number): Document {
  return new Document({
    title: `对账单 ${customer}`,
    creator: 'Tenderdesk',
    sections: [
      {
        headers: { default: new Header({ children: [new Paragraph(`华东智能仪表有限公司 · ${customer}`)] }) },
        footers: {
          default: new Footer({
            children: [new Paragraph({ children: [new TextRun({ children: ['第 ', PageNumber.CURRENT, ' 页'] })] })],
          }),
        },
        children: [
          new Paragraph({ children: [new TextRun({ text: `客户：${customer}`, bold: true })] }),
          new Table({
            rows: Array.from(
              { length: rows },
              (_, i) =>
                new TableRow({
                  children: [
                    new TableCell({ children: [new Paragraph(`2026-11-${String(i + 1).padStart(2, '0')}`)] }),
                    new TableCell({ children: [new Paragraph(`¥${(1000 + i).toFixed(2)}`)] }),
                  ],
                }),
            ),
          }),
          new Paragraph({
            children: [new ImageRun({ type: 'png', data: png(40, 20), transformation: { width: 40, height: 20 } })],
          }),
        ],
      },
    ],
  });
}

/** The parts of a zip, in its order, inflated (yauzl checks each CRC and size against the central directory). */
async function parts(zip: Buffer): Promise<[string, Buffer][]> {
  const file = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.fromBuffer(zip, { lazyEntries: true, validateEntrySizes: true }, (err, z) =>
      err ? reject(err) : resolve(z),
    ),
  );
  const out: [string, Buffer][] = [];
  await new Promise<void>((resolve, reject) => {
    file.on('error', reject);
    file.on('end', () => resolve());
    file.on('entry', (entry: yauzl.Entry) => {
      file.openReadStream(entry, (err, stream) => {
        if (err) return reject(err);
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('error', reject);
        stream.on('end', () => {
          out.push([entry.fileName, Buffer.concat(chunks)]);
          file.readEntry();
        });
      });
    });
    file.readEntry();
  });
  return out;
}

/**
 * Parts as comparable text: XML with the time docProps/core.xml was made and the drawing ids (`wp:docPr`, which `docx`
 * numbers across every document of the process) taken out; binary parts as base64.
 */
const comparable = ([path, bytes]: [string, Buffer]): [string, string] => [
  path,
  /\.(xml|rels)$/.test(path)
    ? bytes
        .toString('utf8')
        .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, 'DATE')
        .replace(/<wp:docPr id="\d+"/g, '<wp:docPr id="N"')
    : bytes.toString('base64'),
];

describe('packDocx', () => {
  it("writes the same parts, in the same order, as docx's Packer", async () => {
    const ours = await parts(packDocx(document('基准对账客户0001有限公司', 3)));
    const theirs = await parts(await Packer.toBuffer(document('基准对账客户0001有限公司', 3)));
    expect(ours.map(([p]) => p)).toEqual(theirs.map(([p]) => p));
    expect(ours.map(comparable)).toEqual(theirs.map(comparable));
    expect(ours.map(([p]) => p)).toEqual(expect.arrayContaining(['word/document.xml', 'word/styles.xml']));
  });

  it('reuses the compressed parts that did not change and writes the ones that did', async () => {
    // A, then B (another customer, more rows: document.xml, the header and core.xml change), then A again.
    for (const [customer, rows] of [
      ['甲公司', 2],
      ['乙公司 Ltd.', 7],
      ['甲公司', 2],
    ] as const) {
      const ours = await parts(packDocx(document(customer, rows)));
      const theirs = await parts(await Packer.toBuffer(document(customer, rows)));
      expect(ours.map(comparable)).toEqual(theirs.map(comparable));
      const text = new Map(ours).get('word/header1.xml')!.toString('utf8');
      expect(text).toContain(customer);
    }
  });
});
